#include <sys/wait.h>

#include <chrono>
#include <vector>

#include <catch2/catch.hpp>

#include "run/results.hpp"

using namespace std::chrono_literals;
using mtask::Outcome;
using mtask::StopReason;
using mtask::detail::Results;
using mtask::detail::Slot;

namespace {

std::vector<mtask::Task> two_tasks() {
  return {mtask::Task{.name = "a", .count = 1, .interval = 0ns, .index = 0},
          mtask::Task{.name = "b", .count = 1, .interval = 0ns, .index = 1}};
}

/// A slot whose process ended with `wait_status`, as the runner hands it over.
void ended(Slot& slot, int wait_status) {
  slot.exited = true;
  slot.reaped = true;
  slot.wait_status = wait_status;
  slot.forked_at = mtask::detail::TimePoint{} + 1s;
  slot.reaped_at = slot.forked_at + 250ms;
}

}  // namespace

TEST_CASE("results: a task the run stopped is stopped, not failed, unless it exits 0",
          "[run][results]") {
  const auto tasks = two_tasks();
  Results results(tasks, 100);
  Slot killed(tasks[0], 0, 200, 1s);
  Slot clean(tasks[1], 1, 201, 1s);
  CHECK(results.mark_victim(killed, StopReason::kSigint));
  CHECK(results.mark_victim(clean, StopReason::kSigint));
  CHECK_FALSE(results.mark_victim(killed, StopReason::kSigterm));  // the first reason stays

  ended(killed, SIGTERM);  // a wait status: ended by SIGTERM
  ended(clean, 0);         // exit 0 all the same
  results.record_end(killed);
  results.record_end(clean);
  CHECK(results[0].outcome == Outcome::kSignaled);
  CHECK(results[0].stopped == StopReason::kSigint);
  CHECK(results[0].was_stopped());
  CHECK_FALSE(results[0].failed());
  CHECK(results[0].wall == 250ms);
  CHECK(results[1].stopped == StopReason::kNone);
  CHECK_FALSE(results.any_failed());
}

TEST_CASE("results: a task that had already exited is no victim, and fails on its own",
          "[run][results]") {
  const auto tasks = two_tasks();
  Results results(tasks, 100);
  Slot slot(tasks[0], 0, 200, 1s);
  ended(slot, 3 << 8);  // exit 3
  CHECK_FALSE(results.mark_victim(slot, StopReason::kFailFast));
  results.record_end(slot);
  CHECK(results[0].failed());
  CHECK(results.any_failed());
}

TEST_CASE("results: the summary keeps the first stop of the run and counts only failures",
          "[run][results]") {
  const auto tasks = two_tasks();
  Results results(tasks, 100);
  Slot slot(tasks[0], 0, 200, 1s);
  ended(slot, 1 << 8);
  results.record_end(slot);
  results.stopped(StopReason::kFailFast, 2s);
  results.stopped(StopReason::kSigint, 3s);
  const mtask::SummaryEvent summary = results.summary(4s, 1);
  CHECK(summary.stopped == StopReason::kFailFast);
  CHECK(summary.stopped_at == 2s);
  CHECK(summary.failed == 1);
  CHECK(summary.parent_pid == 100);
  CHECK(summary.exit_code == 1);
}

TEST_CASE("results: a task's own retries win over the run's", "[run][results][retries]") {
  auto tasks = two_tasks();
  tasks[1].retries = 0;
  Results results(tasks, 100, 2);
  CHECK(results[0].max_attempts == 3);
  CHECK(results[1].max_attempts == 1);
}

TEST_CASE("results: a failed attempt with attempts left runs again, as a fresh attempt",
          "[run][results][retries]") {
  const auto tasks = two_tasks();
  Results results(tasks, 100, 1);
  Slot first(tasks[0], 0, 200, 1s);
  ended(first, 1 << 8);  // exit 1
  results.record_end(first);
  CHECK(results.may_retry(0));
  results.next_attempt(0);
  CHECK(results[0].attempt == 2);
  CHECK(results[0].max_attempts == 2);
  CHECK(results[0].outcome == Outcome::kNotStarted);

  Slot second(tasks[0], 0, 201, 1s);
  ended(second, 0);  // exit 0: flaky
  results.record_end(second);
  CHECK_FALSE(results.may_retry(0));
  CHECK(results[0].flaky());
  Slot other(tasks[1], 1, 202, 1s);
  ended(other, 1 << 8);
  results.record_end(other);
  CHECK(results.may_retry(1));  // its first of 2 attempts failed

  const mtask::SummaryEvent summary = results.summary(1s, 1);
  CHECK(summary.flaky == 1);
  CHECK(summary.failed == 1);
  // Three attempts of 250 ms each: the retried one counts as task time.
  CHECK(summary.task_wall_sum == 750ms);
  CHECK(summary.retried_wall == 250ms);
}
