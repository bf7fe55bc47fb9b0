// When each task is ready, and what a task that never is takes with it (docs/design.md, "Needs
// and services").
#include "run/readiness.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "mtask/text/human.hpp"
#include "mtask/text/status.hpp"
#include "run/log.hpp"

namespace mtask::detail {
namespace {

std::vector<Probe> probes_of(const std::vector<Task>& tasks) {
  std::vector<Probe> probes;
  probes.reserve(tasks.size());
  for (const Task& task : tasks) probes.push_back(probe_of(task));
  return probes;
}

}  // namespace

Readiness::Readiness(const std::vector<Task>& tasks, const RunOptions& options, Children& children,
                     Results& results, LineTurns& turns)
    : tasks_(tasks),
      run_ready_timeout_(options.ready_timeout),
      children_(children),
      results_(results),
      turns_(turns),
      probe_of_(probes_of(tasks)),
      needs_(tasks),
      over_(tasks.size(), false),
      deadlines_([this](std::size_t index, TimePoint now) { deadline_passed(index, now); }),
      probes_(tasks, probe_of_, children, [this](const ProbeVerdict& v) { verdict(v); }) {}

void Readiness::pause(TimePoint now) {
  probes_.pause(now);
  deadlines_.pause(now);
}

void Readiness::resume(TimePoint now) {
  probes_.resume(now);
  deadlines_.resume(now);
}

void Readiness::hello(const Slot& slot) {
  if (!slot.said_hello()) return;  // it ended before: ended() tells
  TaskResult& result = results_[slot.index];
  result.pid = slot.hello.pid;
  result.ppid = slot.hello.ppid;
  const Probe& probe = probe_of_[slot.index];
  const Duration limit = ready_timeout_of(slot.task, probe, run_ready_timeout_);
  const TimePoint deadline = limit.count() > 0 ? slot.forked_at + limit : kNever;
  if (probe.kind == Probe::Kind::kStarted) {
    became_ready(slot.index, Clock::now());
  } else if (probe.watches()) {
    probes_.begin(slot.index, slot.forked_at, deadline);
  } else if (deadline != kNever) {
    deadlines_.add(slot.index, deadline);
  }
}

void Readiness::ended(const Slot& slot) {
  const std::size_t index = slot.index;
  probes_.cancel(index);
  deadlines_.cancel(index);
  TaskResult& result = results_[index];
  // Stopped because the run is over: that is how a service ends well, whatever its status.
  if (over_[index]) result.stopped = StopReason::kRunOver;
  const Probe& probe = probe_of_[index];
  if (!needs_.ready(index) && result.not_ready.empty() && !result.was_stopped()) {
    if (probe.kind == Probe::Kind::kExit && result.outcome == Outcome::kExited &&
        result.code == 0) {
      became_ready(index, slot.reaped_at);
    } else if (probe.watches() && result.outcome != Outcome::kTimedOut) {
      // A timeout of its own says more of it than this.
      result.not_ready = fmt::format("ended before it was ready ({})", probe.text);
    }
  }
  if (slot.task.service && !over_[index] && !result.was_stopped() && !slot.stop.stopping()) {
    result.ended_early = true;
    log().info("service '{}' (pid {}) ended before the run was over ({})", slot.task.name, slot.pid,
               describe(result));
  }
  // Only a failure for good: a need that runs again may be ready again.
  if (result.failed() && !results_.may_retry(index)) stop_dependents(index, Clock::now());
}

void Readiness::stop_dependents(std::size_t index, TimePoint now) {
  // What runs against a need that failed under it (a service that died during the checks) is
  // stopped: what it checks is gone, and it could wait on it for ever (docs/smoke.md).
  const std::vector<std::size_t>& dependents = needs_.needed_by(index);
  if (dependents.empty()) return;
  for (const auto& slot : children_.running()) {
    if (std::ranges::find(dependents, slot->index) == dependents.end()) continue;
    children_.notice_exit(*slot);
    if (!results_.mark_victim(*slot, StopReason::kNeeds)) continue;
    results_[slot->index].needs_failed =
        fmt::format("needs {}: {}", tasks_[index].name, describe(results_[index]));
    probes_.cancel(slot->index);
    deadlines_.cancel(slot->index);
    log().info("stopping task '{}' (pid {}): {}", slot->task.name, slot->pid,
               results_[slot->index].needs_failed);
    slot->stop.stop(now);
  }
}

void Readiness::retrying(std::size_t index) {
  needs_.unready(index);
  over_[index] = false;
}

void Readiness::ended_for_good(std::size_t index, Duration t) {
  needs_.ended(index);
  if (results_[index].failed() || !needs_.ready(index)) fail_waiters(index, t);
}

void Readiness::run_over(TimePoint now) {
  for (const auto& slot : children_.running()) {
    if (!slot->task.service) continue;
    // One that has exited already ended on its own, before the run was over.
    children_.notice_exit(*slot);
    if (!results_.mark_victim(*slot, StopReason::kRunOver)) continue;
    over_[slot->index] = true;
    probes_.cancel(slot->index);
    deadlines_.cancel(slot->index);
    log().info("the run is over: stopping service '{}' (pid {})", slot->task.name, slot->pid);
    slot->stop.stop(now);
  }
}

void Readiness::cancel_all() {
  probes_.cancel_all();
  for (std::size_t i = 0; i < tasks_.size(); ++i) deadlines_.cancel(i);
}

void Readiness::verdict(const ProbeVerdict& verdict) {
  results_[verdict.index].probe_tries = verdict.tries;
  if (verdict.ready) {
    became_ready(verdict.index, verdict.at);
    return;
  }
  results_[verdict.index].not_ready = verdict.why;
  never_ready(verdict.index, verdict.at);
}

void Readiness::deadline_passed(std::size_t index, TimePoint now) {
  const Probe& probe = probe_of_[index];
  const Duration limit = ready_timeout_of(tasks_[index], probe, run_ready_timeout_);
  results_[index].not_ready =
      fmt::format("not ready after {} ({}): it had not exited", human_duration(limit), probe.text);
  never_ready(index, now);
}

void Readiness::became_ready(std::size_t index, TimePoint at) {
  if (needs_.ready(index)) return;
  needs_.set_ready(index);
  deadlines_.cancel(index);
  TaskResult& result = results_[index];
  result.ready_at = at - start_;
  log().info("task '{}' is ready ({})", tasks_[index].name, probe_of_[index].text);
  if (!reports(index)) return;
  LineTurns::Deferred ready{
      LineTurns::Deferred::Kind::kReady, index, result.pid, result.ppid, at - start_, result};
  ready.attempt = result.attempt;
  turns_.deliver(ready);
}

void Readiness::never_ready(std::size_t index, TimePoint now) {
  results_[index].gave_up = true;
  log().info("task '{}' {}: stopping it", tasks_[index].name, results_[index].not_ready);
  for (const auto& slot : children_.running()) {
    if (slot->index == index && !slot->reaped) slot->stop.stop(now);
  }
  // Its failure is final unless it runs again (its result is not recorded yet: only its
  // attempts can tell): what waits on it is given up now, or when its last attempt ends.
  const TaskResult& result = results_[index];
  if (result.attempt >= result.max_attempts) fail_waiters(index, now - start_);
}

void Readiness::fail_waiters(std::size_t index, Duration t) {
  for (const auto& [waiter, need] : needs_.fail(index)) {
    TaskResult& result = results_[waiter];
    result.stopped = StopReason::kNeeds;
    result.needs_failed = fmt::format("needs {}: {}", tasks_[need].name, describe(results_[need]));
    log().info("task '{}' is not started: {}", tasks_[waiter].name, result.needs_failed);
    turns_.deliver(LineTurns::Deferred{LineTurns::Deferred::Kind::kExit, waiter, 0, 0, t, result});
  }
}

}  // namespace mtask::detail
