#pragma once

#include "mtask/events.hpp"
#include "run/children.hpp"
#include "run/output_queues.hpp"
#include "run/readiness.hpp"
#include "run/retry_queue.hpp"
#include "run/task_timers.hpp"

namespace mtask::detail {

/// Ctrl-Z for a run whose tasks each have a session of their own, out of reach of the
/// terminal's signals (docs/design.md, "Job control"): the run stops as one job and goes on as
/// one.
class JobControl {
 public:
  JobControl(const Children& children, TaskTimers& timers, RetryQueue& retries,
             Readiness& readiness, OutputQueues& queues, EventSink& sink)
      : children_(children),
        timers_(timers),
        retries_(retries),
        readiness_(readiness),
        queues_(queues),
        sink_(sink) {}

  /// `sig` (SIGTSTP, SIGTTIN or SIGTTOU) came: stops the group of every task not yet reaped
  /// (SIGSTOP), pauses the tasks' clocks (and the output queues'), then stops mtask itself as `sig`
  /// would. Returns once mtask is continued (or at once, when the kernel drops the stop: an
  /// orphaned group), after continuing every group it stopped and moving the clocks on by the time
  /// stopped.
  void stop_and_resume(int sig);

 private:
  const Children& children_;
  TaskTimers& timers_;
  RetryQueue& retries_;   ///< a retry's delay stands still too
  Readiness& readiness_;  ///< so do the probes
  OutputQueues& queues_;  ///< their readers' clocks pause too
  EventSink& sink_;
};

}  // namespace mtask::detail
