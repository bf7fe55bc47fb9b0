// Services, readiness and needs in the timeline, the SVG, the trace and --explain.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "mtask/report/explain.hpp"
#include "mtask/report/output.hpp"
#include "mtask/report/timeline.hpp"
#include "mtask/text/width.hpp"

using namespace std::chrono_literals;
using mtask::Outcome;
using mtask::StopReason;
using mtask::TaskResult;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t begin = 0; begin < text.size();) {
    const std::size_t end = text.find('\n', begin);
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

/// A smoke test in 4 s: web (a service, tcp:8000) from 0 s, ready at 1 s, stopped at run over;
/// smoke waits for it and runs from 1 s to 3 s; broken needs a task that failed and was given
/// up at 2 s.
class SmokeRun {
 protected:
  std::vector<mtask::Task> tasks{{.name = "web", .index = 0, .service = true, .ready = "tcp:8000"},
                                 {.name = "smoke", .index = 1, .needs = {"web"}},
                                 {.name = "broken", .index = 2, .needs = {"db"}}};
  std::vector<TaskResult> results{3};
  mtask::TimelineRecorder recorder;

  SmokeRun() {
    results[0] = TaskResult{.outcome = Outcome::kSignaled,
                            .pid = 4242,
                            .ppid = 4241,
                            .signal = SIGTERM,
                            .started = 0ms,
                            .wall = 3500ms,
                            .stopped = StopReason::kRunOver,
                            .ready_at = 1000ms,
                            .probe_tries = 9};
    results[1] = TaskResult{
        .outcome = Outcome::kExited, .pid = 4243, .ppid = 4241, .started = 1000ms, .wall = 2s};
    results[2] = TaskResult{.stopped = StopReason::kNeeds, .needs_failed = "needs db: exit 1"};
    recorder.on_start({tasks[0], 4242, 4241, 0ms});
    recorder.on_ready({tasks[0], results[0], "tcp:8000", 1000ms});
    recorder.on_start({tasks[1], 4243, 4241, 1000ms});
    recorder.on_exit({tasks[2], results[2], 2000ms});
    recorder.on_exit({tasks[1], results[1], 3000ms});
    recorder.on_exit({tasks[0], results[0], 3500ms});
    recorder.on_summary({4241, tasks, results, 0, 4s, 5500ms, 1.0, 0, 4s});
  }
};

}  // namespace

TEST_CASE_METHOD(SmokeRun, "timeline: the recorder keeps waits and readiness",
                 "[timeline][services]") {
  const mtask::Timeline& t = recorder.timeline();
  REQUIRE(t.tasks.size() == 3);
  CHECK_FALSE(t.tasks[0].waited);
  CHECK(t.tasks[0].ready_at == mtask::Duration(1000ms));
  CHECK(t.tasks[0].probe == "tcp:8000");
  CHECK(t.tasks[1].waited);
  CHECK(t.tasks[1].waited_until == 1000ms);
  CHECK_FALSE(t.tasks[1].ready_at);
  CHECK(t.tasks[2].waited);
  CHECK(t.tasks[2].waited_until == 2000ms);
  CHECK(t.tasks[2].status == "not started (needs db: exit 1)");
}

TEST_CASE_METHOD(SmokeRun, "timeline: waiting, getting ready and ready in the terminal",
                 "[timeline][services]") {
  // 40 columns of bar over 4 s: 100 ms a column.
  const std::vector<std::string> rows =
      lines_of(mtask::render_timeline(recorder.timeline(), {.width = 40 + 14, .unicode = false}));
  REQUIRE(rows.size() == 7);
  CHECK(rows[1] == "  . waiting for needs, ~ getting ready, + ready");
  CHECK(rows[2] == "web    4242 |" + std::string(10, '~') + "+" + std::string(25, '-') +
                       std::string(4, ' ') + "|");
  CHECK(rows[3] ==
        "smoke  4243 |" + std::string(10, '.') + std::string(21, '-') + std::string(9, ' ') + "|");
  CHECK(rows[4] == "broken    - |" + std::string(21, '.') + std::string(19, ' ') + "|");
  const std::string unicode =
      mtask::render_timeline(recorder.timeline(), {.width = 54, .unicode = true});
  CHECK(unicode.find("\xE2\x9C\x93") != std::string::npos);  // the check mark
  for (const std::string& row : lines_of(unicode)) CHECK(mtask::display_width(row) <= 54);
}

TEST_CASE("timeline: a run without needs or probes looks as before", "[timeline][services]") {
  const std::vector<mtask::Task> tasks{{.name = "sing", .index = 0}};
  const std::vector<TaskResult> results{
      {.outcome = Outcome::kExited, .pid = 4242, .ppid = 4241, .wall = 1s}};
  mtask::TimelineRecorder recorder;
  recorder.on_start({tasks[0], 4242, 4241, 0ms});
  recorder.on_exit({tasks[0], results[0], 1s});
  recorder.on_summary({4241, tasks, results, 0, 1s, 1s, 1.0, 0, 1s});
  const std::string text = mtask::render_timeline(recorder.timeline(), {.width = 80});
  CHECK(text.find("waiting") == std::string::npos);
  CHECK(lines_of(text).size() == 4);
  CHECK(mtask::render_timeline_svg(recorder.timeline()).find("waiting") == std::string::npos);
  CHECK(mtask::render_trace(recorder.timeline()).find("ready") == std::string::npos);
}

TEST_CASE_METHOD(SmokeRun, "svg: waiting spans, getting ready spans and ready marks",
                 "[timeline][svg][services]") {
  const std::string svg = mtask::render_timeline_svg(recorder.timeline());
  CHECK(svg.find("; dashed: waiting for needs; striped: getting ready; diamond: ready") !=
        std::string::npos);
  CHECK(std::count(svg.begin(), svg.end(), '\n') > 10);
  const auto count = [&](std::string_view what) {
    std::size_t n = 0;
    for (std::size_t at = svg.find(what); at != std::string::npos; at = svg.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(count("class=\"span waiting\"") == 2);  // smoke and broken
  CHECK(count("class=\"span getting-ready\"") == 1);
  CHECK(count("class=\"ready\"") == 1);
  CHECK(svg.find("<title>web ready after 1.00 s (tcp:8000)</title>") != std::string::npos);
  CHECK(svg.find("<title>smoke waited for its needs: 0 to 1.00 s</title>") != std::string::npos);
}

TEST_CASE_METHOD(SmokeRun, "trace: the wait, getting ready and ready as events",
                 "[timeline][trace][services]") {
  const nlohmann::json trace = nlohmann::json::parse(mtask::render_trace(recorder.timeline()));
  std::vector<nlohmann::json> waiting, getting_ready, ready, given_up;
  for (const nlohmann::json& e : trace["traceEvents"]) {
    if (e["name"] == "waiting for needs") waiting.push_back(e);
    if (e["name"] == "getting ready") getting_ready.push_back(e);
    if (e["name"] == "ready (tcp:8000)") ready.push_back(e);
    if (e["name"] == "broken not started") given_up.push_back(e);
  }
  REQUIRE(waiting.size() == 1);
  CHECK(waiting[0]["pid"] == 4243);
  CHECK(waiting[0]["ts"] == 0);
  CHECK(waiting[0]["dur"] == 1000000.0);
  REQUIRE(getting_ready.size() == 1);
  CHECK(getting_ready[0]["pid"] == 4242);
  CHECK(getting_ready[0]["args"]["probe"] == "tcp:8000");
  REQUIRE(ready.size() == 1);
  CHECK(ready[0]["ph"] == "i");
  REQUIRE(given_up.size() == 1);
  CHECK(given_up[0]["pid"] == 4241);
  CHECK(given_up[0]["args"]["status"] == "not started (needs db: exit 1)");
}

TEST_CASE("explain: each probe and each wait are told", "[explain][services]") {
  const std::vector<mtask::Task> tasks{
      {.name = "web", .index = 0, .service = true, .ready = "tcp:8000"},
      {.name = "smoke", .index = 1, .needs = {"web", "db"}},
      {.name = "late", .index = 2, .needs = {"web"}},
      {.name = "api", .index = 3, .ready = "line:up"}};
  mtask::StringOutput err;
  mtask::ExplainReporter explain(err, {.parent_pid = 4241});
  const TaskResult web{.outcome = Outcome::kExited,
                       .pid = 4242,
                       .started = 10ms,
                       .ready_at = 850ms,
                       .probe_tries = 9};
  explain.on_ready({tasks[0], web, "tcp:8000", 850ms});
  explain.on_start({tasks[1], 4243, 4241, 850ms});
  const TaskResult late{.stopped = StopReason::kNeeds,
                        .needs_failed = "needs web: not ready after 30 s (tcp:8000)"};
  explain.on_exit({tasks[2], late, 30s});
  TaskResult api{.outcome = Outcome::kSignaled, .pid = 4244, .signal = SIGTERM, .wall = 30s};
  api.not_ready = "not ready after 30 s (line:up)";
  api.gave_up = true;
  api.probe_tries = 3;
  explain.on_exit({tasks[3], api, 30s});
  const TaskResult chain{.stopped = StopReason::kNeeds,
                         .needs_failed = "needs b: not started (needs a: exit 1)"};
  explain.on_exit({tasks[2], chain, 30s});
  const std::vector<std::string> lines = lines_of(err.str());
  REQUIRE(lines.size() >= 7);
  CHECK(lines[0] ==
        "parent 4241: web (pid 4242) is ready: probe tcp:8000 said so after 0.84 s, "
        "9 tries");
  CHECK(lines[1] == "parent 4241: smoke waited 0.85 s for web and db");
  CHECK(lines[2] == "parent 4241: fork() -> child 4243 (smoke)");
  CHECK(lines[5] ==
        "parent 4241: web was never ready (not ready after 30 s (tcp:8000)), so late "
        "did not start");
  CHECK(lines[6] ==
        "parent 4241: api's probe gave up after 3 tries: not ready after 30 s "
        "(line:up)");
  CHECK(lines.back() ==
        "parent 4241: b did not start (not started (needs a: exit 1)), so late "
        "did not start");
}
