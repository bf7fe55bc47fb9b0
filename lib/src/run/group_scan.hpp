#pragma once

#include <vector>

#include "run/children.hpp"
#include "run/loop.hpp"

namespace mtask::detail {

/// While command tasks run, looks every 100 ms for the processes in their process groups
/// (what their commands started: a shell does not always exec its last command) and keeps
/// each one's latest scheduler accounting in its task's slot, so that a task's CPU wait counts
/// its descendants' too (docs/design.md, "Taking turns on the CPU"). Runs no scan while no
/// command task runs.
class GroupScan final : public Source {
 public:
  explicit GroupScan(Children& children) : children_(children) {}

  TimePoint deadline() const override;
  void expire(TimePoint now) override;

 private:
  bool commands_running() const;
  void scan();

  Children& children_;
  TimePoint next_ = kNever;
  std::vector<char> buffer_;
};

}  // namespace mtask::detail
