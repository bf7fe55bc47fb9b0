#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "mtask/grammar/duration.hpp"
#include "mtask/queued_output.hpp"
#include "run/loop.hpp"

namespace mtask::detail {

/// The source that writes mtask's queued output (its stdout and stderr on a pipe or terminal)
/// when the reader is ready, so that the run never waits in write() (docs/design.md, "When
/// nobody reads"). While a queue is long, the tasks' pipes wait (backed_up()): memory stays
/// bounded. Once a stop is under way, a reader that takes nothing for `patience` loses the
/// rest of its output, so the stop ends however the reader behaves.
class OutputQueues final : public Source {
 public:
  OutputQueues(const std::vector<QueuedOutput*>& outputs, Duration patience);

  void watch(PollSet& set) override;
  void ready(std::size_t token, short revents) override;
  TimePoint deadline() const override;
  void expire(TimePoint now) override;

  /// True while a queue holds so much that the tasks' pipes should not be read.
  bool backed_up() const;
  /// True when nothing is queued anywhere.
  bool empty() const;
  /// A stop began at `now` (signal, --fail-fast, a task's timeout): from then on a queue whose
  /// reader takes nothing for the patience is dropped. Later calls change nothing.
  void lose_patience(TimePoint now);
  bool patient() const { return patient_; }
  /// The run was stopped (Ctrl-Z) for `stopped_for` and goes on: the readers' clocks move on
  /// by as much, so that the time stopped does not count against their patience.
  void resume(Duration stopped_for);

 private:
  /// When output `i` is dropped if its reader takes nothing more (once impatient).
  TimePoint give_up_at(std::size_t i) const {
    return std::max(progress_[i], impatient_since_) + patience_;
  }

  std::vector<QueuedOutput*> outputs_;
  std::vector<TimePoint> progress_;  // per output: when its reader last took something
  Duration patience_;
  bool patient_ = true;
  TimePoint impatient_since_{};
};

}  // namespace mtask::detail
