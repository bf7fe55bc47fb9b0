// What the reports say of a wait for readiness: the wait itself, a probe that gave up, and the
// needs it held back (docs/output.md).
#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "mtask/report/explain.hpp"
#include "mtask/report/output.hpp"
#include "mtask/report/progress.hpp"
#include "mtask/report/text_reporter.hpp"
#include "mtask/report/timeline.hpp"

using namespace std::chrono_literals;
using mtask::Outcome;
using mtask::StopReason;
using mtask::TaskResult;

namespace {

std::vector<mtask::Task> smoke_tasks() {
  return {{.name = "web", .index = 0, .service = true, .ready = "tcp:18440"},
          {.name = "smoke", .index = 1, .needs = {"web", "db"}},
          {.name = "db", .index = 2}};
}

// web's probe gave up after 2 s; mtask stopped it with SIGTERM.
TaskResult web_never_ready() {
  TaskResult r{.outcome = Outcome::kSignaled,
               .pid = 4242,
               .ppid = 4241,
               .signal = SIGTERM,
               .started = 10ms,
               .wall = 2010ms,
               .probe_tries = 5};
  r.not_ready = "not ready after 2.00 s (tcp:18440): connection refused";
  r.gave_up = true;
  return r;
}

TaskResult smoke_not_started() {
  return {.stopped = StopReason::kNeeds,
          .needs_failed = "needs web: not ready after 2.00 s (tcp:18440): connection refused"};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t begin = 0; begin < text.size();) {
    const std::size_t end = text.find('\n', begin);
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

struct TextRun {
  std::vector<mtask::Task> tasks = smoke_tasks();
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter;
  explicit TextRun(mtask::TextOptions options = {}) : reporter(tasks, out, err, options) {}
};

}  // namespace

TEST_CASE("text: the wait for needs is said at the start of the run", "[text_reporter][services]") {
  TextRun unicode;
  unicode.reporter.on_begin({4241, unicode.tasks, {}, {}});
  CHECK(unicode.out.str() == "smoke         \xC2\xB7 waits for web, db\n");
  TextRun ascii{mtask::TextOptions{.unicode = false}};
  ascii.reporter.on_begin({4241, ascii.tasks, {}, {}});
  CHECK(ascii.out.str() == "smoke         . waits for web, db\n");
}

TEST_CASE("text: a probe that watches a task says what it waits for and how long",
          "[text_reporter][services]") {
  TextRun run{mtask::TextOptions{.ready_timeout = 5s}};
  run.reporter.on_start({run.tasks[0], 4242, 4241, 10ms});
  CHECK(run.out.str() ==
        "web      4242 > started (ppid 4241)\n"
        "web      4242 \xE2\x80\xA6 waiting for tcp:18440 (up to 5.00 s)\n");
  // A task's own ready_timeout wins over the run's; ASCII terminals get "...".
  std::vector<mtask::Task> own{{.name = "api", .index = 0, .ready = "line:up"}};
  own[0].ready_timeout = 7s;
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter ascii{own, out, err, {.unicode = false}};
  ascii.on_start({own[0], 4243, 4241, 10ms});
  CHECK(lines_of(out.str()).back() == "api    4243 ... waiting for line:up (up to 7.00 s)");
  // "exit" and "started" wait for nothing the run does not show anyway.
  TextRun quiet;
  quiet.reporter.on_start({quiet.tasks[2], 4244, 4241, 10ms});
  CHECK(quiet.out.str() == "db       4244 > started (ppid 4241)\n");
}

TEST_CASE("progress: tasks waiting for their needs are counted as waiting",
          "[progress][services]") {
  mtask::StringOutput terminal;
  mtask::Progress progress{terminal, 3, 0, true, [] { return mtask::Duration{1s}; }};
  TextRun run{mtask::TextOptions{.progress = &progress}};
  run.reporter.on_begin({4241, run.tasks, {}, {}});
  run.reporter.on_start({run.tasks[0], 4242, 4241, 10ms});
  CHECK(progress.text(1s).find("0/3 done, 1 running, 1 waiting, 0 failed") != std::string::npos);
  run.reporter.on_exit({run.tasks[1], smoke_not_started(), 2s});
  CHECK(progress.text(1s).find("1/3 done, 1 running, 0 failed") != std::string::npos);
}

TEST_CASE("text: a task never ready ends with its reason alone", "[text_reporter][services]") {
  TextRun run;
  run.reporter.on_exit({run.tasks[0], web_never_ready(), 2020ms});
  CHECK(run.out.str() ==
        "web      4242 < not ready after 2.00 s (tcp:18440): connection refused\n");
  // One that ended before it was ready is told how long it ran, as any other end.
  TaskResult ended{.outcome = Outcome::kExited, .pid = 4242, .code = 1, .wall = 1s};
  ended.not_ready = "ended before it was ready (tcp:18440)";
  TextRun other;
  other.reporter.on_exit({other.tasks[0], ended, 1s});
  CHECK(other.out.str() == "web      4242 < ended before it was ready (tcp:18440) after 1.00 s\n");
}

TEST_CASE("text: a long status is cut in the summary table only", "[text_reporter][services]") {
  TaskResult web = web_never_ready();
  web.not_ready =
      "not ready after 2.00 s (cmd:curl -fsS http://127.0.0.1:18440/): curl: (7) "
      "Failed to connect to 127.0.0.1 port 18440 after 0 ms: Couldn't connect to "
      "server";
  const std::vector<TaskResult> results{web, smoke_not_started(),
                                        TaskResult{.outcome = Outcome::kExited, .pid = 4244}};
  for (const bool unicode : {true, false}) {
    TextRun run{mtask::TextOptions{.unicode = unicode}};
    run.reporter.on_exit({run.tasks[0], web, 2020ms});
    run.reporter.on_summary({4241, run.tasks, results, 1, 3s, 3s, 1.0, 0, 3s});
    const std::vector<std::string> lines = lines_of(run.out.str());
    INFO(run.out.str());
    CHECK(lines[0] == "web      4242 < " + web.not_ready);
    const std::string cut =
        web.not_ready.substr(0, unicode ? 59 : 57) + (unicode ? "\xE2\x80\xA6" : "...");
    CHECK(lines[3].find("  4242  4241  " + cut + "  ") != std::string::npos);
    // A row of short values is about 80 columns wide; the cut status adds at most 60.
    for (std::size_t i = 2; i <= 5; ++i) CHECK(lines[i].size() < 150);
  }
}

TEST_CASE("explain: the probe's verdict comes before the tasks it held back",
          "[explain][services]") {
  const std::vector<mtask::Task> tasks = smoke_tasks();
  mtask::StringOutput err;
  mtask::ExplainReporter explain(err, {.parent_pid = 4241});
  explain.on_start({tasks[0], 4242, 4241, 10ms});
  err.clear();
  // The run gives up the waiting task when the probe gives up, before web has been reaped.
  explain.on_exit({tasks[1], smoke_not_started(), 2010ms});
  CHECK(err.str().empty());
  explain.on_exit({tasks[0], web_never_ready(), 2020ms});
  const std::vector<std::string> lines = lines_of(err.str());
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] ==
        "parent 4241: web's probe gave up after 5 tries: not ready after 2.00 s (tcp:18440): "
        "connection refused");
  CHECK(lines[1] ==
        "parent 4241: wait4(4242) -> killed by SIGTERM (mtask stopped it: never ready) after "
        "2.01 s, 0.0 ms CPU");
  CHECK(lines[2] ==
        "parent 4241: web was never ready (not ready after 2.00 s (tcp:18440): connection "
        "refused), so smoke did not start");
}

TEST_CASE("explain: a need that failed before is told at once", "[explain][services]") {
  const std::vector<mtask::Task> tasks = smoke_tasks();
  mtask::StringOutput err;
  mtask::ExplainReporter explain(err, {.parent_pid = 4241});
  explain.on_start({tasks[2], 4244, 4241, 10ms});
  explain.on_exit({tasks[2], TaskResult{.outcome = Outcome::kExited, .pid = 4244, .code = 1}, 1s});
  err.clear();
  explain.on_exit({tasks[1],
                   TaskResult{.stopped = StopReason::kNeeds, .needs_failed = "needs db: exit 1"},
                   1s});
  CHECK(err.str() == "parent 4241: db failed (exit 1), so smoke did not start\n");
}

namespace {

/// web never ready: its probe gave up at 2 s, mtask stopped it at 2.5 s, in a run of 4 s.
class NeverReadyRun {
 protected:
  std::vector<mtask::Task> tasks = smoke_tasks();
  std::vector<TaskResult> results{3};
  mtask::TimelineRecorder recorder;

  NeverReadyRun() {
    results[0] = web_never_ready();
    results[0].started = 0ms;
    results[0].wall = 2500ms;
    results[1] = smoke_not_started();
    results[2] = TaskResult{.outcome = Outcome::kExited, .pid = 4244, .wall = 4s};
    recorder.on_start({tasks[0], 4242, 4241, 0ms});
    recorder.on_start({tasks[2], 4244, 4241, 0ms});
    recorder.on_exit({tasks[1], results[1], 2000ms});
    recorder.on_exit({tasks[0], results[0], 2500ms});
    recorder.on_exit({tasks[2], results[2], 4000ms});
    recorder.on_summary({4241, tasks, results, 1, 4s, 6500ms, 1.6, 0, 4s});
  }
};

}  // namespace

TEST_CASE_METHOD(NeverReadyRun, "timeline: getting ready in vain is shown, failed",
                 "[timeline][services]") {
  const mtask::Timeline& t = recorder.timeline();
  REQUIRE(t.tasks.size() == 3);
  CHECK(t.tasks[0].never_ready == results[0].not_ready);
  CHECK(t.tasks[1].never_ready.empty());
  CHECK(t.tasks[2].never_ready.empty());
  // 41 columns of bar over 4 s: web's 2.5 s fill 26 of them.
  const std::vector<std::string> rows =
      lines_of(mtask::render_timeline(t, {.width = 40 + 14, .unicode = false}));
  REQUIRE(rows.size() == 7);
  CHECK(rows[1] == "  . waiting for needs, x never ready");
  CHECK(rows[2] == "web   4242 |" + std::string(26, 'x') + std::string(15, ' ') + "|");
}

TEST_CASE_METHOD(NeverReadyRun, "svg: a span never ready, with its reason",
                 "[timeline][svg][services]") {
  const std::string svg = mtask::render_timeline_svg(recorder.timeline());
  CHECK(svg.find("; dashed: waiting for needs; red striped: never ready") != std::string::npos);
  CHECK(svg.find("striped: getting ready") == std::string::npos);
  CHECK(svg.find("class=\"span never-ready\"") != std::string::npos);
  CHECK(svg.find("<title>web never ready: 0.0 ms to 2.50 s: not ready after 2.00 s (tcp:18440): "
                 "connection refused</title>") != std::string::npos);
}

TEST_CASE_METHOD(NeverReadyRun, "trace: a slice getting ready that never was",
                 "[timeline][trace][services]") {
  const nlohmann::json trace = nlohmann::json::parse(mtask::render_trace(recorder.timeline()));
  std::vector<nlohmann::json> never;
  for (const nlohmann::json& e : trace["traceEvents"]) {
    if (e["name"] ==
        "getting ready (never ready: not ready after 2.00 s (tcp:18440): "
        "connection refused)") {
      never.push_back(e);
    }
  }
  REQUIRE(never.size() == 1);
  CHECK(never[0]["pid"] == 4242);
  CHECK(never[0]["ts"] == 0);
  CHECK(never[0]["dur"] == 2500000.0);
}
