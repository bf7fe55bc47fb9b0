#pragma once

#include "run/children.hpp"
#include "run/loop.hpp"
#include "run/task_pipes.hpp"

namespace mtask::detail {

/// The source of the tasks' deadlines: each task's StopPolicy (its timeout, the grace after
/// it was reaped, the steps of a stop); when a stop reaches its end, reading the task's
/// pipes is given up. While the run is stopped by job control, every one of these clocks
/// stands still.
class TaskTimers final : public Source {
 public:
  TaskTimers(const Children& children, TaskPipes& pipes) : children_(children), pipes_(pipes) {}

  TimePoint deadline() const override;
  void expire(TimePoint now) override;
  /// The run is stopped (job control): no task's clock runs from `now` until resume().
  void pause(TimePoint now);
  /// The run goes on at `now`: every task's deadlines move by the time spent paused.
  void resume(TimePoint now);

 private:
  const Children& children_;
  TaskPipes& pipes_;
};

}  // namespace mtask::detail
