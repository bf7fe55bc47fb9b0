#include "run/retry_queue.hpp"

namespace mtask::detail {

void RetryQueue::add(std::size_t index, TimePoint now) {
  waiting_.push_back(Waiting{index, now + delay_});
}

std::optional<std::size_t> RetryQueue::due(TimePoint now) const {
  if (waiting_.empty() || waiting_.front().due > now) return std::nullopt;
  return waiting_.front().index;
}

std::vector<std::size_t> RetryQueue::cancel() {
  std::vector<std::size_t> cancelled;
  cancelled.reserve(waiting_.size());
  for (const Waiting& w : waiting_) cancelled.push_back(w.index);
  waiting_.clear();
  return cancelled;
}

TimePoint RetryQueue::deadline() const {
  // In line by due time: the first not yet due is the next deadline. A past one would make
  // every wait a mere look while the task waits for a slot.
  const TimePoint now = Clock::now();
  for (const Waiting& w : waiting_) {
    if (w.due > now) return w.due;
  }
  return kNever;
}

void RetryQueue::resume(TimePoint now) {
  const auto paused = now - paused_at_;
  for (Waiting& w : waiting_) w.due += paused;
}

}  // namespace mtask::detail
