#include "run/results.hpp"

#include <algorithm>
#include <limits>

#include "mtask/grammar/duration.hpp"
#include "run/wait_status.hpp"

namespace mtask::detail {
namespace {

Duration to_duration(const timeval& tv) {
  return std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
}

/// What an attempt would have taken alone: its wall less the time it waited for a CPU.
Duration alone(const TaskResult& r) {
  return std::max(r.wall - r.cpu_wait.value_or(Duration{0}), Duration{0});
}

/// Its wait is unknown, or known only in part: what it would take alone is an upper bound.
bool bound_only(const TaskResult& r) { return !r.cpu_wait || r.cpu_wait_partial; }

}  // namespace

Results::Results(const std::vector<Task>& tasks, pid_t parent_pid, std::uint64_t retries)
    : tasks_(tasks), parent_pid_(parent_pid), results_(tasks.size()), task_cpu_(tasks.size()) {
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    // At most kMaxCount retries (parse_count): 1 + that fits. A service's failure is final.
    const std::uint64_t own = tasks[i].service ? 0 : tasks[i].retries.value_or(retries);
    results_[i].max_attempts = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(own + 1, std::numeric_limits<std::uint32_t>::max()));
  }
}

bool Results::may_retry(std::size_t index) const {
  const TaskResult& result = results_[index];
  return result.failed() && result.attempt < result.max_attempts;
}

void Results::next_attempt(std::size_t index) {
  TaskResult& result = results_[index];
  retried_wall_ += result.wall;
  retried_cpu_ += result.user_cpu + result.sys_cpu;
  retried_task_cpu_ += task_cpu_[index];
  task_cpu_[index] = Duration{0};
  retried_sequential_ += alone(result);
  retried_wait_ += result.cpu_wait.value_or(Duration{0});
  retried_upper_bound_ = retried_upper_bound_ || bound_only(result);
  TaskResult next;
  next.attempt = result.attempt + 1;
  next.max_attempts = result.max_attempts;
  result = next;
}

void Results::record_end(const Slot& slot) {
  TaskResult& result = results_[slot.index];
  result.pid = slot.said_hello() ? slot.hello.pid : slot.pid;
  result.ppid = slot.said_hello() ? slot.hello.ppid : parent_pid_;
  result.wall = slot.reaped_at - slot.forked_at;
  result.user_cpu = to_duration(slot.usage.ru_utime);
  result.sys_cpu = to_duration(slot.usage.ru_stime);
  result.max_rss_kb = slot.usage.ru_maxrss;
  result.vcsw = slot.usage.ru_nvcsw;
  result.ivcsw = slot.usage.ru_nivcsw;
  const Duration used = result.user_cpu + result.sys_cpu;
  const CpuWait wait = measure_wait(slot.cpu, used);
  // wait4 counts only the children the task's process waited for: a task stopped, or one
  // that left work running in the background, used more (docs/output.md, "Speedup").
  task_cpu_[slot.index] = std::max(used, slot.cpu.on_cpu());
  result.cpu_wait = wait.wait;
  result.cpu_wait_partial = wait.partial;
  const Ending ending = decode_wait_status(slot.wait_status);
  // mark_victim() marked the task if the run's stop came before any stop of its own: then a
  // --timeout passing during the stop is no failure of the task's.
  const bool stopped = result.stopped != StopReason::kNone;
  result.outcome = slot.stop.timed_out() && !stopped ? Outcome::kTimedOut : ending.outcome;
  result.code = ending.code;
  result.signal = ending.signal;
  // A task that exits 0 all the same has passed (docs/output.md, "Stopped tasks").
  if (result.outcome == Outcome::kExited && result.code == 0) result.stopped = StopReason::kNone;
}

bool Results::mark_victim(const Slot& slot, StopReason reason) {
  // A --timeout of its own already under way keeps the task a failure; one whose process
  // already exited ended on its own.
  TaskResult& result = results_[slot.index];
  if (slot.exited || slot.stop.stopping() || result.stopped != StopReason::kNone) return false;
  result.stopped = reason;
  return true;
}

void Results::stopped(StopReason reason, Duration t) {
  if (stop_reason_ != StopReason::kNone) return;
  stop_reason_ = reason;
  stopped_at_ = t;
}

bool Results::any_failed() const {
  return std::any_of(results_.begin(), results_.end(),
                     [](const TaskResult& r) { return r.failed(); });
}

SummaryEvent Results::summary(Duration wall, int status) const {
  // Every attempt was work done: the tasks one after another would have taken it all, less
  // the time they spent waiting for a CPU (docs/output.md, "Speedup").
  Duration task_wall_sum = retried_wall_;
  Duration sequential = retried_sequential_;
  Duration cpu_wait_sum = retried_wait_;
  Duration cpu_sum = retried_task_cpu_;
  bool upper_bound = retried_upper_bound_;
  std::size_t failed = 0;
  std::size_t flaky = 0;
  for (std::size_t i = 0; i < results_.size(); ++i) {
    const TaskResult& r = results_[i];
    task_wall_sum += r.wall;
    if (r.failed()) ++failed;
    if (r.flaky()) ++flaky;
    if (r.outcome == Outcome::kNotStarted) continue;
    sequential += alone(r);
    cpu_wait_sum += r.cpu_wait.value_or(Duration{0});
    cpu_sum += task_cpu_[i];
    upper_bound = upper_bound || bound_only(r);
  }
  const double speedup = wall.count() > 0 ? to_seconds(sequential) / to_seconds(wall) : 0.0;
  SummaryEvent summary{parent_pid_, tasks_, results_, failed,       wall,       task_wall_sum,
                       speedup,     status, wall,     stop_reason_, stopped_at_};
  summary.flaky = flaky;
  summary.retried_wall = retried_wall_;
  summary.retried_cpu = retried_cpu_;
  summary.sequential = sequential;
  summary.sequential_upper_bound = upper_bound;
  summary.cpu_wait_sum = cpu_wait_sum;
  summary.cpu_sum = cpu_sum;
  return summary;
}

}  // namespace mtask::detail
