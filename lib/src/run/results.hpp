#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mtask/events.hpp"
#include "run/task_slot.hpp"

namespace mtask::detail {

/// What the run learns of each task and of itself, and the words it ends with: each task's
/// result from its slot, who was the run's victim, the stop that ended the run, the summary and
/// mtask's exit status (docs/output.md, "Stopped tasks"; docs/usage.md, "Exit status").
class Results {
 public:
  /// `retries`: the run's --retries, for the tasks that do not give their own.
  Results(const std::vector<Task>& tasks, pid_t parent_pid, std::uint64_t retries = 0);

  TaskResult& operator[](std::size_t index) { return results_[index]; }
  const TaskResult& operator[](std::size_t index) const { return results_[index]; }

  /// The task of `slot` has ended (reaped, its pipes closed): its result from what the kernel
  /// said of it.
  void record_end(const Slot& slot);
  /// The run's stop reached the task of `slot`, for `reason`: it is a victim, not a failure,
  /// when it still ran and no stop of its own was under way. True when it was marked.
  bool mark_victim(const Slot& slot, StopReason reason);
  /// The task failed and has attempts left: whether it may run again.
  bool may_retry(std::size_t index) const;
  /// Task `index` is forked again: its last attempt's times go to the totals, and its result
  /// becomes that of the new attempt.
  void next_attempt(std::size_t index);
  /// The run was stopped for `reason` at `t` (the first stop is kept).
  void stopped(StopReason reason, Duration t);
  bool any_failed() const;
  /// The summary, for a run that lasted `wall` and ends with `status`.
  SummaryEvent summary(Duration wall, int status) const;

 private:
  const std::vector<Task>& tasks_;
  pid_t parent_pid_;
  std::vector<TaskResult> results_;
  // Each task's CPU time in its last attempt: wait4's user + system, or what the scheduler was
  // seen to give its processes when that is more (what it did not wait for).
  std::vector<Duration> task_cpu_;
  Duration retried_task_cpu_{0};
  Duration retried_wall_{0};  // of attempts that failed and were run again
  Duration retried_cpu_{0};
  Duration retried_sequential_{0};  // their wall less their CPU wait
  Duration retried_wait_{0};
  bool retried_upper_bound_ = false;  // the wait of one of them is unknown, or known in part
  StopReason stop_reason_ = StopReason::kNone;  // what stopped the run first
  Duration stopped_at_{0};
};

}  // namespace mtask::detail
