#include "run/group_scan.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "posix/proc_children.hpp"
#include "posix/proc_scan.hpp"
#include "posix/schedstat.hpp"

namespace mtask::detail {
namespace {

constexpr auto kScanEvery = std::chrono::milliseconds(100);
constexpr std::size_t kBufferSize = 32 * 1024;

/// Whether `slot` is a command task whose processes are still there to be seen.
bool scanned(const Slot& slot) { return slot.task.is_command() && !slot.exited; }

}  // namespace

bool GroupScan::commands_running() const {
  const auto& running = children_.running();
  return std::any_of(running.begin(), running.end(), [](const auto& s) { return scanned(*s); });
}

TimePoint GroupScan::deadline() const {
  if (!commands_running()) return kNever;
  // A command task that started since the last round: its first look is a period away.
  return next_ == kNever ? Clock::now() + kScanEvery : next_;
}

void GroupScan::expire(TimePoint now) {
  if (!commands_running()) {
    next_ = kNever;
    return;
  }
  if (next_ == kNever) {
    next_ = now + kScanEvery;
    return;
  }
  if (now < next_) return;
  scan();
  next_ = now + kScanEvery;
}

void GroupScan::scan() {
  for (const auto& slot : children_.running()) {
    if (scanned(*slot)) slot->cpu.look_begins();
  }
  // Following each task's tree of processes costs a few reads per process of the task; the
  // whole of /proc, one read per process of the machine, only where the tree cannot be read.
  if (trees_) {
    for (const auto& slot : children_.running()) {
      if (scanned(*slot) && !scan_tree(*slot)) trees_ = false;
    }
    if (trees_) scan_adopted();
  }
  if (!trees_) scan_all();
  // What a look did not find is gone or left its task's group: it is never read again.
  for (const auto& slot : children_.running()) {
    if (scanned(*slot)) slot->cpu.look_done();
  }
}

bool GroupScan::scan_tree(Slot& slot) {
  pending_.clear();
  if (!posix::read_children(slot.pid, pending_)) return false;
  walk(slot);
  return true;
}

void GroupScan::walk(Slot& slot) {
  // Breadth first; a process that left the task's group (and what it started) is not its.
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    const pid_t pid = pending_[i];
    posix::ProcStat stat;
    if (!posix::read_stat(pid, stat) || stat.pgrp != slot.pid) continue;
    if (const auto sched = posix::read_schedstat(pid)) slot.cpu.seen(pid, *sched);
    posix::read_children(pid, pending_);
  }
}

void GroupScan::scan_adopted() {
  // Orphans of a task's tree are mtask's children (it is their subreaper): those still in a
  // task's group are the task's. Looked at after the trees: a process orphaned while they
  // were followed is here then.
  roots_.clear();
  if (!posix::read_children(self_, roots_)) return;
  for (const pid_t pid : roots_) {
    posix::ProcStat stat;
    if (!posix::read_stat(pid, stat) || stat.pgrp <= 0 || stat.pgrp == pid) continue;
    for (const auto& slot : children_.running()) {
      if (slot->pid != stat.pgrp || !scanned(*slot)) continue;
      pending_.assign(1, pid);
      walk(*slot);
      break;
    }
  }
}

void GroupScan::scan_all() {
  if (buffer_.empty()) buffer_.resize(kBufferSize);
  posix::for_each_process(
      buffer_,
      [](pid_t pid, void* context) {
        const auto& running = static_cast<GroupScan*>(context)->children_.running();
        posix::ProcStat stat;
        if (!posix::read_stat(pid, stat) || stat.pgrp <= 0 || stat.pgrp == pid) return;
        // A task's pid is its group's id, pinned while the task is unreaped.
        for (const auto& slot : running) {
          if (slot->pid != stat.pgrp || !scanned(*slot)) continue;
          if (const auto sched = posix::read_schedstat(pid)) slot->cpu.seen(pid, *sched);
          return;
        }
      },
      this);
}

}  // namespace mtask::detail
