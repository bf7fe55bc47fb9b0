#include "run/ready_deadlines.hpp"

#include <algorithm>

namespace mtask::detail {

void ReadyDeadlines::cancel(std::size_t index) {
  std::erase_if(entries_, [index](const auto& e) { return e.first == index; });
}

void ReadyDeadlines::resume(TimePoint now) {
  if (paused_at_ == kNever) return;
  const auto paused = now - paused_at_;
  for (auto& entry : entries_) entry.second += paused;
  paused_at_ = kNever;
}

TimePoint ReadyDeadlines::deadline() const {
  TimePoint next = kNever;
  for (const auto& entry : entries_) next = std::min(next, entry.second);
  return next;
}

void ReadyDeadlines::expire(TimePoint now) {
  if (paused_at_ != kNever) return;
  std::vector<std::size_t> due;
  for (const auto& entry : entries_) {
    if (entry.second <= now) due.push_back(entry.first);
  }
  // Each is told once: taken out before the run hears of it (it may stop the task).
  for (const std::size_t index : due) {
    cancel(index);
    expired_(index, now);
  }
}

}  // namespace mtask::detail
