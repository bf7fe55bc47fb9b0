#pragma once
// What the scheduler says of one task's processes: its own, read when its exit is noticed,
// and its descendants', seen while it runs (docs/design.md, "Taking turns on the CPU").

#include <sys/types.h>

#include <optional>
#include <vector>

#include "mtask/grammar/duration.hpp"
#include "posix/schedstat.hpp"
#include "run/loop.hpp"

namespace mtask::detail {

/// One process's accounting as last read.
struct ProcessCpu {
  pid_t pid = -1;
  posix::SchedStat stat{};
  int processor = -1;  ///< the CPU it last ran on, when read (the sampler's)
  /// Its CPU time by its own CPU clock, when the sampler could read it (unset: it could not).
  std::optional<Duration> clock{};
};

/// A task's accounting while it runs and at its end. Held in its slot.
struct TaskCpu {
  /// Its own process's, read when its exit was noticed (a zombie then); unset when unreadable.
  std::optional<posix::SchedStat> own{};
  int own_processor = -1;  ///< the CPU its own process last ran on, read with `own`
  /// The other processes of its group (what its command started), as last seen.
  std::vector<ProcessCpu> descendants{};
  // The CPU sampler's (only when sampling): what each process had at the last sample.
  std::vector<ProcessCpu> sampled{};
  TimePoint sampled_at{};

  /// Keeps `stat` as the latest of descendant `pid`.
  void seen(pid_t pid, const posix::SchedStat& stat);
};

/// A task's CPU wait from its accounting: unset when unknown; `partial` when the CPU time its
/// processes used (wait4's user + system) exceeds the CPU time seen in the accounting by more
/// than max(10 ms, 10 %): some of its processes were not seen, and their wait is unknown.
struct CpuWait {
  std::optional<Duration> wait{};
  bool partial = false;
};
CpuWait measure_wait(const TaskCpu& cpu, Duration used);

}  // namespace mtask::detail
