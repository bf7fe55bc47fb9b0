// Needs: which task waits for which, what a failed need takes with it, and the run's ready
// events as a library caller receives them.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/error.hpp"
#include "mtask/run/runner.hpp"
#include "run/needs_state.hpp"

using namespace std::chrono_literals;
using mtask::detail::NeedsState;
using mtask::detail::resolve_needs;

namespace {

mtask::Task task(const std::string& name, std::vector<std::string> needs, std::size_t index,
                 std::string command = "true") {
  mtask::Task t{
      .name = name, .count = 1, .interval = 0ns, .command = std::move(command), .index = index};
  t.needs = std::move(needs);
  return t;
}

std::string usage_error_of(const std::vector<mtask::Task>& tasks) {
  try {
    resolve_needs(tasks);
  } catch (const mtask::UsageError& error) {
    return error.what();
  }
  return "no error";
}

/// Records the events of a run as short strings: "start web", "ready web line:up", ...
class Recorder final : public mtask::EventSink {
 public:
  void on_start(const mtask::StartEvent& e) override { events.push_back("start " + e.task.name); }
  void on_line(const mtask::LineEvent& e) override {
    events.push_back("line " + e.task.name + " " + std::string(e.text));
  }
  void on_ready(const mtask::ReadyEvent& e) override {
    events.push_back("ready " + e.task.name + " " + std::string(e.probe));
    CHECK(e.result.ready_at.has_value());
    CHECK(e.result.pid > 0);
  }
  void on_exit(const mtask::ExitEvent& e) override { events.push_back("exit " + e.task.name); }
  void on_summary(const mtask::SummaryEvent& e) override {
    results = e.results;
    stopped = e.stopped;
  }

  std::size_t at(const std::string& event) const {
    const auto it = std::find(events.begin(), events.end(), event);
    return static_cast<std::size_t>(it - events.begin());
  }

  std::string joined() const {
    std::string all;
    for (const std::string& e : events) all += e + "\n";
    return all;
  }

  std::vector<std::string> events;
  std::vector<mtask::TaskResult> results;
  mtask::StopReason stopped = mtask::StopReason::kNone;
};

}  // namespace

TEST_CASE("needs: a name names every task of that name", "[run][needs]") {
  const auto needs = resolve_needs({task("a", {}, 0), task("check", {"a"}, 1), task("a", {}, 2)});
  CHECK(needs[0].empty());
  CHECK(needs[1] == std::vector<std::size_t>{0, 2});
}

TEST_CASE("needs: unknown names and cycles are usage errors that name them", "[run][needs]") {
  CHECK(usage_error_of({task("a", {"web"}, 0)}) == "task 'a' needs 'web', which is no task");
  CHECK(usage_error_of({task("a", {"b"}, 0), task("b", {"a"}, 1)}) ==
        "tasks need each other in a cycle: a -> b -> a");
  CHECK(usage_error_of({task("a", {"a"}, 0)}) == "task 'a' needs itself");
}

TEST_CASE("needs: a task is startable once all it needs are ready", "[run][needs]") {
  const std::vector<mtask::Task> tasks = {task("web", {}, 0), task("db", {}, 1),
                                          task("smoke", {"web", "db"}, 2)};
  NeedsState needs(tasks);
  CHECK(needs.startable(0));
  CHECK_FALSE(needs.startable(2));
  needs.started(0);
  needs.set_ready(0);
  CHECK_FALSE(needs.startable(2));
  needs.set_ready(1);
  CHECK(needs.startable(2));
  needs.unready(1);  // it runs again: readiness is per attempt
  CHECK_FALSE(needs.startable(2));
  CHECK(needs.first_waiting() == 1);
  CHECK(needs.tasks_left() == 3);
}

TEST_CASE("needs: a failure gives up what waits on it, transitively, need first", "[run][needs]") {
  const std::vector<mtask::Task> tasks = {task("c", {"b"}, 0), task("b", {"a"}, 1),
                                          task("a", {}, 2), task("d", {"a"}, 3)};
  NeedsState needs(tasks);
  needs.started(2);
  needs.ended(2);
  const auto given_up = needs.fail(2);
  using Pair = std::pair<std::size_t, std::size_t>;
  CHECK(given_up == std::vector<Pair>{{1, 2}, {3, 2}, {0, 1}});
  CHECK_FALSE(needs.any_waiting());
  CHECK(needs.tasks_left() == 0);
  CHECK(needs.fail(2).empty());
}

TEST_CASE("runner: a library caller's cycle is a usage error before anything runs",
          "[runner][needs]") {
  const std::vector<mtask::Task> tasks = {task("a", {"b"}, 0, "touch /nonexistent/never"),
                                          task("b", {"a"}, 1)};
  Recorder recorder;
  CHECK_THROWS_AS(mtask::run_tasks(tasks, mtask::RunOptions{}, recorder), mtask::UsageError);
  CHECK(recorder.events.empty());
}

TEST_CASE("runner: a service is ready when its line comes, then stopped when the run is over",
          "[runner][needs]") {
  std::vector<mtask::Task> tasks = {task("check", {"web"}, 0, "echo checked"),
                                    task("web", {}, 1, "echo up; exec sleep 30")};
  tasks[1].service = true;
  tasks[1].ready = "line:^up$";
  Recorder recorder;
  mtask::RunOptions options;
  options.kill_after = 1s;
  CHECK(mtask::run_tasks(tasks, options, recorder) == 0);
  INFO(recorder.joined());
  CHECK(recorder.at("line web up") < recorder.at("ready web line:^up$"));
  CHECK(recorder.at("ready web line:^up$") < recorder.at("start check"));
  CHECK(recorder.at("exit check") < recorder.at("exit web"));
  REQUIRE(recorder.results.size() == 2);
  CHECK(recorder.results[1].stopped == mtask::StopReason::kRunOver);
  CHECK(recorder.results[1].probe_tries == 1);
  CHECK_FALSE(recorder.results[1].failed());
  CHECK(recorder.results[0].ready_at.has_value());  // at its exit: the implicit "exit"
  CHECK(recorder.stopped == mtask::StopReason::kNone);
}

TEST_CASE("runner: an exit task with a ready_timeout of its own is stopped when it passes",
          "[runner][needs]") {
  std::vector<mtask::Task> tasks = {task("build", {}, 0, "exec sleep 20"),
                                    task("check", {"build"}, 1, "echo checked"),
                                    task("quick", {}, 2, "true")};
  tasks[0].ready_timeout = 300ms;
  tasks[2].ready = "exit";
  Recorder recorder;
  mtask::RunOptions options;
  options.kill_after = 1s;
  const auto began = std::chrono::steady_clock::now();
  CHECK(mtask::run_tasks(tasks, options, recorder) == 1);
  CHECK(std::chrono::steady_clock::now() - began < 10s);
  INFO(recorder.joined());
  REQUIRE(recorder.results.size() == 3);
  CHECK(recorder.results[0].not_ready == "not ready after 300.0 ms (exit): it had not exited");
  CHECK(recorder.results[0].failed());
  CHECK(recorder.results[1].outcome == mtask::Outcome::kNotStarted);
  CHECK(recorder.results[1].stopped == mtask::StopReason::kNeeds);
  CHECK(recorder.results[1].needs_failed ==
        "needs build: not ready after 300.0 ms (exit): it had not exited");
  CHECK(recorder.at("start check") == recorder.events.size());  // never started
  // A ready event for a task with a `ready` of its own, even "exit"; none for the default.
  CHECK(recorder.at("ready quick exit") < recorder.at("exit quick"));
  CHECK(recorder.at("ready build exit") == recorder.events.size());
}

TEST_CASE("runner: a task whose probe never said ready fails when it ends, even with exit 0",
          "[runner][needs]") {
  std::vector<mtask::Task> tasks = {task("web", {}, 0, "echo something else"),
                                    task("check", {"web"}, 1, "echo checked")};
  tasks[0].ready = "line:listening";
  Recorder recorder;
  CHECK(mtask::run_tasks(tasks, mtask::RunOptions{}, recorder) == 1);
  INFO(recorder.joined());
  REQUIRE(recorder.results.size() == 2);
  CHECK(recorder.results[0].code == 0);
  CHECK(recorder.results[0].not_ready == "ended before it was ready (line:listening)");
  CHECK(recorder.results[0].failed());
  CHECK(recorder.results[1].needs_failed ==
        "needs web: ended before it was ready (line:listening)");
  CHECK(recorder.at("exit web") < recorder.at("exit check"));  // its not_started, after
}
