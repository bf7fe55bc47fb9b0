#include <chrono>
#include <csignal>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/report/output.hpp"
#include "mtask/report/text_reporter.hpp"
#include "report_test.hpp"

using namespace std::chrono_literals;
using mtask::Outcome;
using mtask::Stream;
using mtask::TaskResult;
using report_test::summary_of;

namespace {

class TextReporterFixture {
 protected:
  std::vector<mtask::Task> tasks{
      {.name = "sing", .index = 0},
      {.name = "dance", .index = 1},
  };
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter{tasks, out, err};

  TextReporterFixture() {
    reporter.on_begin(
        {4241, tasks, std::chrono::steady_clock::now(), std::chrono::system_clock::now()});
  }

  void start(std::size_t i, int pid) {
    reporter.on_start({.task = tasks[i], .pid = pid, .ppid = 4241, .t = 1ms});
  }
  void line(std::size_t i, int pid, std::string_view text, bool partial = false,
            Stream stream = Stream::kStdout) {
    reporter.on_line({.task = tasks[i],
                      .pid = pid,
                      .stream = stream,
                      .text = text,
                      .partial = partial,
                      .t = 2ms});
  }
  void end(std::size_t i, const TaskResult& result) {
    reporter.on_exit({.task = tasks[i], .result = result, .t = 3ms});
  }
};

TaskResult exited(int pid, int code, mtask::Duration wall) {
  return {.outcome = Outcome::kExited, .pid = pid, .ppid = 4241, .code = code, .wall = wall};
}

// Output whose flush reports a gone reader.
class BrokenOutput final : public mtask::Output {
 public:
  void write(std::string_view) override {}
  bool flush() override { return false; }
};

}  // namespace

TEST_CASE_METHOD(TextReporterFixture, "text: start, output and end lines share one prefix",
                 "[text_reporter]") {
  start(0, 4242);
  start(1, 4243);
  line(0, 4242, "sing... (1/3)");
  line(1, 4243, "dance... (1/3)");
  end(0, exited(4242, 0, 1500ms));
  end(1, exited(4243, 0, 1501ms));
  CHECK(out.str() ==
        "sing     4242 > started (ppid 4241)\n"
        "dance    4243 > started (ppid 4241)\n"
        "sing     4242 | sing... (1/3)\n"
        "dance    4243 | dance... (1/3)\n"
        "sing     4242 < exit 0 after 1.50 s\n"
        "dance    4243 < exit 0 after 1.50 s\n");
  CHECK(err.str().empty());
}

TEST_CASE_METHOD(TextReporterFixture, "text: stderr lines go to err with the same prefix",
                 "[text_reporter]") {
  start(0, 4242);
  line(0, 4242, "oops", false, Stream::kStderr);
  CHECK(out.str() == "sing     4242 > started (ppid 4241)\n");
  CHECK(err.str() == "sing     4242 | oops\n");
}

TEST_CASE_METHOD(TextReporterFixture, "text: task text is written as the task wrote it",
                 "[text_reporter]") {
  line(0, 7, "tab\there \x1B[1mbold\x1B[0m \xFF\r");
  CHECK(out.str() == "sing        7 | tab\there \x1B[1mbold\x1B[0m \xFF\r\n");
}

TEST_CASE_METHOD(TextReporterFixture, "text: the pieces of a long line make one line",
                 "[text_reporter]") {
  line(0, 4242, "aaaa", true);
  line(0, 4242, "bbbb", true);
  line(1, 4243, "other", false, Stream::kStderr);  // another destination: no interruption
  line(0, 4242, "cc");
  line(0, 4242, "next");
  CHECK(out.str() ==
        "sing     4242 | aaaabbbbcc\n"
        "sing     4242 | next\n");
  CHECK(err.str() == "dance    4243 | other\n");
}

TEST_CASE_METHOD(TextReporterFixture, "text: a line cut short by another task goes on marked +",
                 "[text_reporter]") {
  line(0, 4242, "aaaa", true);
  line(1, 4243, "dance");
  line(0, 4242, "bbbb", true);
  line(0, 4242, "cc");
  CHECK(out.str() ==
        "sing     4242 | aaaa\n"
        "dance    4243 | dance\n"
        "sing     4242 + bbbbcc\n");
}

TEST_CASE_METHOD(TextReporterFixture, "text: mtask's own lines close an open line first",
                 "[text_reporter]") {
  line(0, 4242, "aaaa", true);
  start(1, 4243);
  line(0, 4242, "bb");
  CHECK(out.str() ==
        "sing     4242 | aaaa\n"
        "dance    4243 > started (ppid 4241)\n"
        "sing     4242 + bb\n");
}

TEST_CASE_METHOD(TextReporterFixture, "text: a task's end closes its unfinished lines",
                 "[text_reporter]") {
  line(0, 4242, "out", true);
  line(0, 4242, "err", true, Stream::kStderr);
  end(0, exited(4242, 0, 10ms));
  line(1, 4243, "after");
  CHECK(out.str() ==
        "sing     4242 | out\n"
        "sing     4242 < exit 0 after 10.0 ms\n"
        "dance    4243 | after\n");
  CHECK(err.str() == "sing     4242 | err\n");
}

TEST_CASE("text: names are padded by columns to the widest", "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "\xE5\x94\xB1\xE6\xAD\x8C", .index = 0},
                                       {.name = "tick", .index = 1},
                                       {.name = "x", .index = 2}};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(tasks, out, err);
  reporter.on_line({tasks[0], 1, Stream::kStdout, "a", false, 0ms});
  reporter.on_line({tasks[1], 22, Stream::kStdout, "b", false, 0ms});
  reporter.on_line({tasks[2], 4194304, Stream::kStdout, "c", false, 0ms});
  // 唱歌 takes four columns on a terminal, as "tick" does.
  CHECK(out.str() ==
        "\xE5\x94\xB1\xE6\xAD\x8C       1 | a\n"
        "tick      22 | b\n"
        "x    4194304 | c\n");
}

TEST_CASE_METHOD(TextReporterFixture, "text: end lines say how a task ended and when",
                 "[text_reporter]") {
  struct Case {
    TaskResult result;
    std::string line;
  };
  const Case cases[] = {
      {exited(4242, 0, 1500ms), "sing     4242 < exit 0 after 1.50 s\n"},
      {exited(4242, 3, 2ms), "sing     4242 < exit 3 after 2.0 ms\n"},
      {exited(4242, 127, 3100us), "sing     4242 < exit 127 (command not found) after 3.1 ms\n"},
      {{.outcome = Outcome::kSignaled, .pid = 4242, .signal = SIGSEGV, .wall = 200ms},
       "sing     4242 < SIGSEGV after 200.0 ms\n"},
      {{.outcome = Outcome::kTimedOut, .pid = 4242, .signal = SIGTERM, .wall = 5s},
       "sing     4242 < timed out after 5.00 s\n"},
      {exited(4242, 0, 999'960us), "sing     4242 < exit 0 after 1.00 s\n"},
      {exited(4242, 0, 999'940us), "sing     4242 < exit 0 after 999.9 ms\n"},
      {exited(4242, 0, 0ms), "sing     4242 < exit 0 after 0.0 ms\n"},
      {exited(4242, 0, 3725s), "sing     4242 < exit 0 after 3725.00 s\n"},
  };
  for (const auto& c : cases) {
    out.clear();
    end(0, c.result);
    CHECK(out.str() == c.line);
  }
}

TEST_CASE_METHOD(TextReporterFixture, "text: a task that never started has no end line",
                 "[text_reporter]") {
  end(1, TaskResult{});
  CHECK(out.str().empty());
}

TEST_CASE("text: the summary is a table and the time saved", "[text_reporter]") {
  const std::vector<mtask::Task> tasks{
      {.name = "sing", .index = 0}, {.name = "dance", .index = 1}, {.name = "late", .index = 2}};
  const std::vector<TaskResult> results{
      {.outcome = Outcome::kExited,
       .pid = 4242,
       .ppid = 4241,
       .code = 0,
       .wall = 1501200us,
       .user_cpu = 400us,
       .sys_cpu = 1100us,
       .max_rss_kb = 1480},
      {.outcome = Outcome::kSignaled,
       .pid = 4243,
       .ppid = 4241,
       .signal = SIGSEGV,
       .wall = 200ms,
       .user_cpu = 12300us,
       .max_rss_kb = 900},
      {},
  };
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(tasks, out, err);
  mtask::SummaryEvent summary = summary_of(tasks, results, 1503100us, 1701200us);
  summary.cores = 2;
  reporter.on_summary(summary);
  CHECK(out.str() ==
        "\n"
        "  task   pid ppid status          wall    user    sys wait switches max rss\n"
        "  sing  4242 4241 exit 0        1.50 s  0.4 ms 1.1 ms    -      0/0 1.4 MiB\n"
        "! dance 4243 4241 SIGSEGV     200.0 ms 12.3 ms 0.0 ms    -      0/0 900 KiB\n"
        "  late     -    - not started        -       -      -    -        -       -\n"
        "wall 1.50 s for 1.70 s of task time\n"
        "3 tasks, 1 failed, 1 not started\n"
        "3 tasks, 13.8 ms CPU in 1.50 s: 0.0 cores busy (mostly waiting)\n"
        "took 1.50 s; one after another 1.70 s: 1.13x, ran one at a time\n");
  CHECK(err.str().empty());
}

TEST_CASE("text: a summary of tasks that all succeeded says so", "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "one", .index = 0}};
  const std::vector<TaskResult> results{exited(10, 0, 2s)};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(tasks, out, err);
  reporter.on_summary(summary_of(tasks, results, 2s, 2s));
  const std::string& text = out.str();
  CHECK(text.substr(text.rfind("wall")) ==
        "wall 2.00 s for 2.00 s of task time\n"
        "1 task, none failed\n"
        "1 task, 0.0 ms CPU in 2.00 s: 0.0 cores busy (mostly waiting)\n"
        "took 2.00 s; one after another 2.00 s: 1.00x, one task: nothing to overlap\n");
}

TEST_CASE("text: the CPU line counts what the scheduler saw when rusage saw less",
          "[text_reporter]") {
  // wait4's rusage leaves out descendants the task did not wait for: it counted 1 s, the
  // scheduler 3 s. The CPU line and its cores busy agree with the speedup line's verdict.
  const std::vector<mtask::Task> tasks{{.name = "one", .index = 0}};
  TaskResult result = exited(10, 0, 2s);
  result.user_cpu = 1s;
  const std::vector<TaskResult> results{result};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(tasks, out, err);
  mtask::SummaryEvent summary = summary_of(tasks, results, 2s, 2s);
  summary.cpu_sum = 3s;
  reporter.on_summary(summary);
  CAPTURE(out.str());
  CHECK(out.str().find("\n1 task, 3.00 s CPU in 2.00 s: 1.5 cores busy (parallel)\n") !=
        std::string::npos);
}

TEST_CASE("text: memory is shown in KiB, MiB or GiB", "[text_reporter]") {
  struct Case {
    std::int64_t kib;
    std::string shown;
  };
  const Case cases[] = {{0, "0 KiB"},
                        {1023, "1023 KiB"},
                        {1024, "1.0 MiB"},
                        {1536, "1.5 MiB"},
                        {3 * 1024 * 1024, "3.00 GiB"}};
  for (const auto& c : cases) {
    const std::vector<mtask::Task> tasks{{.name = "t", .index = 0}};
    TaskResult result = exited(10, 0, 1s);
    result.max_rss_kb = c.kib;
    const std::vector<TaskResult> results{result};
    mtask::StringOutput out;
    mtask::StringOutput err;
    mtask::TextReporter reporter(tasks, out, err);
    reporter.on_summary(summary_of(tasks, results, 1s, 1s));
    const std::string& text = out.str();
    const std::string first_row = text.substr(text.find("\n  t ") + 1);
    CAPTURE(text);
    CHECK(first_row.substr(0, first_row.find('\n')).ends_with("  " + c.shown));
  }
}

TEST_CASE("text: tasks mtask stopped are counted apart, and the run's stop is told",
          "[text_reporter]") {
  const std::vector<mtask::Task> tasks{
      {.name = "bad", .index = 0}, {.name = "victim", .index = 1}, {.name = "late", .index = 2}};
  TaskResult victim = exited(4243, 0, 100ms);
  victim.outcome = Outcome::kSignaled;
  victim.signal = SIGTERM;
  victim.stopped = mtask::StopReason::kFailFast;
  const std::vector<TaskResult> results{exited(4242, 1, 100ms), victim,
                                        TaskResult{.stopped = mtask::StopReason::kFailFast}};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(tasks, out, err);
  mtask::SummaryEvent summary = summary_of(tasks, results, 100ms, 200ms);
  summary.stopped = mtask::StopReason::kFailFast;
  summary.stopped_at = 99ms;
  reporter.on_summary(summary);
  CAPTURE(out.str());
  CHECK(out.str().find("! bad ") != std::string::npos);
  CHECK(out.str().find("  victim  4243  4241  stopped: SIGTERM (fail-fast)") != std::string::npos);
  CHECK(out.str().find("3 tasks, 1 failed, 1 stopped, 1 not started\n"
                       "run stopped by fail-fast after 99.0 ms\n") != std::string::npos);
}

TEST_CASE("text: a speedup that cannot be computed is left out", "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "t", .index = 0}};
  const std::vector<TaskResult> results{exited(4242, 0, 0s)};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(tasks, out, err);
  mtask::SummaryEvent summary = summary_of(tasks, results, 0s, 0s);
  summary.speedup = std::numeric_limits<double>::quiet_NaN();
  reporter.on_summary(summary);
  CHECK(
      out.str().ends_with("wall 0.0 ms for 0.0 ms of task time\n1 task, none failed\n"
                          "1 task, 0.0 ms CPU in 0.0 ms\n"));
}

TEST_CASE("text: when no task ran the summary says so instead of a speedup", "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "a", .index = 0}, {.name = "b", .index = 1}};
  const std::vector<TaskResult> results{TaskResult{}, TaskResult{}};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(tasks, out, err);
  mtask::SummaryEvent summary = summary_of(tasks, results, 100us, 0s);
  summary.exit_code = 3;
  reporter.on_summary(summary);
  CAPTURE(out.str());
  CHECK(
      out.str().ends_with("wall 0.1 ms, no task ran\n2 tasks, none failed, 2 not started\n"
                          "2 tasks, 0.0 ms CPU in 0.1 ms: nothing ran\n"));
  CHECK(out.str().find("speedup") == std::string::npos);
  CHECK(out.str().find("one after another") == std::string::npos);
}

TEST_CASE("text: the summary shows each task's CPU wait and context switches", "[text_reporter]") {
  // --busy --cores 1 a:2@1s b:2@1s: they took turns on the one core.
  const std::vector<mtask::Task> tasks{
      {.name = "a", .index = 0}, {.name = "b", .index = 1}, {.name = "c", .index = 2}};
  TaskResult a = exited(4242, 0, 4s);
  a.user_cpu = 2s;
  a.vcsw = 3;
  a.ivcsw = 648;
  a.cpu_wait = 2s;
  TaskResult b = a;
  b.pid = 4243;
  b.ivcsw = 650;
  b.cpu_wait = 1990ms;
  b.cpu_wait_partial = true;
  TaskResult c = exited(4244, 0, 10ms);  // its wait unknown
  const std::vector<TaskResult> results{a, b, c};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(tasks, out, err);
  mtask::SummaryEvent summary = summary_of(tasks, results, 4010ms, 8010ms);
  summary.sequential = 4020ms;
  summary.speedup = 4.02 / 4.01;
  summary.sequential_upper_bound = true;
  summary.cpu_wait_sum = 3990ms;
  summary.cores = 1;
  reporter.on_summary(summary);
  CHECK(out.str() ==
        "\n"
        "  task   pid  ppid  status     wall    user     sys     wait  switches  max rss\n"
        "  a     4242  4241  exit 0   4.00 s  2.00 s  0.0 ms   2.00 s     3/648    0 KiB\n"
        "  b     4243  4241  exit 0   4.00 s  2.00 s  0.0 ms  1.99 s+     3/650    0 KiB\n"
        "  c     4244  4241  exit 0  10.0 ms  0.0 ms  0.0 ms        -       0/0    0 KiB\n"
        "wall 4.01 s for 8.01 s of task time, 3.99 s of it waiting for a CPU\n"
        "3 tasks, none failed\n"
        "3 tasks, 4.00 s CPU in 4.01 s: 1.0 cores busy (concurrent: taking turns)\n"
        "took 4.01 s; one after another at most 4.02 s: at most 1.00x, took turns on 1 CPU: "
        "nothing saved\n");
}

TEST_CASE("text: the table fits 80 columns, with one space between columns when two would not",
          "[text_reporter]") {
  // sing:3 dance:3 on a 2.5 GHz core, 84 columns with two spaces; then with one task timed out.
  const std::vector<mtask::Task> tasks{{.name = "sing", .index = 0}, {.name = "dance", .index = 1}};
  TaskResult sing = exited(25220, 0, 1500ms);
  sing.ppid = 25217;
  sing.user_cpu = 400us;
  sing.vcsw = 4;
  sing.ivcsw = 1;
  sing.cpu_wait = 700us;
  sing.max_rss_kb = 1843;
  TaskResult dance = sing;
  dance.pid = 25221;
  const auto table = [&](const TaskResult& second) {
    mtask::StringOutput out;
    mtask::StringOutput err;
    mtask::TextReporter reporter(tasks, out, err);
    reporter.on_summary(summary_of(tasks, {sing, second}, 1500ms, 3000ms));
    const std::vector<std::string> lines = report_test::lines_of(out.str());
    return std::vector<std::string>(lines.begin() + 1, lines.begin() + 4);
  };

  CHECK(table(dance) ==
        std::vector<std::string>{
            "  task     pid   ppid  status    wall    user     sys    wait  switches  max rss",
            "  sing   25220  25217  exit 0  1.50 s  0.4 ms  0.0 ms  0.7 ms       4/1  1.8 MiB",
            "  dance  25221  25217  exit 0  1.50 s  0.4 ms  0.0 ms  0.7 ms       4/1  1.8 MiB"});

  dance.outcome = Outcome::kTimedOut;
  dance.wall = 300700us;
  CHECK(table(dance) ==
        std::vector<std::string>{
            "  task    pid  ppid status        wall   user    sys   wait switches max rss",
            "  sing  25220 25217 exit 0      1.50 s 0.4 ms 0.0 ms 0.7 ms      4/1 1.8 MiB",
            "! dance 25221 25217 timed out 300.7 ms 0.4 ms 0.0 ms 0.7 ms      4/1 1.8 MiB"});
}

TEST_CASE("text: the last line gives the speedup and what it means", "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "a", .index = 0}, {.name = "b", .index = 1}};
  const std::vector<TaskResult> results{exited(4242, 0, 2s), exited(4243, 0, 2s)};
  struct Case {
    mtask::Duration wall, sequential, cpu_wait_sum, cpu_sum;
    std::size_t cores;
    std::string line;
  };
  const Case cases[] = {
      {2s, 4s, 0s, 4s, 2,
       "took 2.00 s; one after another 4.00 s: 2.00x, ran in parallel on 2 CPUs"},
      {2s, 4s, 0s, 1ms, 1,
       "took 2.00 s; one after another 4.00 s: 2.00x, waited together: no CPU needed"},
      {4s, 4s, 0s, 4s, 2, "took 4.00 s; one after another 4.00 s: 1.00x, ran one at a time"},
  };
  for (const Case& c : cases) {
    mtask::StringOutput out;
    mtask::StringOutput err;
    mtask::TextReporter reporter(tasks, out, err);
    mtask::SummaryEvent summary = summary_of(tasks, results, c.wall, 4s);
    summary.sequential = c.sequential;
    summary.speedup =
        std::chrono::duration<double>(c.sequential) / std::chrono::duration<double>(c.wall);
    summary.cpu_wait_sum = c.cpu_wait_sum;
    summary.cpu_sum = c.cpu_sum;
    summary.cores = c.cores;
    reporter.on_summary(summary);
    CHECK(out.str().ends_with(c.line + "\n"));
  }
}

TEST_CASE("text: names of wide characters line up by the columns they take", "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "唱歌", .index = 0}, {.name = "ab", .index = 1}};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(tasks, out, err);
  reporter.on_start({tasks[0], 4242, 4241, 0ms});
  reporter.on_start({tasks[1], 4243, 4241, 0ms});
  const std::vector<TaskResult> results{exited(4242, 0, 1s), exited(4243, 0, 1s)};
  reporter.on_summary(summary_of(tasks, results, 1s, 2s));
  CHECK(
      out.str().starts_with("唱歌    4242 > started (ppid 4241)\n"
                            "ab      4243 > started (ppid 4241)\n"));
  CHECK(out.str().find("\n  唱歌  4242  4241  exit 0") != std::string::npos);
  CHECK(out.str().find("\n  ab    4243  4241  exit 0") != std::string::npos);
}

TEST_CASE_METHOD(TextReporterFixture, "text: the summary closes open lines first",
                 "[text_reporter]") {
  line(0, 4242, "cut", true);
  line(1, 4243, "cut too", true, Stream::kStderr);
  const std::vector<TaskResult> results{exited(4242, 0, 1s), exited(4243, 0, 1s)};
  reporter.on_summary(summary_of(tasks, results, 1s, 2s));
  CHECK(out.str().starts_with("sing     4242 | cut\n\n  task"));
  CHECK(err.str() == "dance    4243 | cut too\n");
}

TEST_CASE("text: a shard's summary names it, an empty one too", "[text_reporter][shard]") {
  const std::vector<mtask::Task> none;
  const std::vector<TaskResult> results;
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(none, out, err, {}, mtask::RunContext{"3/4"});
  reporter.on_summary(summary_of(none, results, 1ms, 0ms));
  CHECK(out.str().ends_with("\nshard 3/4 of the task list\n"));
  CHECK(out.str().find("0 tasks, none failed\n") != std::string::npos);
}

TEST_CASE("text: flush fails only when stdout's reader is gone", "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "t", .index = 0}};
  mtask::StringOutput fine;
  BrokenOutput broken;
  CHECK(mtask::TextReporter(tasks, fine, fine).flush());
  CHECK_FALSE(mtask::TextReporter(tasks, broken, fine).flush());
  CHECK(mtask::TextReporter(tasks, fine, broken).flush());
}

// ---- colour, timestamps, --group, progress, the conclusion line ----

namespace {

mtask::TextOptions coloured() {
  mtask::TextOptions options;
  options.colour_out = true;
  options.colour_err = true;
  return options;
}

}  // namespace

TEST_CASE("text: colour marks each task's prefix and a failure in red", "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "sing", .index = 0}, {.name = "dance", .index = 1}};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(tasks, out, err, coloured());
  reporter.on_line({tasks[0], 4242, Stream::kStdout, "\x1B[1mbold", false, 0ms});
  reporter.on_line({tasks[1], 4243, Stream::kStderr, "oops", false, 0ms});
  reporter.on_exit({tasks[1], exited(4243, 3, 2ms), 1ms});
  CHECK(out.str() ==
        "\x1B[36msing     4242\x1B[0m | \x1B[1mbold\n"
        "\x1B[35mdance    4243\x1B[0m < \x1B[31mexit 3 after 2.0 ms\x1B[0m\n");
  CHECK(err.str() == "\x1B[35mdance    4243\x1B[0m | oops\n");
}

TEST_CASE("text: colour on stdout only leaves stderr plain", "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "t", .index = 0}};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextOptions options;
  options.colour_out = true;
  mtask::TextReporter reporter(tasks, out, err, options);
  reporter.on_line({tasks[0], 7, Stream::kStderr, "e", false, 0ms});
  reporter.on_line({tasks[0], 7, Stream::kStdout, "o", false, 0ms});
  CHECK(err.str() == "t       7 | e\n");
  CHECK(out.str() == "\x1B[36mt       7\x1B[0m | o\n");
}

TEST_CASE("text: a coloured summary shows failed rows in red", "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "ok", .index = 0}, {.name = "bad", .index = 1}};
  const std::vector<TaskResult> results{exited(10, 0, 1s), exited(11, 1, 1s)};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(tasks, out, err, coloured());
  reporter.on_summary(summary_of(tasks, results, 1s, 2s));
  CHECK(out.str().find("\x1B[31m! bad ") != std::string::npos);
  CHECK(out.str().find("\x1B[31m  ok") == std::string::npos);
}

TEST_CASE("text: plain text has no escape sequence of mtask's own", "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "bad", .index = 0}};
  const std::vector<TaskResult> results{exited(11, 1, 1s)};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(tasks, out, err);
  reporter.on_start({tasks[0], 11, 4241, 0ms});
  reporter.on_line({tasks[0], 11, Stream::kStdout, "x", false, 0ms});
  reporter.on_exit({tasks[0], results[0], 1s});
  reporter.on_summary(summary_of(tasks, results, 1s, 1s));
  CHECK(out.str().find('\x1B') == std::string::npos);
}

TEST_CASE("text: timestamps give the time since the start", "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "t", .index = 0}};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextOptions options;
  options.timestamps = mtask::Timestamps::kElapsed;
  mtask::TextReporter reporter(tasks, out, err, options);
  reporter.on_start({tasks[0], 7, 1, 1ms});
  reporter.on_line({tasks[0], 7, Stream::kStdout, "a", false, 1502ms});
  reporter.on_line({tasks[0], 7, Stream::kStderr, "b", false, 12345678us});
  CHECK(out.str() ==
        "[  0.001] t       7 > started (ppid 1)\n"
        "[  1.502] t       7 | a\n");
  CHECK(err.str() == "[ 12.346] t       7 | b\n");
}

TEST_CASE("text: wall timestamps give the clock time", "[text_reporter]") {
  setenv("TZ", "UTC", 1);
  tzset();
  const std::vector<mtask::Task> tasks{{.name = "t", .index = 0}};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextOptions options;
  options.timestamps = mtask::Timestamps::kWall;
  mtask::TextReporter reporter(tasks, out, err, options);
  // 2026-11-24T12:03:03Z, plus 1.123 s into the run.
  reporter.on_begin({1, tasks, std::chrono::steady_clock::now(),
                     std::chrono::system_clock::time_point(1795521783s)});
  reporter.on_line({tasks[0], 7, Stream::kStdout, "a", false, 1123ms});
  CHECK(out.str() == "[12:03:04.123] t       7 | a\n");
}

TEST_CASE("text: --group writes each task's output as one block when it ends", "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "a", .index = 0}, {.name = "b", .index = 1}};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextOptions options;
  options.group = true;
  mtask::TextReporter reporter(tasks, out, err, options);
  reporter.on_start({tasks[0], 1, 9, 0ms});
  reporter.on_start({tasks[1], 2, 9, 0ms});
  reporter.on_line({tasks[0], 1, Stream::kStdout, "a1", false, 0ms});
  reporter.on_line({tasks[1], 2, Stream::kStdout, "b1", false, 0ms});
  reporter.on_line({tasks[0], 1, Stream::kStderr, "ae", false, 0ms});
  reporter.on_line({tasks[0], 1, Stream::kStdout, "a2-", true, 0ms});
  reporter.on_line({tasks[1], 2, Stream::kStdout, "b2", false, 0ms});
  reporter.on_line({tasks[0], 1, Stream::kStdout, "rest", false, 0ms});
  CHECK(out.str() ==
        "a       1 > started (ppid 9)\n"
        "b       2 > started (ppid 9)\n");
  reporter.on_exit({tasks[1], exited(2, 0, 1ms), 1ms});
  reporter.on_line({tasks[0], 1, Stream::kStdout, "open", true, 0ms});
  reporter.on_exit({tasks[0], exited(1, 0, 2ms), 2ms});
  CHECK(out.str() ==
        "a       1 > started (ppid 9)\n"
        "b       2 > started (ppid 9)\n"
        "b       2 | b1\n"
        "b       2 | b2\n"
        "b       2 < exit 0 after 1.0 ms\n"
        "a       1 | a1\n"
        "a       1 | a2-rest\n"
        "a       1 | open\n"
        "a       1 < exit 0 after 2.0 ms\n");
  CHECK(err.str() == "a       1 | ae\n");
}

namespace {

// Output that reaches a log shared with another, as stdout and stderr reach one terminal:
// what it is given appears there only when it is flushed.
class SharedTerminal final : public mtask::Output {
 public:
  explicit SharedTerminal(std::string& screen) : screen_(screen) {}
  void write(std::string_view text) override { pending_.append(text); }
  bool flush() override {
    screen_ += pending_;
    pending_.clear();
    return true;
  }

 private:
  std::string& screen_;
  std::string pending_;
};

}  // namespace

TEST_CASE("text: --group shows a task's stderr block before its end line on one terminal",
          "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "a", .index = 0}};
  std::string screen;
  SharedTerminal out(screen);
  SharedTerminal err(screen);
  mtask::TextOptions options;
  options.group = true;
  mtask::TextReporter reporter(tasks, out, err, options);
  reporter.on_start({tasks[0], 1, 9, 0ms});
  reporter.on_line({tasks[0], 1, Stream::kStdout, "out", false, 0ms});
  reporter.on_line({tasks[0], 1, Stream::kStderr, "err", false, 0ms});
  reporter.on_exit({tasks[0], exited(1, 0, 2ms), 2ms});
  reporter.flush();
  CHECK(screen ==
        "a       1 > started (ppid 9)\n"
        "a       1 | out\n"
        "a       1 | err\n"
        "a       1 < exit 0 after 2.0 ms\n");
}

TEST_CASE("text: the conclusion says how busy the cores were and what that means",
          "[text_reporter]") {
  struct Case {
    mtask::Duration cpu, wall, task_wall_sum;
    std::string line;
  };
  const Case cases[] = {
      {4s, 2s, 4s, "2 tasks, 4.00 s CPU in 2.00 s: 2.0 cores busy (parallel)"},
      {2600ms, 2s, 4s, "2 tasks, 2.60 s CPU in 2.00 s: 1.3 cores busy (partly parallel)"},
      {1900ms, 2s, 4s, "2 tasks, 1.90 s CPU in 2.00 s: 0.9 cores busy (concurrent: taking turns)"},
      {1900ms, 2s, 2s, "2 tasks, 1.90 s CPU in 2.00 s: 0.9 cores busy (one at a time)"},
      {10ms, 1500ms, 3s, "2 tasks, 10.0 ms CPU in 1.50 s: 0.0 cores busy (mostly waiting)"},
      {0ms, 0ms, 0ms, "2 tasks, 0.0 ms CPU in 0.0 ms"},
      {0ms, 1ms, 0ms, "2 tasks, 0.0 ms CPU in 1.0 ms: nothing ran"},
  };
  for (const Case& c : cases) {
    CHECK(mtask::conclusion_line(2, c.cpu, c.wall, c.task_wall_sum) == c.line);
  }
}

TEST_CASE("text: the progress line is erased before output and drawn after the flush",
          "[text_reporter]") {
  const std::vector<mtask::Task> tasks{{.name = "a", .index = 0}, {.name = "b", .index = 1}};
  // Everything goes to one string, as on a terminal where stdout and stderr are the same.
  mtask::StringOutput screen;
  mtask::Duration now = 0ms;
  mtask::Progress progress(screen, tasks.size(), 1, false, [&now] { return now; });
  mtask::TextOptions options;
  options.progress = &progress;
  mtask::TextReporter reporter(tasks, screen, screen, options);
  reporter.on_start({tasks[0], 1, 9, 0ms});
  reporter.flush();
  CHECK(screen.str() ==
        "a       1 > started (ppid 9)\n\rmtask: 0/2 done, 1 running, 0 failed, 0.0 s elapsed");
  screen.clear();
  now = 50ms;
  reporter.flush();  // too soon to redraw
  CHECK(screen.str().empty());
  now = 1s;
  reporter.on_exit({tasks[0], exited(1, 1, 1s), 1s});
  reporter.flush();
  CHECK(screen.str() ==
        "\r\x1B[Ka       1 < exit 1 after 1.00 s\n"
        "\rmtask: 1/2 done, 0 running, 1 failed, 1.0 s elapsed, about 1.0 s left");
  screen.clear();
  const std::vector<TaskResult> results{exited(1, 1, 1s), TaskResult{}};
  mtask::SummaryEvent summary = summary_of(tasks, results, 1s, 1s);
  summary.parent_pid = 9;
  reporter.on_summary(summary);
  reporter.flush();
  CHECK(screen.str().starts_with("\r\x1B[K\n  task"));
  CHECK(screen.str().find("mtask: ") == std::string::npos);  // never drawn again
}

TEST_CASE("text: a short run with no more tasks than jobs shows no progress at first",
          "[text_reporter]") {
  mtask::StringOutput screen;
  mtask::Duration now = 500ms;
  mtask::Progress progress(screen, 2, 0, false, [&now] { return now; });
  progress.draw_if_due();
  CHECK(screen.str().empty());
  now = 1s;
  progress.draw_if_due();
  CHECK(screen.str() == "\rmtask: 0/2 done, 0 running, 0 failed, 1.0 s elapsed");
  mtask::StringOutput forced;
  mtask::Progress always(forced, 2, 0, true, [] { return mtask::Duration{0}; });
  always.draw_if_due();
  CHECK_FALSE(forced.str().empty());
}

TEST_CASE("text: the progress line is cut to the terminal's width", "[text_reporter]") {
  mtask::StringOutput screen;
  mtask::Progress progress(screen, 2, 1, true, [] { return mtask::Duration{0}; });
  progress.set_width(20);
  progress.draw_if_due();
  CHECK(screen.str() == "\rmtask: 0/2 done, 0 ");  // 19 columns and the cursor
}
