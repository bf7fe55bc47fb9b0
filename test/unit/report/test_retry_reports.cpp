// Every report given the events of a run with retries (docs/output.md, "Retries"): a task
// "flaky" that fails once and passes, a task "never" that fails all of its 3 attempts.
#include <chrono>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../open_fds.hpp"
#include "mtask/report/joblog_reporter.hpp"
#include "mtask/report/json_reporter.hpp"
#include "mtask/report/junit_reporter.hpp"
#include "mtask/report/output.hpp"
#include "mtask/report/progress.hpp"
#include "mtask/report/text_reporter.hpp"
#include "mtask/report/timeline.hpp"
#include "temp_dir.hpp"

using namespace std::chrono_literals;
using mtask::Outcome;
using mtask::Stream;
using mtask::TaskResult;

namespace {

TaskResult attempt(int pid, int code, std::uint32_t n, std::uint32_t of, mtask::Duration started) {
  return {.outcome = Outcome::kExited,
          .pid = pid,
          .ppid = 4241,
          .code = code,
          .started = started,
          .wall = 100ms,
          .user_cpu = 10ms,
          .attempt = n,
          .max_attempts = of};
}

/// Plays a run with retries to a sink: flaky (attempts 1 failed, 2 passed of 3) and never
/// (attempts 1, 2, 3 of 3, all exit 3); each attempt writes one line.
struct RetriedRun {
  std::vector<mtask::Task> tasks{{.name = "flaky", .command = "f", .index = 0},
                                 {.name = "never", .command = "n", .index = 1}};
  std::vector<TaskResult> results{attempt(12, 0, 2, 3, 200ms), attempt(23, 3, 3, 3, 400ms)};

  void play(mtask::EventSink& sink) {
    sink.on_begin({4241, tasks, std::chrono::steady_clock::now(),
                   std::chrono::system_clock::time_point(1795000000s)});
    const struct {
      std::size_t task;
      TaskResult result;
      bool retrying;
    } attempts[] = {
        {0, attempt(11, 1, 1, 3, 0ms), true},
        {1, attempt(21, 3, 1, 3, 0ms), true},
        {0, results[0], false},
        {1, attempt(22, 3, 2, 3, 200ms), true},
        {1, results[1], false},
    };
    for (const auto& a : attempts) {
      const mtask::Task& task = tasks[a.task];
      const TaskResult& r = a.result;
      sink.on_start({task, r.pid, 4241, r.started, r.attempt, r.max_attempts});
      const std::string text = task.name + " try " + std::to_string(r.attempt);
      sink.on_line({task, r.pid, Stream::kStdout, text, false, r.started + 50ms});
      sink.on_exit({task, r, r.started + r.wall, a.retrying});
    }
    mtask::SummaryEvent summary{4241, tasks, results, 1, 500ms, 500ms, 1.0, 1, 500ms};
    summary.flaky = 1;
    summary.retried_wall = 300ms;
    summary.retried_cpu = 30ms;
    summary.cpu_sum = 50ms;  // every attempt's, as the runner sums it
    sink.on_summary(summary);
  }
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("retries: text end lines say a task runs again, start lines which attempt",
          "[text_reporter][retries]") {
  RetriedRun run;
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(run.tasks, out, err);
  run.play(reporter);
  const std::string text = out.str();
  CAPTURE(text);
  CHECK(has(text, "flaky      11 > started (ppid 4241)\n"));
  CHECK(has(text, "flaky      11 < exit 1 after 100.0 ms, retrying (2/3)\n"));
  CHECK(has(text, "flaky      12 > started (ppid 4241), attempt 2/3\n"));
  CHECK(has(text, "flaky      12 < exit 0 after 100.0 ms\n"));
  CHECK(has(text, "never      22 < exit 3 after 100.0 ms, retrying (3/3)\n"));
  CHECK(has(text, "never      23 > started (ppid 4241), attempt 3/3\n"));
  CHECK(has(text, "never      23 < exit 3 after 100.0 ms\n"));
  CHECK(has(text, "  flaky   12  4241  exit 0 (flaky, attempt 2/3)"));
  CHECK(has(text, "! never   23  4241  exit 3 (attempt 3/3) "));
  CHECK(has(text, "2 tasks, 1 failed, 1 flaky\n"));
  CHECK(has(text, "\nflaky: flaky (passed on attempt 2 of 3)\n"));
  // The CPU of every attempt: 2 last ones and 3 retried, 10 ms each.
  CHECK(has(text, "2 tasks, 50.0 ms CPU in 500.0 ms"));
}

TEST_CASE("retries: a task whose retry a stop cancelled says so in the summary",
          "[text_reporter][retries]") {
  const std::vector<mtask::Task> tasks{{.name = "bad", .index = 0}};
  const std::vector<TaskResult> results{attempt(11, 1, 1, 3, 0ms)};
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(tasks, out, err);
  reporter.on_summary({4241, tasks, results, 1, 1s, 100ms, 0.1, 130, 1s});
  CAPTURE(out.str());
  CHECK(has(out.str(), "! bad    11  4241  exit 1 (attempt 1/3, not retried)"));
}

TEST_CASE("retries: JSON events carry the attempt, the summary the flaky tasks",
          "[json_reporter][retries]") {
  RetriedRun run;
  mtask::StringOutput out;
  mtask::JsonReporter reporter(out);
  run.play(reporter);
  std::vector<nlohmann::json> starts;
  std::vector<nlohmann::json> exits;
  nlohmann::json summary;
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json e = nlohmann::json::parse(line);
    if (e["event"] == "start" && e["task"] == "never") starts.push_back(e);
    if (e["event"] == "exit" && e["task"] == "never") exits.push_back(e);
    if (e["event"] == "summary") summary = e;
  }
  REQUIRE(starts.size() == 3);
  REQUIRE(exits.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(starts[i]["attempt"] == i + 1);
    CHECK(exits[i]["attempt"] == i + 1);
    CHECK(exits[i]["retrying"] == (i < 2));
  }
  CHECK(summary["flaky"] == 1);
  CHECK(summary["failed"] == 1);
}

TEST_CASE("retries: the joblog has a row per attempt, the attempt before the command",
          "[joblog][retries]") {
  RetriedRun run;
  mtask::StringOutput out;
  mtask::JoblogReporter joblog(out);
  run.play(joblog);
  std::vector<std::string> rows;
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  REQUIRE(rows.size() == 6);
  CHECK(rows[0].ends_with("\ttimed_out\tstopped\tattempt\tcpu_wait\tvcsw\tivcsw\tcommand"));
  CHECK(rows[1].starts_with("0\tflaky\t11\t"));
  CHECK(rows[1].ends_with("\t1\t-\t0\t-\t1\t-\t0\t0\tf"));
  CHECK(rows[3].starts_with("0\tflaky\t12\t"));
  CHECK(rows[3].ends_with("\t0\t-\t0\t-\t2\t-\t0\t0\tf"));
  CHECK(rows[5].starts_with("1\tnever\t23\t"));
  CHECK(rows[5].ends_with("\t3\t-\t0\t-\t3\t-\t0\t0\tn"));
}

TEST_CASE("retries: JUnit writes failed attempts as flakyFailure or rerunFailure, with output",
          "[junit][retries]") {
  TempDir dir;
  const std::string path = dir.file("report.xml");
  RetriedRun run;
  {
    mtask::JunitReporter junit(run.tasks, path);
    run.play(junit);
    CHECK(junit.error().empty());
  }
  const std::string text = read_all(path);
  CAPTURE(text);
  CHECK(has(text, "failures=\"1\" errors=\"0\" skipped=\"0\""));
  CHECK(has(text,
            "<testcase name=\"flaky\" classname=\"mtask\" time=\"0.100\">\n"
            "      <properties>\n"
            "        <property name=\"vcsw\" value=\"0\"/>\n"
            "        <property name=\"ivcsw\" value=\"0\"/>\n"
            "      </properties>\n"
            "      <flakyFailure message=\"exit 1 on attempt 1 of 3\" type=\"exit\">\n"
            "        <system-out>flaky try 1\n</system-out>\n"
            "      </flakyFailure>\n"
            "      <system-out>flaky try 2\n</system-out>\n"
            "    </testcase>\n"));
  CHECK(has(text,
            "<testcase name=\"never\" classname=\"mtask\" time=\"0.100\">\n"
            "      <properties>\n"
            "        <property name=\"vcsw\" value=\"0\"/>\n"
            "        <property name=\"ivcsw\" value=\"0\"/>\n"
            "      </properties>\n"
            "      <failure message=\"exit 3\" type=\"exit\">exit 3</failure>\n"
            "      <rerunFailure message=\"exit 3 on attempt 1 of 3\" type=\"exit\">\n"
            "        <system-out>never try 1\n</system-out>\n"
            "      </rerunFailure>\n"
            "      <rerunFailure message=\"exit 3 on attempt 2 of 3\" type=\"exit\">\n"
            "        <system-out>never try 2\n</system-out>\n"
            "      </rerunFailure>\n"
            "      <system-out>never try 3\n</system-out>\n"
            "    </testcase>\n"));
}

TEST_CASE("retries: the timeline and the trace show every attempt", "[timeline][retries]") {
  RetriedRun run;
  mtask::TimelineRecorder recorder;
  run.play(recorder);
  const mtask::Timeline& timeline = recorder.timeline();
  REQUIRE(timeline.tasks.size() == 2);
  REQUIRE(timeline.tasks[1].earlier.size() == 2);
  CHECK(timeline.tasks[1].earlier[0].pid == 21);
  CHECK(timeline.tasks[1].earlier[1].start == 200ms);
  CHECK(timeline.tasks[1].earlier[1].status == "exit 3");
  CHECK(timeline.tasks[1].start == 400ms);
  CHECK(timeline.tasks[1].lines == 3);

  const nlohmann::json trace = nlohmann::json::parse(mtask::render_trace(timeline));
  std::size_t slices = 0;
  for (const nlohmann::json& e : trace["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == "task") ++slices;
  }
  CHECK(slices == 5);  // one per attempt

  // On the terminal, the earlier attempt is drawn alive too: the bar of `never` starts at 0.
  const std::string picture =
      mtask::render_timeline(timeline, {.width = 60, .unicode = false, .color = false});
  CAPTURE(picture);
  CHECK(has(picture, "never 23 |-"));
  const std::string svg = mtask::render_timeline_svg(timeline);
  CHECK(has(svg, "never, attempt 2, pid 22"));
}

TEST_CASE("retries: a failed attempt is not a task done on the progress line",
          "[progress][retries]") {
  mtask::StringOutput terminal;
  mtask::Duration now = 0ms;
  mtask::Progress progress(terminal, 1, 0, true, [&] { return now; });
  progress.task_started(0);
  now = 100ms;
  progress.attempt_failed(0);
  progress.task_started(0);
  CHECK(progress.text(now).starts_with("mtask: 0/1 done, 1 running, 0 failed"));
  progress.task_ended(0, false);
  CHECK(progress.text(now).starts_with("mtask: 1/1 done, 0 running, 0 failed"));
}

namespace {

/// A run stopped while task "b" waited to run again: its attempt 1 of 4 failed (retrying), then
/// the stop cancelled the retry, so that attempt is also the task's end.
struct CancelledRetry {
  std::vector<mtask::Task> tasks{{.name = "b", .command = "b", .index = 0}};
  std::vector<TaskResult> results{attempt(31, 1, 1, 4, 0ms)};

  void play(mtask::EventSink& sink) {
    sink.on_begin({4241, tasks, std::chrono::steady_clock::now(),
                   std::chrono::system_clock::time_point(1795000000s)});
    const TaskResult& r = results[0];
    sink.on_start({tasks[0], r.pid, 4241, r.started, r.attempt, r.max_attempts});
    sink.on_line({tasks[0], r.pid, Stream::kStdout, "b-out", false, 50ms});
    sink.on_exit({tasks[0], r, 100ms, true});
    sink.on_retry_cancelled({tasks[0], r, 300ms});
    sink.on_summary({4241, tasks, results, 1, 400ms, 100ms, 0.25, 1, 400ms});
  }
};

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("retries: JUnit shows a retry a stop cancelled once, as the failure with its output",
          "[junit][retries]") {
  TempDir dir;
  const std::string path = dir.file("report.xml");
  CancelledRetry run;
  {
    mtask::JunitReporter junit(run.tasks, path);
    run.play(junit);
    CHECK(junit.error().empty());
  }
  const std::string text = read_all(path);
  CAPTURE(text);
  CHECK(has(text,
            "<testcase name=\"b\" classname=\"mtask\" time=\"0.100\">\n"
            "      <properties>\n"
            "        <property name=\"vcsw\" value=\"0\"/>\n"
            "        <property name=\"ivcsw\" value=\"0\"/>\n"
            "      </properties>\n"
            "      <failure message=\"exit 1\" type=\"exit\">exit 1</failure>\n"
            "      <system-out>b-out\n</system-out>\n"
            "    </testcase>\n"));
  CHECK_FALSE(has(text, "rerunFailure"));
}

TEST_CASE("retries: the timeline and trace show a retry a stop cancelled once",
          "[timeline][retries]") {
  CancelledRetry run;
  mtask::TimelineRecorder recorder;
  run.play(recorder);
  const mtask::Timeline& timeline = recorder.timeline();
  REQUIRE(timeline.tasks.size() == 1);
  CHECK(timeline.tasks[0].earlier.empty());
  const nlohmann::json trace = nlohmann::json::parse(mtask::render_trace(timeline));
  std::size_t slices = 0;
  for (const nlohmann::json& e : trace["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == "task") ++slices;
  }
  CHECK(slices == 1);
  CHECK_FALSE(has(mtask::render_timeline_svg(timeline), "attempt"));
}

TEST_CASE("retries: a retry a stop cancelled is a task done and failed on the progress line",
          "[progress][retries]") {
  mtask::StringOutput terminal;
  mtask::Duration now = 0ms;
  mtask::Progress progress(terminal, 2, 0, true, [&] { return now; });
  progress.task_started(0);
  progress.task_started(1);
  now = 100ms;
  progress.attempt_failed(0);
  CHECK(progress.text(now).starts_with("mtask: 0/2 done, 1 running, 0 failed"));
  progress.retry_cancelled(0);
  CHECK(progress.text(now).starts_with("mtask: 1/2 done, 1 running, 1 failed"));
  progress.task_ended(1, false);
  CHECK(progress.text(now).starts_with("mtask: 2/2 done, 0 running, 1 failed"));
}

TEST_CASE("retries: the text reporter passes a cancelled retry to the progress line",
          "[progress][text_reporter][retries]") {
  mtask::StringOutput terminal;
  mtask::Progress progress(terminal, 1, 0, true, [] { return mtask::Duration(100ms); });
  CancelledRetry run;
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(run.tasks, out, err, {.progress = &progress});
  const TaskResult& r = run.results[0];
  reporter.on_start({run.tasks[0], r.pid, 4241, r.started, r.attempt, r.max_attempts});
  reporter.on_exit({run.tasks[0], r, 100ms, true});
  reporter.on_retry_cancelled({run.tasks[0], r, 300ms});
  CHECK(progress.text(100ms).starts_with("mtask: 1/1 done, 0 running, 1 failed"));
  // Nothing more is written for it: its end line went out already.
  CHECK(count_of(out.str(), "exit 1 after") == 1);
}

namespace {

/// Plays `attempts` failed attempts of one task, each writing `bytes` to stdout and stderr in
/// lines of 1000 bytes, the last one for good; `during` runs before the last exit.
void play_attempts(mtask::EventSink& sink, const std::vector<mtask::Task>& tasks,
                   std::vector<TaskResult>& results, std::uint32_t attempts, std::size_t bytes,
                   const std::function<void()>& during = {}) {
  sink.on_begin({4241, tasks, std::chrono::steady_clock::now(),
                 std::chrono::system_clock::time_point(1795000000s)});
  const std::string line(999, 'x');
  for (std::uint32_t n = 1; n <= attempts; ++n) {
    const TaskResult r =
        attempt(static_cast<int>(1000 + n), 1, n, attempts, std::chrono::milliseconds(10 * n));
    sink.on_start({tasks[0], r.pid, 4241, r.started, r.attempt, r.max_attempts});
    for (std::size_t written = 0; written < bytes; written += 1000) {
      sink.on_line({tasks[0], r.pid, Stream::kStdout, line, false, r.started + 1ms});
      sink.on_line({tasks[0], r.pid, Stream::kStderr, line, false, r.started + 1ms});
    }
    if (n == attempts && during) during();
    if (n == attempts) results[0] = r;
    sink.on_exit({tasks[0], r, r.started + 5ms, n < attempts});
  }
  mtask::SummaryEvent summary{4241, tasks, results, 1, 1s, 1s, 1.0, 1, 1s};
  sink.on_summary(summary);
}

}  // namespace

TEST_CASE("retries: JUnit keeps the last attempts of a task, each with bounded output",
          "[junit][retries]") {
  TempDir dir;
  const std::string path = dir.file("report.xml");
  const std::vector<mtask::Task> tasks{{.name = "many", .command = "m", .index = 0}};
  std::vector<TaskResult> results(1);
  std::size_t fds_during = 0;
  const std::size_t fds_before = unit_test::open_fds();
  {
    mtask::JunitReporter junit(tasks, path);
    // Each attempt spills (it wrote over 64 KiB per stream), but an earlier attempt keeps no
    // descriptor: only the last attempt's two buffers may have one.
    play_attempts(junit, tasks, results, 30, 100'000, [&] { fds_during = unit_test::open_fds(); });
    CHECK(junit.error().empty());
  }
  CHECK(fds_during <= fds_before + 2);
  const std::string text = read_all(path);
  CHECK(count_of(text, "<rerunFailure ") == mtask::JunitReporter::kEarlierAttemptsKept);
  CHECK(has(text, "message=\"exit 1 on attempt 20 of 30 (19 earlier attempts not shown)\""));
  CHECK(has(text, "message=\"exit 1 on attempt 29 of 30\""));
  // An earlier attempt keeps the first 64 KiB of each stream, and says how much more it wrote.
  const std::size_t first = text.find("<rerunFailure ");
  const std::size_t out_at = text.find("<system-out>", first);
  const std::size_t out_end = text.find("</system-out>", out_at);
  CHECK(out_end - out_at < mtask::JunitReporter::kEarlierKeepBytes + 200);
  CHECK(has(text.substr(out_at, out_end - out_at), " more bytes of output not kept]\n"));
  // The last attempt keeps its output as before.
  CHECK(has(text, "      <system-out>" + std::string(999, 'x')));
}

TEST_CASE("retries: the timeline keeps the last earlier attempts of a task",
          "[timeline][retries]") {
  const std::vector<mtask::Task> tasks{{.name = "many", .command = "m", .index = 0}};
  std::vector<TaskResult> results(1);
  mtask::TimelineRecorder recorder;
  play_attempts(recorder, tasks, results, 30, 0);
  const mtask::TimelineTask& task = recorder.timeline().tasks.at(0);
  REQUIRE(task.earlier.size() == mtask::kTimelineEarlierKept);
  CHECK(task.earlier_not_kept == 29 - mtask::kTimelineEarlierKept);
  CHECK(task.earlier.front().attempt == 30 - mtask::kTimelineEarlierKept);
  CHECK(task.earlier.back().attempt == 29);
  const std::string svg = mtask::render_timeline_svg(recorder.timeline());
  CHECK(has(svg, "many, attempt 29, pid 1029"));
  CHECK(has(svg, "19 earlier attempts not drawn"));
  const nlohmann::json trace = nlohmann::json::parse(mtask::render_trace(recorder.timeline()));
  std::size_t slices = 0;
  for (const nlohmann::json& e : trace["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"] == "task") {
      ++slices;
      if (e["pid"] == 1020) CHECK(e["args"]["attempt"] == 20);
      if (e["pid"] == 1030) CHECK(e["args"]["earlier_attempts_not_shown"] == 19);
    }
  }
  CHECK(slices == mtask::kTimelineEarlierKept + 1);
}
