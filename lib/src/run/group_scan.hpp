#pragma once

#include <unistd.h>

#include <vector>

#include "run/children.hpp"
#include "run/loop.hpp"

namespace mtask::detail {

/// While command tasks run, looks every 100 ms for the processes in their process groups
/// (what their commands started: a shell does not always exec its last command), down each
/// task's tree of processes and what mtask adopted of it (or, where the kernel cannot tell a
/// process's children, through the whole of /proc), and keeps each one's latest scheduler
/// accounting in its task's slot, so that a task's CPU wait counts its descendants' too
/// (docs/design.md, "Taking turns on the CPU"). Runs no scan while no command task runs.
class GroupScan final : public Source {
 public:
  explicit GroupScan(Children& children) : children_(children), self_(getpid()) {}

  TimePoint deadline() const override;
  void expire(TimePoint now) override;

 private:
  bool commands_running() const;
  void scan();
  /// Follows the children of the task's process (of each of its threads) down its tree; false
  /// when the kernel does not say a process's children.
  bool scan_tree(Slot& slot);
  /// Follows `pending_` and what it started, keeping those in the task's group.
  void walk(Slot& slot);
  /// Follows what mtask adopted (orphans of the tasks' trees) that is still in a task's group.
  void scan_adopted();
  /// Looks at every process in /proc for those in a task's group.
  void scan_all();

  Children& children_;
  pid_t self_;
  TimePoint next_ = kNever;
  bool trees_ = true;  // children can be read (/proc/PID/task/TID/children)
  std::vector<pid_t> pending_;
  std::vector<pid_t> roots_;
  std::vector<char> buffer_;
};

}  // namespace mtask::detail
