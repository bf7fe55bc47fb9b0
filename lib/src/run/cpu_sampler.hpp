#pragma once

#include <vector>

#include "mtask/events.hpp"
#include "run/children.hpp"
#include "run/loop.hpp"

namespace mtask::detail {

/// Samples how each running task uses the CPU, every RunOptions::sample_every (0: never): per
/// task and tick one CpuSampleEvent with what its processes (its own and the descendants the
/// group scan found) ran and waited since the last sample, and the CPU of the one that ran
/// most. Running time comes from each process's CPU clock, waiting from its state at the tick.
/// Only when a view asks for it (docs/design.md, "Taking turns on the CPU").
class CpuSampler final : public Source {
 public:
  CpuSampler(Children& children, EventSink& sink, Duration every)
      : children_(children), sink_(sink), every_(every) {}

  void set_start(TimePoint start) { start_ = start; }
  TimePoint deadline() const override;
  void expire(TimePoint now) override;
  /// The task of `slot` has ended: its last stretch, up to its exit, from what was read then.
  void last(Slot& slot);

 private:
  void sample(Slot& slot, TimePoint now);
  void give(Slot& slot, TimePoint to, Duration running, Duration waiting, int cpu);

  Children& children_;
  EventSink& sink_;
  Duration every_;
  TimePoint start_{};
  TimePoint next_ = kNever;
  std::vector<ProcessCpu> scratch_;  ///< the processes of the sample being taken
};

}  // namespace mtask::detail
