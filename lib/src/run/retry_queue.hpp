#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

#include "mtask/grammar/duration.hpp"
#include "run/loop.hpp"

namespace mtask::detail {

/// The tasks whose failed attempt is to run again (--retries), each due `delay` after that
/// attempt ended (docs/tasks.md, "Retries"). A source of the loop: its deadline wakes the run
/// when the next one comes due; no thread sleeps. A task that is due waits for a -j slot ahead
/// of the tasks not yet started. The delay is the same for every task, so the queue stays in
/// the order the tasks are due.
class RetryQueue final : public Source {
 public:
  explicit RetryQueue(Duration delay) : delay_(delay) {}

  /// Task `index` failed at `now` and runs again once the delay has passed.
  void add(std::size_t index, TimePoint now);
  bool empty() const { return waiting_.empty(); }
  /// The task first in line, when it is due at `now`; it stays in line until pop().
  std::optional<std::size_t> due(TimePoint now) const;
  /// The task first in line has been started again.
  void pop() { waiting_.pop_front(); }
  /// The run stops: no task runs again. Returns the tasks that were waiting, in line.
  std::vector<std::size_t> cancel();

  /// When the first task not yet due comes due (one already due waits for a slot, which
  /// the end of a running task frees: that wakes the loop by itself).
  TimePoint deadline() const override;
  /// The run is stopped (job control) from `now` until resume(): the delays stand still.
  void pause(TimePoint now) { paused_at_ = now; }
  /// The run goes on at `now`: every due time moves by the time spent paused.
  void resume(TimePoint now);

 private:
  struct Waiting {
    std::size_t index;
    TimePoint due;
  };
  Duration delay_;
  std::deque<Waiting> waiting_;
  TimePoint paused_at_{};
};

}  // namespace mtask::detail
