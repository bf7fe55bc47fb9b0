// XML escaping, the spill buffer, the JUnit report, the job log, colour choice.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/error.hpp"
#include "mtask/report/colour.hpp"
#include "mtask/report/joblog_reporter.hpp"
#include "mtask/report/junit_reporter.hpp"
#include "mtask/report/output.hpp"
#include "mtask/report/spill_buffer.hpp"
#include "mtask/text/xml.hpp"
#include "temp_dir.hpp"

using namespace std::chrono_literals;
using mtask::Outcome;
using mtask::Stream;
using mtask::TaskResult;

namespace {

// The event that starts a run, at `wall_start` on the wall clock.
mtask::BeginEvent begin(const std::vector<mtask::Task>& tasks,
                        std::chrono::system_clock::time_point wall_start) {
  return {1, tasks, std::chrono::steady_clock::now(), wall_start};
}

std::string xml(std::string_view text, bool attribute = false) {
  std::string out;
  mtask::append_xml_escaped(out, text, attribute);
  return out;
}

}  // namespace

TEST_CASE("xml: markup characters become references", "[xml]") {
  CHECK(xml("a<b>&c \"q\" 'x'") == "a&lt;b&gt;&amp;c \"q\" 'x'");
  CHECK(xml("\"q\"\ttab\nnl", true) == "&quot;q&quot;&#9;tab&#10;nl");
  CHECK(xml("tab\tnl\n") == "tab\tnl\n");
  CHECK(xml("cr\r") == "cr&#13;");
}

TEST_CASE("xml: characters XML cannot hold are replaced visibly", "[xml]") {
  CHECK(xml(std::string_view("\0", 1)) == "\xE2\x90\x80");  // U+2400
  CHECK(xml("\x1B[1m") == "\xE2\x90\x9B[1m");               // U+241B for ESC
  CHECK(xml("\x7F") == "\xE2\x90\xA1");                     // U+2421 for DEL
  CHECK(xml("\xEF\xBF\xBE\xEF\xBF\xBF") == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("xml: each run of invalid UTF-8 becomes one U+FFFD", "[xml]") {
  CHECK(xml("a\xFF\xFE"
            "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(xml("\xC0\xAF") == "\xEF\xBF\xBD");          // overlong
  CHECK(xml("\xED\xA0\x80") == "\xEF\xBF\xBD");      // surrogate
  CHECK(xml("\xF4\x90\x80\x80") == "\xEF\xBF\xBD");  // past U+10FFFF
  CHECK(xml("\xE5\x94") == "\xEF\xBF\xBD");          // cut short
  CHECK(xml("\xE5\x94\xB1 \xF0\x9F\x8E\xB5") == "\xE5\x94\xB1 \xF0\x9F\x8E\xB5");
}

TEST_CASE("spill buffer: keeps small output in memory", "[spill_buffer]") {
  mtask::SpillBuffer buffer(16);
  buffer.append("hello ");
  buffer.append("world");
  CHECK_FALSE(buffer.spilled());
  mtask::StringOutput out;
  buffer.write_to(out);
  CHECK(out.str() == "hello world");
  CHECK(buffer.size() == 11);
}

TEST_CASE("spill buffer: beyond its memory it spills to a file with no name", "[spill_buffer]") {
  TempDir dir;
  const std::string dir_path = dir.file("");
  setenv("TMPDIR", dir_path.c_str(), 1);
  std::string expected;
  {
    mtask::SpillBuffer buffer(1000);
    for (int i = 0; i < 5000; ++i) {
      const std::string line = "line " + std::to_string(i) + "\n";
      buffer.append(line);
      expected += line;
    }
    CHECK(buffer.spilled());
    CHECK(buffer.dropped() == 0);
    CHECK(buffer.size() == expected.size());
    CHECK(dir.entries() == 0);  // nothing with a name on disk, even while it is held
    mtask::StringOutput out;
    buffer.write_to(out);
    CHECK(out.str() == expected);
    buffer.clear();
    CHECK(buffer.empty());
  }
  unsetenv("TMPDIR");
}

TEST_CASE("spill buffer: with no place for a file it keeps what fits and counts the rest",
          "[spill_buffer]") {
  setenv("TMPDIR", "/nonexistent/mtask-test", 1);
  mtask::SpillBuffer buffer(4);
  buffer.append("abcdef");
  unsetenv("TMPDIR");
  CHECK(buffer.dropped() == 2);
  mtask::StringOutput out;
  buffer.write_to(out);
  CHECK(out.str() == "abcd");
}

namespace {

struct JunitFixture {
  TempDir dir;
  std::string path = dir.file("report.xml");
  std::vector<mtask::Task> tasks{{.name = "sing", .index = 0},
                                 {.name = "bad", .command = "exit 3", .index = 1},
                                 {.name = "seg", .command = "kill -SEGV $$", .index = 2},
                                 {.name = "slow", .command = "sleep 9", .index = 3},
                                 {.name = "late", .index = 4}};
  std::vector<TaskResult> results{
      {.outcome = Outcome::kExited, .pid = 10, .ppid = 1, .code = 0, .wall = 1500ms},
      {.outcome = Outcome::kExited, .pid = 11, .ppid = 1, .code = 3, .wall = 2ms},
      {.outcome = Outcome::kSignaled, .pid = 12, .ppid = 1, .signal = SIGSEGV, .wall = 3ms},
      {.outcome = Outcome::kTimedOut, .pid = 13, .ppid = 1, .signal = SIGTERM, .wall = 1s},
      {},
  };

  mtask::SummaryEvent summary() const {
    return {1, tasks, results, 3, 1501ms, 2505ms, 1.7, 1, 1501ms};
  }
};

}  // namespace

TEST_CASE_METHOD(JunitFixture, "junit: one testcase per task, failures and skipped", "[junit]") {
  {
    mtask::JunitReporter junit(tasks, path);
    junit.on_begin(begin(tasks, std::chrono::system_clock::time_point(1795000000s)));
    junit.on_line({tasks[0], 10, Stream::kStdout, "sing... (1/3)", false, 0ms});
    junit.on_line({tasks[1], 11, Stream::kStderr, "bad <&> \x1B!", false, 0ms});
    CHECK(dir.entries() == 0);  // nothing on disk before the report is written
    CHECK_FALSE(std::filesystem::exists(path));
    junit.on_summary(summary());
    CHECK(junit.error().empty());
  }
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  const std::string text = read_all(path);
  CAPTURE(text);
  CHECK(
      text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mtask\" "
                       "tests=\"5\" failures=\"3\" errors=\"0\" skipped=\"1\" time=\"1.501\">"));
  CHECK(text.find("timestamp=\"2026-11-18T11:06:40\"") != std::string::npos);
  CHECK(text.find("<testcase name=\"sing\" classname=\"mtask\" time=\"1.500\">\n"
                  "      <properties>\n"
                  "        <property name=\"vcsw\" value=\"0\"/>\n"
                  "        <property name=\"ivcsw\" value=\"0\"/>\n"
                  "      </properties>\n"
                  "      <system-out>sing... (1/3)\n</system-out>\n    </testcase>") !=
        std::string::npos);
  CHECK(text.find("<failure message=\"exit 3\" type=\"exit\">exit 3</failure>\n"
                  "      <system-err>bad &lt;&amp;&gt; \xE2\x90\x9B!\n</system-err>") !=
        std::string::npos);
  CHECK(text.find("<failure message=\"SIGSEGV\" type=\"signal\">") != std::string::npos);
  CHECK(text.find("<failure message=\"timed out\" type=\"timeout\">") != std::string::npos);
  CHECK(text.find("<testcase name=\"late\" classname=\"mtask\" time=\"0.000\">\n"
                  "      <skipped message=\"not started\"/>") != std::string::npos);
  CHECK(text.ends_with("  </testsuite>\n</testsuites>\n"));
}

TEST_CASE_METHOD(JunitFixture, "junit: a task mtask stopped is skipped, not a failure", "[junit]") {
  results[2].stopped = mtask::StopReason::kSigint;  // seg: SIGSEGV while mtask stopped it
  {
    mtask::JunitReporter junit(tasks, path);
    junit.on_begin(begin(tasks, std::chrono::system_clock::now()));
    junit.on_summary(
        {1, tasks, results, 2, 1501ms, 2505ms, 1.7, 130, 1501ms, mtask::StopReason::kSigint, 1s});
    CHECK(junit.error().empty());
  }
  const std::string text = read_all(path);
  CAPTURE(text);
  CHECK(text.find("failures=\"2\" errors=\"0\" skipped=\"2\"") != std::string::npos);
  CHECK(text.find("<testcase name=\"seg\" classname=\"mtask\" time=\"0.003\">\n"
                  "      <properties>\n"
                  "        <property name=\"vcsw\" value=\"0\"/>\n"
                  "        <property name=\"ivcsw\" value=\"0\"/>\n"
                  "      </properties>\n"
                  "      <skipped message=\"stopped: SIGSEGV (SIGINT)\"/>") != std::string::npos);
  CHECK(text.find("type=\"signal\"") == std::string::npos);
}

TEST_CASE_METHOD(JunitFixture, "junit: output over the limit is cut with a visible note",
                 "[junit]") {
  {
    mtask::JunitReporter junit(tasks, path, 10);
    junit.on_begin(begin(tasks, std::chrono::system_clock::now()));
    junit.on_line({tasks[0], 10, Stream::kStdout, "12345", false, 0ms});  // 6 bytes kept
    junit.on_line({tasks[0], 10, Stream::kStdout, "67890", false, 0ms});  // 6 more: over
    junit.on_line({tasks[0], 10, Stream::kStdout, "ab", false, 0ms});     // 3: fits
    junit.on_summary(summary());
  }
  const std::string text = read_all(path);
  CHECK(text.find("<system-out>12345\nab\n[mtask: 6 more bytes of output not kept]\n"
                  "</system-out>") != std::string::npos);
}

TEST_CASE("junit: tasks that share a name get their index", "[junit]") {
  TempDir dir;
  const std::vector<mtask::Task> tasks{{.name = "t", .index = 0}, {.name = "t", .index = 1}};
  const std::vector<TaskResult> results{{.outcome = Outcome::kExited, .pid = 1, .wall = 1ms},
                                        {.outcome = Outcome::kExited, .pid = 2, .wall = 1ms}};
  {
    mtask::JunitReporter junit(tasks, dir.file("r.xml"));
    junit.on_begin(begin(tasks, std::chrono::system_clock::now()));
    junit.on_summary({1, tasks, results, 0, 1ms, 2ms, 2.0, 0, 1ms});
  }
  const std::string text = read_all(dir.file("r.xml"));
  CHECK(text.find("name=\"t #0\"") != std::string::npos);
  CHECK(text.find("name=\"t #1\"") != std::string::npos);
}

TEST_CASE("junit: nothing is touched before the summary, where a failure is named with why",
          "[junit]") {
  const std::vector<mtask::Task> tasks{{.name = "t", .index = 0}};
  const std::vector<TaskResult> results(1);
  mtask::JunitReporter junit(tasks, "/nonexistent/dir/r.xml");  // the caller checks the path
  junit.on_summary({1, tasks, results, 0, 1ms, 0ms, 0.0, 0, 1ms});
  CHECK(junit.error() ==
        "--junit '/nonexistent/dir/r.xml': mkstemp /nonexistent/dir/.r.xml.XXXXXX: No such file "
        "or directory");
}

TEST_CASE_METHOD(JunitFixture, "junit: a report that cannot take its place says why", "[junit]") {
  std::filesystem::create_directory(path);  // a directory where the report should go
  mtask::JunitReporter junit(tasks, path);
  junit.on_begin(begin(tasks, std::chrono::system_clock::now()));
  junit.on_summary(summary());
  CHECK(junit.error() == "--junit '" + path + "': lstat " + path + ": Is a directory");
  CHECK(std::filesystem::is_empty(path));
}

TEST_CASE_METHOD(JunitFixture, "junit: a device that fails the write says why", "[junit]") {
  if (!std::filesystem::is_character_file("/dev/full")) return;
  mtask::JunitReporter junit(tasks, "/dev/full");
  junit.on_begin(begin(tasks, std::chrono::system_clock::now()));
  junit.on_summary(summary());
  CHECK(junit.error() == "--junit '/dev/full': write /dev/full: No space left on device");
  CHECK(std::filesystem::is_character_file("/dev/full"));
}

TEST_CASE("junit: a report never written leaves no file behind", "[junit]") {
  TempDir dir;
  const std::vector<mtask::Task> tasks{{.name = "t", .index = 0}};
  { mtask::JunitReporter junit(tasks, dir.file("r.xml")); }
  CHECK(dir.entries() == 0);
}

TEST_CASE("junit: a shard names the suite, has a property and keeps its tasks' output",
          "[junit][shard]") {
  TempDir dir;
  const std::string path = dir.file("r.xml");
  // The second of three slices of six tasks: indexes 1 and 4 of the whole list.
  const std::vector<mtask::Task> tasks{{.name = "b", .index = 1}, {.name = "e", .index = 4}};
  const std::vector<TaskResult> results{{.outcome = Outcome::kExited, .pid = 10},
                                        {.outcome = Outcome::kExited, .pid = 11}};
  {
    mtask::JunitReporter junit(tasks, path, mtask::JunitReporter::kDefaultKeepBytes,
                               mtask::RunContext{"2/3"});
    junit.on_begin(begin(tasks, std::chrono::system_clock::time_point(1795000000s)));
    junit.on_line({tasks[1], 11, Stream::kStdout, "from e", false, 0ms});
    junit.on_summary({1, tasks, results, 0, 1ms, 0ms, 0.0, 0, 1ms});
    CHECK(junit.error().empty());
  }
  const std::string text = read_all(path);
  CAPTURE(text);
  CHECK(text.find("<testsuites name=\"mtask (shard 2/3)\" tests=\"2\"") != std::string::npos);
  CHECK(text.find("hostname=") < text.find("    <properties>\n      <property name=\"shard\" "
                                           "value=\"2/3\"/>\n    </properties>\n    <testcase"));
  CHECK(text.find("<system-out>from e\n</system-out>") != std::string::npos);
}

TEST_CASE("junit: an empty shard is an empty suite", "[junit][shard]") {
  TempDir dir;
  const std::vector<mtask::Task> none;
  const std::vector<TaskResult> results;
  {
    mtask::JunitReporter junit(none, dir.file("r.xml"), mtask::JunitReporter::kDefaultKeepBytes,
                               mtask::RunContext{"3/4"});
    junit.on_begin(begin(none, std::chrono::system_clock::time_point(1795000000s)));
    junit.on_summary({1, none, results, 0, 1ms, 0ms, 0.0, 0, 1ms});
    CHECK(junit.error().empty());
  }
  const std::string text = read_all(dir.file("r.xml"));
  CHECK(text.find("tests=\"0\" failures=\"0\"") != std::string::npos);
  CHECK(text.find("<testcase") == std::string::npos);
  CHECK(text.ends_with("    </properties>\n  </testsuite>\n</testsuites>\n"));
}

TEST_CASE_METHOD(JunitFixture, "junit: a testcase's properties say how it took turns on the CPU",
                 "[junit]") {
  results[0].vcsw = 3;
  results[0].ivcsw = 648;
  results[0].cpu_wait = 2000400us;
  results[1].cpu_wait = 5ms;
  results[1].cpu_wait_partial = true;
  {
    mtask::JunitReporter junit(tasks, path);
    junit.on_begin(begin(tasks, std::chrono::system_clock::time_point(1795000000s)));
    junit.on_summary(summary());
  }
  const std::string text = read_all(path);
  CAPTURE(text);
  CHECK(text.find("<testcase name=\"sing\" classname=\"mtask\" time=\"1.500\">\n"
                  "      <properties>\n"
                  "        <property name=\"cpu_wait_s\" value=\"2.000\"/>\n"
                  "        <property name=\"vcsw\" value=\"3\"/>\n"
                  "        <property name=\"ivcsw\" value=\"648\"/>\n"
                  "      </properties>\n") != std::string::npos);
  CHECK(text.find("<property name=\"cpu_wait_s\" value=\"0.005+\"/>") != std::string::npos);
  // An unknown wait is left out; a task that never started has no properties.
  CHECK(text.find("<testcase name=\"seg\" classname=\"mtask\" time=\"0.003\">\n"
                  "      <properties>\n"
                  "        <property name=\"vcsw\" value=\"0\"/>\n") != std::string::npos);
  CHECK(text.find("<testcase name=\"late\" classname=\"mtask\" time=\"0.000\">\n"
                  "      <skipped") != std::string::npos);
}

TEST_CASE("joblog: a shard is a comment line before the header", "[joblog][shard]") {
  mtask::StringOutput out;
  mtask::JoblogReporter joblog(out, mtask::RunContext{"2/4"});
  CHECK(joblog.flush());
  CHECK(out.str() ==
        std::string("# shard 2/4\n") + std::string(mtask::JoblogReporter::kHeader) + "\n");
  mtask::StringOutput plain;
  mtask::JoblogReporter unsharded(plain);
  CHECK(unsharded.flush());
  CHECK(plain.str().starts_with("index\t"));
}

TEST_CASE("joblog: a header, then one row per task as it ends", "[joblog]") {
  const std::vector<mtask::Task> tasks{
      {.name = "sing", .count = 3, .interval = 500ms, .index = 0},
      {.name = "cmd", .command = "printf 'a\\tb'\techo\\\nx", .index = 1},
      {.name = "seg", .command = "kill -SEGV $$", .index = 2},
      {.name = "slow", .command = "sleep 9", .index = 3}};
  mtask::StringOutput out;
  mtask::JoblogReporter joblog(out);
  joblog.on_begin(begin(tasks, std::chrono::system_clock::time_point(1795000000s)));
  joblog.on_exit({tasks[1],
                  {.outcome = Outcome::kExited,
                   .pid = 11,
                   .ppid = 1,
                   .code = 3,
                   .started = 1250ms,
                   .wall = 2500us,
                   .user_cpu = 1ms,
                   .sys_cpu = 2ms,
                   .max_rss_kb = 1480,
                   .vcsw = 2,
                   .ivcsw = 648,
                   .cpu_wait = 1250ms,
                   .cpu_wait_partial = true},
                  0ms});
  joblog.on_exit({tasks[0],
                  {.outcome = Outcome::kExited,
                   .pid = 10,
                   .ppid = 1,
                   .wall = 1500ms,
                   .vcsw = 4,
                   .cpu_wait = 12us},
                  0ms});
  joblog.on_exit({tasks[2],
                  {.outcome = Outcome::kSignaled,
                   .pid = 12,
                   .ppid = 1,
                   .signal = SIGSEGV,
                   .stopped = mtask::StopReason::kFailFast},
                  0ms});
  joblog.on_exit(
      {tasks[3], {.outcome = Outcome::kTimedOut, .pid = 13, .ppid = 1, .signal = SIGTERM}, 0ms});
  joblog.on_exit({tasks[3], TaskResult{}, 0ms});  // not started: no row
  CHECK(joblog.flush());
  CHECK(out.str() ==
        "index\ttask\tpid\tppid\tstart\twall\tuser\tsys\tmax_rss_kb\texit\tsignal\ttimed_out\t"
        "stopped\tattempt\tcpu_wait\tvcsw\tivcsw\tcommand\n"
        "1\tcmd\t11\t1\t1795000001.250\t0.003\t0.001\t0.002\t1480\t3\t-\t0\t-\t1\t"
        "1.250+\t2\t648\tprintf 'a\\\\tb'\\techo\\\\\\nx\n"
        "0\tsing\t10\t1\t1795000000.000\t1.500\t0.000\t0.000\t0\t0\t-\t0\t-\t1\t"
        "0.000\t4\t0\t(builtin sing:3@500ms)\n"
        "2\tseg\t12\t1\t1795000000.000\t0.000\t0.000\t0.000\t0\t-\tSIGSEGV\t0\tfail-fast\t1\t"
        "-\t0\t0\tkill -SEGV $$\n"
        "3\tslow\t13\t1\t1795000000.000\t0.000\t0.000\t0.000\t0\t-\tSIGTERM\t1\t-\t1\t-\t0\t0\t"
        "sleep 9\n");
}

TEST_CASE("joblog: a file that cannot be made fails before the run", "[joblog]") {
  CHECK_THROWS_AS(mtask::JoblogReporter::open("/nonexistent/dir/log"), mtask::SystemError);
}

TEST_CASE("colour: auto follows the terminal, NO_COLOR and CLICOLOR_FORCE", "[colour]") {
  using mtask::ColourMode;
  using mtask::use_colour;
  CHECK(use_colour(ColourMode::kAuto, true, nullptr, nullptr));
  CHECK_FALSE(use_colour(ColourMode::kAuto, false, nullptr, nullptr));
  CHECK_FALSE(use_colour(ColourMode::kAuto, true, nullptr, "1"));
  CHECK(use_colour(ColourMode::kAuto, true, nullptr, ""));  // empty counts as unset
  CHECK(use_colour(ColourMode::kAuto, false, "1", nullptr));
  CHECK(use_colour(ColourMode::kAuto, false, "1", "1"));
  CHECK_FALSE(use_colour(ColourMode::kAuto, false, "0", nullptr));
  CHECK_FALSE(use_colour(ColourMode::kAuto, false, "", nullptr));
  CHECK(use_colour(ColourMode::kAlways, false, nullptr, "1"));
  CHECK_FALSE(use_colour(ColourMode::kNever, true, "1", nullptr));
}

TEST_CASE("colour: each task keeps one colour and none is red", "[colour]") {
  CHECK(mtask::task_colour(0) == mtask::task_colour(8));
  CHECK(mtask::task_colour(0) != mtask::task_colour(1));
  for (std::size_t i = 0; i < 8; ++i) CHECK(mtask::task_colour(i) != mtask::kRed);
}

TEST_CASE("colour: yellow, poor on a light background, is not among the first colours",
          "[colour]") {
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(mtask::task_colour(i) != "\x1b[33m");
    CHECK(mtask::task_colour(i) != "\x1b[93m");
  }
}
