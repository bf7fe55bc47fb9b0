#include "run/task_timers.hpp"

#include <algorithm>

#include "run/log.hpp"

namespace mtask::detail {

TimePoint TaskTimers::deadline() const {
  TimePoint next = kNever;
  for (const auto& slot : children_.running()) next = std::min(next, slot->stop.deadline());
  return next;
}

void TaskTimers::expire(TimePoint now) {
  for (const auto& slot : children_.running()) {
    if (!slot->stop.expire(now)) continue;
    // Killed, yet a pipe is still held open (by something outside the group): stop reading.
    log().info(
        "task '{}' (pid {}): its output is still held open after SIGKILL; no longer "
        "read",
        slot->task.name, slot->pid);
    pipes_.give_up(*slot);
  }
}

void TaskTimers::pause(TimePoint now) {
  for (const auto& slot : children_.running()) slot->stop.pause(now);
}

void TaskTimers::resume(TimePoint now) {
  for (const auto& slot : children_.running()) slot->stop.resume(now);
}

}  // namespace mtask::detail
