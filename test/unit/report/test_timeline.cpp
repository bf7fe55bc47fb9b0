#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "mtask/report/explain.hpp"
#include "mtask/report/output.hpp"
#include "mtask/report/timeline.hpp"
#include "mtask/text/utf8.hpp"
#include "mtask/text/width.hpp"
#include "report_test.hpp"

using namespace std::chrono_literals;
using mtask::Outcome;
using mtask::Stream;
using mtask::TaskResult;
using report_test::lines_of;
using report_test::summary_of;

namespace {

/// Feeds a recorder the events of a run of two tasks of three lines, 0.5 s apart: at once, or
/// one after the other (-j 1).
class RecordedRun {
 protected:
  std::vector<mtask::Task> tasks{{.name = "sing", .index = 0}, {.name = "dance", .index = 1}};
  std::vector<TaskResult> results{2};
  mtask::TimelineRecorder recorder;

  void run(bool one_after_another) {
    const mtask::Duration wall = one_after_another ? 3000ms : 1500ms;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      const mtask::Duration start = one_after_another ? 1500ms * static_cast<int>(i) : 0ms;
      const int pid = 4242 + static_cast<int>(i);
      recorder.on_start({tasks[i], pid, 4241, start});
      for (int n = 0; n < 3; ++n) {
        const std::string text = tasks[i].name + "... (" + std::to_string(n + 1) + "/3)";
        recorder.on_line({tasks[i], pid, Stream::kStdout, text, false, start + 500ms * n});
      }
      results[i] = TaskResult{.outcome = Outcome::kExited,
                              .pid = pid,
                              .ppid = 4241,
                              .started = start,
                              .wall = 1500ms,
                              .user_cpu = 1ms};
      recorder.on_exit({tasks[i], results[i], start + 1500ms});
    }
    mtask::SummaryEvent summary = summary_of(tasks, results, wall, 3000ms);
    summary.speedup = 1.0;
    recorder.on_summary(summary);
  }
};

}  // namespace

TEST_CASE_METHOD(RecordedRun, "the recorder keeps spans and lines from the events", "[timeline]") {
  run(false);
  const mtask::Timeline& t = recorder.timeline();
  CHECK(t.parent_pid == 4241);
  CHECK(t.wall == 1500ms);
  REQUIRE(t.tasks.size() == 2);
  CHECK(t.tasks[1].name == "dance");
  CHECK(t.tasks[1].pid == 4243);
  CHECK(t.tasks[1].start == 0ms);
  CHECK(t.tasks[1].end == 1500ms);
  CHECK(t.tasks[1].lines == 3);
  REQUIRE(t.tasks[1].marks.size() == 3);
  CHECK(t.tasks[1].marks[2].t == 1000ms);
  CHECK(t.tasks[1].marks[2].text == "dance... (3/3)");
  CHECK(t.tasks[1].status == "exit 0");
}

TEST_CASE_METHOD(RecordedRun, "the recorder counts a long line once and keeps only its start",
                 "[timeline]") {
  const std::string long_text(200, 'x');
  recorder.on_line({tasks[0], 1, Stream::kStdout, long_text, true, 1ms});
  recorder.on_line({tasks[0], 1, Stream::kStdout, long_text, false, 2ms});
  const mtask::TimelineTask& task = recorder.timeline().tasks[0];
  CHECK(task.lines == 1);
  REQUIRE(task.marks.size() == 1);
  CHECK(task.marks[0].text.size() == mtask::kTimelineTextSize);
}

TEST_CASE_METHOD(RecordedRun, "writers get the timeline when the summary comes", "[timeline]") {
  int calls = 0;
  recorder.add_writer([&](const mtask::Timeline& t) {
    ++calls;
    CHECK(t.tasks.size() == 2);
  });
  run(false);
  CHECK(calls == 1);
}

TEST_CASE_METHOD(RecordedRun, "the picture fits the width and shows lines inside spans",
                 "[timeline]") {
  run(false);
  for (const std::size_t width : {40u, 80u, 132u}) {
    const std::string text = mtask::render_timeline(recorder.timeline(), {.width = width});
    for (const std::string& line : lines_of(text)) {
      INFO(line);
      CHECK(mtask::display_width(line) <= width);
    }
  }
  const std::vector<std::string> rows =
      lines_of(mtask::render_timeline(recorder.timeline(), {.width = 60, .unicode = false}));
  REQUIRE(rows.size() == 5);
  // "sing  4242 |" then 46 columns, each 1500 ms / 46.
  CHECK(rows[1].rfind("sing  4242 |#", 0) == 0);
  CHECK(rows[2].rfind("dance 4243 |#", 0) == 0);
  CHECK(std::count(rows[1].begin(), rows[1].end(), '#') == 3);
  CHECK(rows[1].find(' ', 12) == std::string::npos);  // alive over the whole run
  CHECK(rows[3].rfind("           ++", 0) == 0);
  CHECK(rows[4].find("1s") != std::string::npos);
}

TEST_CASE_METHOD(RecordedRun, "names of wide characters line up and the picture still fits",
                 "[timeline]") {
  tasks[0].name = "唱歌";
  tasks[1].name = "ab";
  run(false);
  const std::vector<std::string> rows =
      lines_of(mtask::render_timeline(recorder.timeline(), {.width = 60, .unicode = false}));
  REQUIRE(rows.size() == 5);
  CHECK(rows[1].rfind("唱歌 4242 |#", 0) == 0);
  CHECK(rows[2].rfind("ab   4243 |#", 0) == 0);
  for (const std::string& row : rows) {
    INFO(row);
    CHECK(mtask::display_width(row) <= 60);
  }
  CHECK(mtask::display_width(rows[1]) == mtask::display_width(rows[2]));
}

TEST_CASE_METHOD(RecordedRun, "one after another is a staircase", "[timeline]") {
  run(true);
  const std::vector<std::string> rows =
      lines_of(mtask::render_timeline(recorder.timeline(), {.width = 72, .unicode = false}));
  REQUIRE(rows.size() == 5);
  const std::string sing = rows[1].substr(12, 58);
  const std::string dance = rows[2].substr(12, 58);
  // sing lives in the first half only, dance in the second half only.
  CHECK(sing.substr(0, 28).find(' ') == std::string::npos);
  CHECK(sing.substr(30).find_first_not_of(' ') == std::string::npos);
  CHECK(dance.substr(0, 28).find_first_not_of(' ') == std::string::npos);
  CHECK(dance.substr(30).find(' ') == std::string::npos);
}

TEST_CASE_METHOD(RecordedRun, "the picture is coloured only when asked", "[timeline]") {
  run(false);
  CHECK(mtask::render_timeline(recorder.timeline(), {}).find('\x1b') == std::string::npos);
  const std::string coloured = mtask::render_timeline(recorder.timeline(), {.color = true});
  CHECK(coloured.find("\x1b[") != std::string::npos);
  CHECK(coloured.find("█") != std::string::npos);
}

TEST_CASE_METHOD(RecordedRun, "the trace has a track per task and one for the parent",
                 "[timeline]") {
  run(false);
  const nlohmann::json trace = nlohmann::json::parse(mtask::render_trace(recorder.timeline()));
  int complete = 0;
  int lines = 0;
  std::vector<std::string> names;
  for (const nlohmann::json& e : trace.at("traceEvents")) {
    const std::string ph = e.at("ph");
    if (ph == "M" && e.at("name") == "process_name") names.push_back(e["args"]["name"]);
    if (ph == "X" && e.at("cat") == "task") {
      ++complete;
      CHECK(e.at("dur").get<double>() == Approx(1.5e6));
    }
    if (ph == "i" && e.at("cat") == "stdout") ++lines;
  }
  CHECK(names ==
        std::vector<std::string>{"mtask (pid 4241)", "sing (pid 4242)", "dance (pid 4243)"});
  CHECK(complete == 2);
  CHECK(lines == 6);
}

TEST_CASE_METHOD(RecordedRun, "the SVG escapes names and draws a mark per line", "[timeline]") {
  tasks[0].name = "a&b";
  run(false);
  const std::string svg = mtask::render_timeline_svg(recorder.timeline());
  CHECK(svg.find("data-name=\"a&amp;b\"") != std::string::npos);
  CHECK(svg.find("a&b") == std::string::npos);
  std::size_t marks = 0;
  for (std::size_t p = svg.find("class=\"mark\""); p != std::string::npos;
       p = svg.find("class=\"mark\"", p + 1)) {
    ++marks;
  }
  CHECK(marks == 6);
}

TEST_CASE("the explanation tells fork, getpid and wait4 in order", "[explain]") {
  mtask::StringOutput err;
  mtask::ExplainReporter explain(err, {.parent_pid = 4241, .cpus = {0}});
  const mtask::Task sing{"sing", 3, 500ms};
  explain.on_start({sing, 4242, 4241, 1ms});
  const TaskResult result{.outcome = Outcome::kExited,
                          .pid = 4242,
                          .ppid = 4241,
                          .wall = 1500ms,
                          .user_cpu = 300us,
                          .sys_cpu = 100us};
  explain.on_exit({sing, result, 1501ms});
  const std::vector<std::string> lines = lines_of(err.str());
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "parent 4241: fork() -> child 4242 (sing)");
  CHECK(lines[1] == "child 4242: getpid()=4242 getppid()=4241");
  CHECK(lines[2] == "child 4242: sched_setaffinity() -> may run on CPU 0 only");
  CHECK(lines[3] == "child 4242: prints 'sing... (i/3)' 3 times, sleeping 500.0 ms after each");
  CHECK(lines[4] == "parent 4241: wait4(4242) -> exited 0 after 1.50 s, 0.4 ms CPU");
}

TEST_CASE("the explanation counts in words that agree", "[explain]") {
  mtask::StringOutput err;
  mtask::ExplainReporter explain(err, {.parent_pid = 4241});
  const mtask::Task once{"once", 1, 500ms};
  explain.on_start({once, 4242, 4241, 1ms});
  const std::vector<mtask::Task> tasks{once};
  const std::vector<TaskResult> results{
      {.outcome = Outcome::kExited, .pid = 4242, .ppid = 4241, .wall = 500ms}};
  mtask::SummaryEvent summary = summary_of(tasks, results, 500ms, 500ms);
  summary.cores = 1;
  explain.on_summary(summary);
  const std::vector<std::string> lines = lines_of(err.str());
  REQUIRE(lines.size() == 5);
  CHECK(lines[2] == "child 4242: prints 'once... (i/1)' 1 time, sleeping 500.0 ms after it");
  CHECK(lines[3] ==
        "parent 4241: one after another the tasks would take 500.0 ms (500.0 ms of wall time, "
        "0.0 ms of it waiting for a CPU); together they took 500.0 ms: 1.00x, one task: nothing "
        "to overlap");
  CHECK(lines[4] == "parent 4241: every child reaped, no zombie left: 1 task in 500.0 ms");
}

TEST_CASE("the explanation tells how tasks took turns on one CPU", "[explain]") {
  // --busy --cores 1 a:2@1s b:2@1s: each computed 2 s, preempted again and again, and waited
  // 2 s for the core while the other had it.
  mtask::StringOutput err;
  mtask::ExplainReporter explain(err, {.parent_pid = 4241, .busy = true, .cpus = {0}});
  const std::vector<mtask::Task> tasks{{.name = "a", .count = 2, .interval = 1s, .index = 0},
                                       {.name = "b", .count = 2, .interval = 1s, .index = 1}};
  const std::vector<TaskResult> results{{.outcome = Outcome::kExited,
                                         .pid = 4242,
                                         .ppid = 4241,
                                         .wall = 4s,
                                         .user_cpu = 2s,
                                         .vcsw = 3,
                                         .ivcsw = 648,
                                         .cpu_wait = 2s},
                                        {.outcome = Outcome::kExited,
                                         .pid = 4243,
                                         .ppid = 4241,
                                         .wall = 4s,
                                         .user_cpu = 2s,
                                         .vcsw = 2,
                                         .ivcsw = 650,
                                         .cpu_wait = 1990ms,
                                         .cpu_wait_partial = true}};
  explain.on_start({tasks[0], 4242, 4241, 1ms});
  explain.on_start({tasks[1], 4243, 4241, 1ms});
  explain.on_exit({tasks[0], results[0], 4s});
  explain.on_exit({tasks[1], results[1], 4s});
  mtask::SummaryEvent summary = summary_of(tasks, results, 4010ms, 8s);
  summary.sequential = 4010ms;
  summary.speedup = 1.0;
  summary.sequential_upper_bound = true;
  summary.cpu_wait_sum = 3990ms;
  summary.cores = 1;
  explain.on_summary(summary);
  const std::vector<std::string> lines = lines_of(err.str());
  CAPTURE(err.str());
  const auto has = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  CHECK(has("parent 4241: a (pid 4242) was preempted 648 times: slices of about 3.1 ms of CPU"));
  CHECK(has("parent 4241: a (pid 4242) waited 2.00 s for a CPU while it was ready to run"));
  CHECK(
      has("parent 4241: b (pid 4243) waited at least 1.99 s for a CPU while it was ready to run"));
  REQUIRE(lines.size() >= 2);
  CHECK(lines[lines.size() - 2] ==
        "parent 4241: one after another the tasks would take at most 4.01 s (8.00 s of wall "
        "time, 3.99 s of it waiting for a CPU, more not measured); together they took 4.01 s: "
        "at most 1.00x, took turns on 1 CPU: nothing saved");
}

TEST_CASE("the explanation of a sleeping task counts its own pauses, not slices", "[explain]") {
  mtask::StringOutput err;
  mtask::ExplainReporter explain(err, {.parent_pid = 4241});
  const mtask::Task sing{.name = "sing", .count = 3, .interval = 500ms};
  explain.on_exit({sing,
                   {.outcome = Outcome::kExited,
                    .pid = 4242,
                    .wall = 1500ms,
                    .user_cpu = 300us,
                    .vcsw = 4,
                    .ivcsw = 1,
                    .cpu_wait = 20us},
                   1500ms});
  const std::vector<std::string> lines = lines_of(err.str());
  REQUIRE(lines.size() == 2);
  CHECK(lines[1] ==
        "parent 4241: sing (pid 4242) gave up the CPU 4 times to sleep or wait, preempted 1 time");
}

TEST_CASE("the explanation waits for an unfinished stderr line", "[explain]") {
  mtask::StringOutput err;
  mtask::ExplainReporter explain(err, {.parent_pid = 1});
  const mtask::Task a{.name = "a", .index = 0};
  const mtask::Task b{.name = "b", .index = 1};
  explain.on_line({a, 2, Stream::kStderr, "abc", true, 1ms});
  explain.on_start({b, 3, 1, 2ms});
  CHECK(err.str().empty());
  explain.on_line({a, 2, Stream::kStderr, "def", false, 3ms});
  CHECK(err.str().rfind("parent 1: fork() -> child 3 (b)\n", 0) == 0);
}

TEST_CASE("a task that never started has a row but no span and no track", "[timeline]") {
  mtask::TimelineRecorder recorder;
  const std::vector<mtask::Task> tasks{{.name = "ran", .index = 0}, {.name = "never", .index = 1}};
  const std::vector<TaskResult> results{
      {.outcome = Outcome::kExited, .pid = 7, .ppid = 1, .started = 0ms, .wall = 100ms},
      {.outcome = Outcome::kNotStarted}};
  recorder.on_start({tasks[0], 7, 1, 0ms});
  recorder.on_exit({tasks[0], results[0], 100ms});
  mtask::SummaryEvent summary = summary_of(tasks, results, 100ms, 100ms);
  summary.parent_pid = 1;
  summary.exit_code = 130;
  recorder.on_summary(summary);
  const std::vector<std::string> rows =
      lines_of(mtask::render_timeline(recorder.timeline(), {.width = 50, .unicode = false}));
  REQUIRE(rows.size() == 5);
  CHECK(rows[2].rfind("never - |", 0) == 0);
  CHECK(rows[2].find_first_not_of(' ', 9) == rows[2].size() - 1);
  const std::string trace = mtask::render_trace(recorder.timeline());
  CHECK(trace.find("never") == std::string::npos);
  CHECK(mtask::render_timeline_svg(recorder.timeline()).find("never (not started)") !=
        std::string::npos);
}

TEST_CASE("a shard's timeline has one row per task of the run, whatever their indexes",
          "[timeline][shard]") {
  // The second of three slices of six tasks: indexes 1 and 4 of the whole list.
  const std::vector<mtask::Task> tasks{{.name = "b", .index = 1}, {.name = "e", .index = 4}};
  std::vector<TaskResult> results(2);
  mtask::TimelineRecorder recorder;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const int pid = 10 + static_cast<int>(i);
    recorder.on_start({tasks[i], pid, 1, 0ms});
    recorder.on_line({tasks[i], pid, Stream::kStdout, "hi", false, 10ms});
    results[i] = TaskResult{.outcome = Outcome::kExited, .pid = pid, .ppid = 1, .wall = 20ms};
    recorder.on_exit({tasks[i], results[i], 20ms});
  }
  mtask::SummaryEvent summary = summary_of(tasks, results, 30ms, 40ms);
  summary.parent_pid = 1;
  recorder.on_summary(summary);
  const mtask::Timeline& timeline = recorder.timeline();
  REQUIRE(timeline.tasks.size() == 2);
  CHECK(timeline.tasks[0].name == "b");
  CHECK(timeline.tasks[0].index == 1);
  CHECK(timeline.tasks[0].lines == 1);
  CHECK(timeline.tasks[1].name == "e");
  CHECK(timeline.tasks[1].index == 4);
  CHECK(timeline.tasks[1].started);
  // Two rows below the parent's in the SVG, none for the other slices' tasks.
  const std::string svg = mtask::render_timeline_svg(timeline);
  CHECK(svg.find("data-index=\"1\"") != std::string::npos);
  CHECK(svg.find("data-index=\"4\"") != std::string::npos);
  CHECK(svg.find("(not started)") == std::string::npos);
}
