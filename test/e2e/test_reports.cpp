// Issue 5: --junit, --joblog, --group, colour, --timestamps, progress and the summary, as a
// user (or a CI job) sees them.
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace {

using e2e::read_all;
using e2e::shell;
using e2e::Shell;

using namespace std::chrono_literals;

std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

const std::string kSchema =
    (std::filesystem::path(__FILE__).parent_path().parent_path() / "data" / "junit.xsd").string();

/// The value of an XPath expression over a file, as xmllint computes it.
std::string xpath(const std::string& file, const std::string& expression) {
  const Shell result =
      shell("xmllint --xpath " + shell_quoted(expression) + " " + shell_quoted(file));
  INFO(result.out);
  REQUIRE(result.status == 0);
  REQUIRE(result.out.ends_with('\n'));  // xmllint ends what it prints with a newline
  return result.out.substr(0, result.out.size() - 1);
}

/// Runs `mtask ARGS` on a terminal (a pseudo-terminal made by script(1)); stdout and stderr
/// both reach it.
Shell on_terminal(const std::vector<std::string>& args, const std::string& env = "") {
  std::string command = e2e::binary();
  for (const std::string& arg : args) command += " " + shell_quoted(arg);
  return shell("env " + (env.empty() ? std::string("MTASK_E2E=1") : env) + " script -qfec " +
               shell_quoted(command) + " /dev/null");
}

e2e::Options quick() {
  e2e::Options options;
  options.timeout = 20s;
  return options;
}

}  // namespace

TEST_CASE("a JUnit report has one testcase per task and is valid against the schema",
          "[e2e][reports][junit]") {
  e2e::TempDir dir;
  const std::string report = dir.file("report.xml");
  const e2e::Run run =
      e2e::mtask({"run", "--junit", report, "--timeout", "2s", "--kill-after", "200ms",
                  "sing:2@10ms", "bad=echo to stdout; echo 'to <stderr> & more' >&2; exit 3",
                  "seg=ulimit -c 0; kill -SEGV $$", "slow=sleep 10",
                  "odd=printf 'esc \\033[1m nul \\000 bad \\377\\376 end\\n'"},
                 quick());
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  REQUIRE(std::filesystem::exists(report));
  CHECK_FALSE(std::filesystem::exists(report + ".tmp"));

  const Shell valid =
      shell("xmllint --noout --schema " + shell_quoted(kSchema) + " " + shell_quoted(report));
  INFO(valid.out << read_all(report));
  CHECK(valid.status == 0);
  CHECK(xpath(report, "count(//testsuite)") == "1");
  CHECK(xpath(report, "count(//testcase)") == "5");
  CHECK(xpath(report, "string(//testsuite/@failures)") == "3");
  CHECK(xpath(report, "count(//testcase[@name='sing']/failure)") == "0");
  CHECK(xpath(report, "string(//testcase[@name='sing']/system-out)") ==
        "sing... (1/2)\nsing... (2/2)\n");
  CHECK(xpath(report, "string(//testcase[@name='bad']/failure/@message)") == "exit 3");
  CHECK(xpath(report, "string(//testcase[@name='bad']/system-out)") == "to stdout\n");
  CHECK(xpath(report, "string(//testcase[@name='bad']/system-err)") == "to <stderr> & more\n");
  CHECK(xpath(report, "string(//testcase[@name='seg']/failure/@message)") == "SIGSEGV");
  CHECK(xpath(report, "string(//testcase[@name='slow']/failure/@message)") == "timed out");
  // Control bytes and invalid UTF-8 are made visible, never written raw.
  CHECK(xpath(report, "string(//testcase[@name='odd']/system-out)") ==
        "esc \xE2\x90\x9B[1m nul \xE2\x90\x80 bad \xEF\xBF\xBD end\n");
  const std::string text = read_all(report);
  CHECK(text.find('\x1B') == std::string::npos);
  CHECK(text.find('\0') == std::string::npos);
}

TEST_CASE("a JUnit report is written when mtask is stopped by a signal",
          "[e2e][reports][junit][signals]") {
  e2e::TempDir dir;
  const std::string report = dir.file("report.xml");
  e2e::Options options = quick();
  options.actions.push_back(e2e::send_signal(500ms, SIGTERM));
  const e2e::Run run = e2e::mtask(
      {"run", "-j", "1", "--junit", report, "first=echo begun; sleep 10", "never=true"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 143);
  REQUIRE(std::filesystem::exists(report));
  const Shell valid =
      shell("xmllint --noout --schema " + shell_quoted(kSchema) + " " + shell_quoted(report));
  INFO(valid.out << read_all(report));
  CHECK(valid.status == 0);
  CHECK(xpath(report, "string(//testcase[@name='first']/system-out)") == "begun\n");
  // Stopped by mtask, not failed: skipped (docs/output.md, "JUnit XML").
  CHECK(xpath(report, "count(//testcase[@name='first']/failure)") == "0");
  CHECK(xpath(report, "string(//testcase[@name='first']/skipped/@message)") ==
        "stopped: SIGTERM (SIGTERM)");
  CHECK(xpath(report, "string(//testcase[@name='never']/skipped/@message)") == "not started");
  CHECK(xpath(report, "string(//testsuite/@skipped)") == "2");
}

TEST_CASE("a JUnit file that cannot be made stops mtask before it starts anything",
          "[e2e][reports][junit]") {
  const e2e::Run run =
      e2e::mtask({"run", "--junit", "/nonexistent/dir/r.xml", "x=echo ran"}, quick());
  CHECK(run.status == 2);  // a usage error, checked before anything is forked
  CHECK(run.out.find("ran") == std::string::npos);
  CHECK(run.err.find("/nonexistent/dir/r.xml") != std::string::npos);
}

TEST_CASE("job log rows match the JSON exit events", "[e2e][reports][joblog]") {
  e2e::TempDir dir;
  const std::string log = dir.file("jobs.tsv");
  const auto before = std::chrono::system_clock::now();
  const e2e::Run run =
      e2e::mtask({"run", "-o", "json", "--joblog", log, "sing:2@10ms", "bad=exit 3",
                  "seg=ulimit -c 0; kill -SEGV $$", "tabs=printf 'a\\tb\\n'"},
                 quick());
  const auto after = std::chrono::system_clock::now();
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);

  std::map<std::size_t, nlohmann::json> exits;
  for (const std::string& line : run.out_lines()) {
    const nlohmann::json event = nlohmann::json::parse(line);
    if (event["event"] == "exit") exits[event["index"].get<std::size_t>()] = event;
  }
  REQUIRE(exits.size() == 4);

  const std::vector<std::string> rows = e2e::split_lines(read_all(log));
  REQUIRE(rows.size() == 5);
  CHECK(rows[0] ==
        "index\ttask\tpid\tppid\tstart\twall\tuser\tsys\tmax_rss_kb\texit\tsignal\ttimed_out\t"
        "stopped\tattempt\tcpu_wait\tvcsw\tivcsw\tcommand");
  const double earliest = std::chrono::duration<double>(before.time_since_epoch()).count();
  const double latest = std::chrono::duration<double>(after.time_since_epoch()).count();
  for (std::size_t r = 1; r < rows.size(); ++r) {
    INFO(rows[r]);
    std::vector<std::string> f;
    std::istringstream fields(rows[r]);
    for (std::string field; std::getline(fields, field, '\t');) f.push_back(field);
    REQUIRE(f.size() == 18);
    const nlohmann::json& e = exits.at(std::stoul(f[0]));
    CHECK(f[1] == e["task"]);
    CHECK(std::stoi(f[2]) == e["pid"]);
    CHECK(std::stod(f[4]) >= earliest - 0.01);
    CHECK(std::stod(f[4]) <= latest + 0.01);
    CHECK(std::abs(std::stod(f[5]) - e["wall_s"].get<double>()) <= 0.0011);
    CHECK(std::abs(std::stod(f[6]) - e["user_s"].get<double>()) <= 0.0011);
    CHECK(std::abs(std::stod(f[7]) - e["sys_s"].get<double>()) <= 0.0011);
    CHECK(std::stol(f[8]) == e["max_rss_kb"]);
    CHECK(f[9] == (e["code"].is_null() ? "-" : std::to_string(e["code"].get<int>())));
    CHECK(f[10] == (e["signal"].is_null() ? "-" : e["signal"].get<std::string>()));
    CHECK(f[11] == "0");
    CHECK(f[12] == "-");
    CHECK(std::stoi(f[13]) == e["attempt"]);
    if (e["cpu_wait_s"].is_null()) {
      CHECK(f[14] == "-");
    } else {
      CHECK(std::abs(std::stod(f[14]) - e["cpu_wait_s"].get<double>()) <= 0.0011);
      CHECK(f[14].ends_with("+") == e.contains("cpu_wait_partial"));
    }
    CHECK(std::stol(f[15]) == e["vcsw"]);
    CHECK(std::stol(f[16]) == e["ivcsw"]);
  }
  CHECK(read_all(log).find("printf 'a\\\\tb\\\\n'") != std::string::npos);
}

TEST_CASE("grouped output writes each task's lines as one uninterrupted block",
          "[e2e][reports][group]") {
  const std::string body =
      "for i in 1 2 3 4 5; do echo $MTASK_TASK out $i; echo $MTASK_TASK err $i >&2; sleep 0.02; "
      "done";
  const e2e::Run run =
      e2e::mtask({"run", "--group", "a=" + body, "b=" + body, "c=" + body}, quick());
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  for (const auto& [lines, stream] :
       {std::pair{run.out_lines(), "out"}, std::pair{run.err_lines(), "err"}}) {
    INFO(run.out << run.err);
    std::vector<std::string> order;  // the task of each task line, in order
    for (const std::string& line : lines) {
      if (line.find(std::string(" | ")) == std::string::npos) continue;
      const std::string task = line.substr(0, 1);
      CHECK(line.ends_with(std::string(" ") + stream + " " +
                           std::to_string(std::count(order.begin(), order.end(), task) + 1)));
      order.push_back(task);
    }
    REQUIRE(order.size() == 15);
    for (std::size_t i = 0; i < order.size(); i += 5) {
      CHECK(std::count(order.begin() + static_cast<std::ptrdiff_t>(i),
                       order.begin() + static_cast<std::ptrdiff_t>(i + 5), order[i]) == 5);
    }
  }
}

TEST_CASE("grouped output holds large output in a file that has no name on disk",
          "[e2e][reports][group]") {
  e2e::TempDir tmp;
  e2e::Options options = quick();
  options.env.push_back("TMPDIR=" + tmp.path());
  // While the task sleeps, its 4 MiB are held: more than --group keeps in memory. mtask must
  // then hold a file in TMPDIR that has no name there.
  bool held_unnamed = false;
  bool named = true;
  options.actions.push_back(
      {1500ms, [&](pid_t pid) {
         named = !std::filesystem::is_empty(tmp.path());
         const auto fds = "/proc/" + std::to_string(pid) + "/fd";
         for (const auto& fd : std::filesystem::directory_iterator(fds)) {
           std::error_code ignored;
           const std::string target = std::filesystem::read_symlink(fd.path(), ignored).string();
           if (target.starts_with(tmp.path()) && target.ends_with("(deleted)")) {
             held_unnamed = true;
           }
         }
       }});
  const e2e::Run run =
      e2e::mtask({"run", "--group",
                  "big=yes 0123456789012345678901234567890123456789 | head -n 100000; sleep 3",
                  "small:3@100ms"},
                 options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(held_unnamed);
  CHECK_FALSE(named);
  const std::vector<std::string> lines = run.out_lines();
  const auto big_lines = std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
    return l.starts_with("big ") && l.ends_with(" | 0123456789012345678901234567890123456789");
  });
  CHECK(big_lines == 100000);
  // The block is whole: no line of another task inside it.
  const auto first = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
    return l.starts_with("big ") && l.find(" | ") != std::string::npos;
  });
  REQUIRE(lines.end() - first > 100000);
  CHECK(std::all_of(first, first + 100000,
                    [](const std::string& l) { return l.starts_with("big "); }));
  CHECK(std::filesystem::is_empty(tmp.path()));
}

TEST_CASE("no colour in a pipe, colour with --color always", "[e2e][reports][colour]") {
  const std::vector<std::string> tasks = {"ok:1@0", "bad=echo x; echo y >&2; exit 1"};
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), tasks.begin(), tasks.end());
  const e2e::Run plain = e2e::mtask(args, quick());
  CHECK(plain.out.find('\x1B') == std::string::npos);
  CHECK(plain.err.find('\x1B') == std::string::npos);

  args.insert(args.begin() + 1, {"--color", "always"});
  const e2e::Run always = e2e::mtask(args, quick());
  CHECK(always.out.find("\x1B[36mok") != std::string::npos);
  CHECK(always.out.find("\x1B[31m") != std::string::npos);
  CHECK(always.err.find("\x1B[35mbad") != std::string::npos);

  e2e::Options forced = quick();
  forced.env.push_back("CLICOLOR_FORCE=1");
  CHECK(e2e::mtask({"run", "ok:1@0"}, forced).out.find('\x1B') != std::string::npos);
}

TEST_CASE("colour on a terminal, none with NO_COLOR or --color never", "[e2e][reports][colour]") {
  const Shell coloured = on_terminal({"run", "--no-progress", "ok:1@0"});
  INFO(coloured.out);
  CHECK(coloured.out.find("\x1B[36mok") != std::string::npos);
  const Shell no_color = on_terminal({"run", "--no-progress", "ok:1@0"}, "NO_COLOR=1");
  INFO(no_color.out);
  CHECK(no_color.out.find("ok ") != std::string::npos);
  CHECK(no_color.out.find('\x1B') == std::string::npos);
  const Shell never = on_terminal({"run", "--no-progress", "--color", "never", "ok:1@0"});
  CHECK(never.out.find("ok ") != std::string::npos);
  CHECK(never.out.find('\x1B') == std::string::npos);
}

TEST_CASE("timestamps start each line with the time", "[e2e][reports][timestamps]") {
  const e2e::Run elapsed = e2e::mtask({"run", "t:2@100ms", "--timestamps"}, quick());
  CHECK(elapsed.status == 0);
  const std::vector<std::string> lines = elapsed.out_lines();
  REQUIRE(lines.size() > 4);
  CHECK(lines[0].starts_with("[  0.0"));
  CHECK(lines[2].starts_with("[  0.1"));
  CHECK(lines[2].ends_with("| t... (2/2)"));

  const e2e::Run wall = e2e::mtask({"run", "--timestamps=wall", "t:1@0"}, quick());
  CHECK(wall.status == 0);
  const std::string first = wall.out_lines().at(0);
  CHECK(first.size() > 15);
  CHECK(first[0] == '[');
  CHECK(first[3] == ':');
  CHECK(first[6] == ':');
  CHECK(first[9] == '.');
  CHECK(first[13] == ']');

  for (const char* bad : {"--timestamps=clock", "--timestamps="}) {
    const e2e::Run run = e2e::mtask({"run", bad, "t:1@0"}, quick());
    CHECK(run.status == 2);
    CHECK(run.out.empty());
  }
}

TEST_CASE("progress shows on a terminal and never in a pipe", "[e2e][reports][progress]") {
  const e2e::Run piped = e2e::mtask({"run", "--progress", "-j", "1", "a:2@0.3", "b:1@0"}, quick());
  CHECK(piped.err.find("done,") == std::string::npos);
  CHECK(piped.err.find('\r') == std::string::npos);

  const Shell tty = on_terminal({"run", "-j", "1", "a:3@0.3", "b:1@0"});
  INFO(tty.out);
  CHECK(tty.out.find("mtask: 0/2 done, 1 running") != std::string::npos);
  CHECK(tty.out.find("\r\x1B[K") != std::string::npos);
  // Erased before every task line: no task line starts in the middle of the status line.
  CHECK(tty.out.find("elapseda ") == std::string::npos);
  const Shell off = on_terminal({"run", "--no-progress", "-j", "1", "a:3@0.3", "b:1@0"});
  CHECK(off.out.find("done,") == std::string::npos);
}

TEST_CASE("the summary ends with the conclusion and the speedup", "[e2e][reports][summary]") {
  const e2e::Run run = e2e::mtask({"run", "a:2@0.3", "b:2@0.3"}, quick());
  CHECK(run.status == 0);
  const std::vector<std::string> lines = run.out_lines();
  REQUIRE(lines.size() >= 2);
  const std::string& conclusion = lines[lines.size() - 2];
  CHECK(conclusion.starts_with("2 tasks, "));
  CHECK(conclusion.ends_with("cores busy (mostly waiting)"));
  static const std::regex speedup(R"(^took \S+ m?s; one after another (at most )?\S+ m?s: )"
                                  R"((at most )?\d+\.\d\dx, .+$)");
  CHECK(std::regex_match(lines.back(), speedup));
}

TEST_CASE("after kill -9 neither held output nor a half report stays on disk",
          "[e2e][reports][group][junit]") {
  e2e::TempDir tmp;
  e2e::TempDir reports;
  e2e::Options options = quick();
  options.env.push_back("TMPDIR=" + tmp.path());
  options.actions.push_back(e2e::send_signal(1500ms, SIGKILL));
  const e2e::Run run =
      e2e::mtask({"run", "--group", "--junit", reports.file("r.xml"),
                  "big=yes 0123456789012345678901234567890123456789 | head -n 100000; sleep 10"},
                 options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.signaled);
  CHECK(std::filesystem::is_empty(tmp.path()));
  CHECK(std::filesystem::is_empty(reports.path()));
}
