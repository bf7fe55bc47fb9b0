// Services, readiness and needs in the JSON and text outputs (docs/output.md).
#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "mtask/report/json_reporter.hpp"
#include "mtask/report/output.hpp"
#include "mtask/report/progress.hpp"
#include "mtask/report/text_reporter.hpp"

using namespace std::chrono_literals;
using Json = nlohmann::ordered_json;
using mtask::Outcome;
using mtask::StopReason;
using mtask::TaskResult;

namespace {

std::vector<mtask::Task> smoke_tasks() {
  return {{.name = "web", .index = 0, .service = true, .ready = "tcp:8000"},
          {.name = "smoke", .index = 1, .needs = {"web"}},
          {.name = "db", .index = 2, .needed_only = true}};
}

// web became ready 0.84 s after its start at 0.01 s, after 9 tries.
TaskResult web_ready() {
  return {.outcome = Outcome::kExited,
          .pid = 4242,
          .ppid = 4241,
          .started = 10ms,
          .ready_at = 850ms,
          .probe_tries = 9};
}

TaskResult web_run_over() {
  TaskResult r = web_ready();
  r.outcome = Outcome::kSignaled;
  r.signal = SIGTERM;
  r.wall = 3s;
  r.stopped = StopReason::kRunOver;
  return r;
}

TaskResult smoke_not_started() {
  return {.stopped = StopReason::kNeeds,
          .needs_failed = "needs web: not ready after 30 s (tcp:8000): connection refused"};
}

std::vector<Json> events_of(const std::string& text) {
  std::vector<Json> events;
  std::size_t from = 0;
  for (std::size_t end = text.find('\n'); end != std::string::npos;
       from = end + 1, end = text.find('\n', from)) {
    events.push_back(Json::parse(text.substr(from, end - from)));
  }
  return events;
}

}  // namespace

TEST_CASE("json: a ready event says which probe, after how long and how many tries",
          "[json_reporter][services]") {
  const std::vector<mtask::Task> tasks = smoke_tasks();
  mtask::StringOutput out;
  mtask::JsonReporter reporter{out};
  const TaskResult web = web_ready();
  reporter.on_ready({tasks[0], web, "tcp:8000", 850ms});
  CHECK(out.str() == R"({"event":"ready","task":"web","index":0,"pid":4242,"probe":"tcp:8000",)"
                     R"("after_s":0.84,"tries":9,"t":0.85})"
                     "\n");
}

TEST_CASE("json: exit events tell services, readiness and early ends",
          "[json_reporter][services]") {
  const std::vector<mtask::Task> tasks = smoke_tasks();
  mtask::StringOutput out;
  mtask::JsonReporter reporter{out};
  reporter.on_exit({tasks[0], web_run_over(), 3s});
  TaskResult early = web_ready();
  early.ended_early = true;
  reporter.on_exit({tasks[0], early, 2s});
  TaskResult never{.outcome = Outcome::kSignaled, .pid = 4243, .signal = SIGTERM};
  never.not_ready = "not ready after 30 s (tcp:8000): connection refused";
  never.gave_up = true;
  reporter.on_exit({tasks[1], never, 30s});
  const std::vector<Json> events = events_of(out.str());
  REQUIRE(events.size() == 3);
  CHECK(events[0].at("service") == true);
  CHECK(events[0].at("stopped") == "run over");
  CHECK(events[0].at("not_ready").is_null());
  CHECK(events[0].at("ended_early") == false);
  CHECK(events[1].at("ended_early") == true);
  CHECK(events[2].at("service") == false);
  CHECK(events[2].at("not_ready") == "not ready after 30 s (tcp:8000): connection refused");
  // The new keys come after the old ones, just before t.
  std::vector<std::string> keys;
  for (const auto& item : events[0].items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{
                    "event",     "task",       "index",   "pid",       "code",        "signal",
                    "timed_out", "wall_s",     "user_s",  "sys_s",     "max_rss_kb",  "stopped",
                    "attempt",   "retrying",   "service", "not_ready", "ended_early", "vcsw",
                    "ivcsw",     "cpu_wait_s", "t"});
}

TEST_CASE("json: a task not started for its needs names the need and why",
          "[json_reporter][services]") {
  const std::vector<mtask::Task> tasks = smoke_tasks();
  mtask::StringOutput out;
  mtask::JsonReporter reporter{out};
  reporter.on_exit({tasks[1], smoke_not_started(), 30s});
  TaskResult chain{.stopped = StopReason::kNeeds,
                   .needs_failed = "needs b: not started (needs a: exit 1)"};
  reporter.on_exit({tasks[1], chain, 30s});
  const std::vector<Json> events = events_of(out.str());
  REQUIRE(events.size() == 2);
  CHECK(out.str().substr(0, out.str().find('\n')) ==
        R"({"event":"not_started","task":"smoke","index":1,"reason":"needs web",)"
        R"("why":"needs web: not ready after 30 s (tcp:8000): connection refused","t":30.0})");
  CHECK(events[1]["reason"] == "needs b");
  CHECK(events[1]["why"] == "needs b: not started (needs a: exit 1)");
}

TEST_CASE("json: needed_only is written only when it is true", "[json_reporter][services]") {
  const std::vector<mtask::Task> tasks = smoke_tasks();
  mtask::StringOutput out;
  mtask::JsonReporter reporter{out};
  reporter.on_start({tasks[2], 4250, 4241, 1ms});
  reporter.on_start({tasks[1], 4251, 4241, 1ms});
  const TaskResult done{.outcome = Outcome::kExited, .pid = 4250};
  reporter.on_exit({tasks[2], done, 2ms});
  reporter.on_exit({tasks[1], done, 2ms});
  const std::vector<Json> events = events_of(out.str());
  REQUIRE(events.size() == 4);
  CHECK(events[0]["needed_only"] == true);
  CHECK_FALSE(events[1].contains("needed_only"));
  CHECK(events[2]["needed_only"] == true);
  CHECK_FALSE(events[3].contains("needed_only"));
}

namespace {

struct TextRun {
  std::vector<mtask::Task> tasks = smoke_tasks();
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter;
  explicit TextRun(mtask::TextOptions options = {}) : reporter(tasks, out, err, options) {}
};

}  // namespace

TEST_CASE("text: a ready line, with a check mark or + on ASCII terminals",
          "[text_reporter][services]") {
  TextRun unicode;
  const TaskResult web = web_ready();
  unicode.reporter.on_start({unicode.tasks[0], 4242, 4241, 10ms});
  unicode.reporter.on_ready({unicode.tasks[0], web, "tcp:8000", 850ms});
  CHECK(unicode.out.str() ==
        "web      4242 > started (ppid 4241)\n"
        "web      4242 \xE2\x80\xA6 waiting for tcp:8000 (up to 30.00 s)\n"
        "web      4242 \xE2\x9C\x93 ready after 0.84 s (tcp:8000)\n");
  TextRun ascii{mtask::TextOptions{.unicode = false}};
  ascii.reporter.on_ready({ascii.tasks[0], web, "tcp:8000", 850ms});
  CHECK(ascii.out.str() == "web      4242 + ready after 0.84 s (tcp:8000)\n");
}

TEST_CASE("text: a task not started for its needs gets a line at that moment",
          "[text_reporter][services]") {
  TextRun run;
  run.reporter.on_exit({run.tasks[1], smoke_not_started(), 30s});
  CHECK(run.out.str() ==
        "smoke         - not started: needs web: not ready after 30 s (tcp:8000): "
        "connection refused\n");
  // Tasks not started because the run was stopped are still shown in the summary only.
  TextRun stopped;
  stopped.reporter.on_exit({stopped.tasks[1], TaskResult{.stopped = StopReason::kSigint}, 1s});
  CHECK(stopped.out.str().empty());
}

TEST_CASE("text: a service stopped at run over is a success", "[text_reporter][services]") {
  TextRun run;
  run.reporter.on_exit({run.tasks[0], web_run_over(), 3s});
  CHECK(run.out.str() == "web      4242 < stopped (run over) after 3.00 s\n");

  const std::vector<TaskResult> results{
      web_run_over(), smoke_not_started(),
      TaskResult{.outcome = Outcome::kExited, .pid = 4244, .wall = 1s}};
  TextRun summary;
  summary.reporter.on_summary({4241, summary.tasks, results, 0, 3s, 4s, 1.33, 0, 3s});
  const std::string text = summary.out.str();
  INFO(text);
  CHECK(text.find("  web    4242  4241  stopped: SIGTERM (run over)") != std::string::npos);
  // Cut to 60 columns in the table; the line below keeps it whole.
  CHECK(text.find("  smoke     -     -  not started (needs web: not ready after 30 s (tcp:8000): "
                  "co\xE2\x80\xA6") != std::string::npos);
  CHECK(text.find("3 tasks, none failed, 1 not started\n") != std::string::npos);
  CHECK(text.find("not started: smoke (needs web: not ready after 30 s (tcp:8000): connection "
                  "refused)\n") != std::string::npos);
}

TEST_CASE("text: a service that failed is red and counted as failed", "[text_reporter][services]") {
  TextRun run;
  TaskResult early = web_ready();
  early.ended_early = true;
  early.wall = 2s;
  run.reporter.on_exit({run.tasks[0], early, 2s});
  CHECK(run.out.str() == "web      4242 < service ended early (exit 0) after 2.00 s\n");
}

TEST_CASE("progress: a task not started for its needs is done, not running",
          "[progress][services]") {
  mtask::StringOutput terminal;
  mtask::Progress progress{terminal, 3, 0, true, [] { return mtask::Duration{1s}; }};
  TextRun run{mtask::TextOptions{.progress = &progress}};
  run.reporter.on_start({run.tasks[0], 4242, 4241, 10ms});
  run.reporter.on_exit({run.tasks[1], smoke_not_started(), 30s});
  CHECK(progress.text(1s).find("1/3 done, 1 running, 0 failed") != std::string::npos);
}
