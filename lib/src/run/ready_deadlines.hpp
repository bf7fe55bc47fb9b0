#pragma once

#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

#include "run/loop.hpp"

namespace mtask::detail {

/// The ready timeouts no probe watches: a task whose probe is "exit" and that gives a
/// ready_timeout of its own must have exited 0 by then (docs/smoke.md). A source of the run's
/// loop; its clocks stand still while the run is stopped by job control.
class ReadyDeadlines final : public Source {
 public:
  /// Hears each task whose deadline passed, once.
  using Expired = std::function<void(std::size_t index, TimePoint now)>;

  explicit ReadyDeadlines(Expired expired) : expired_(std::move(expired)) {}

  /// Task `index` must be ready by `at`.
  void add(std::size_t index, TimePoint at) { entries_.push_back({index, at}); }
  /// Task `index` is ready or has ended: its deadline goes.
  void cancel(std::size_t index);
  /// The run is stopped (job control) from `now` until resume().
  void pause(TimePoint now) { paused_at_ = now; }
  /// The run goes on at `now`: every deadline moves by the time spent paused.
  void resume(TimePoint now);

  TimePoint deadline() const override;
  void expire(TimePoint now) override;

 private:
  std::vector<std::pair<std::size_t, TimePoint>> entries_;
  TimePoint paused_at_ = kNever;
  Expired expired_;
};

}  // namespace mtask::detail
