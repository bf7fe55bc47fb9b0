#pragma once
// What the scheduler says of one task's processes: its own, read when its exit is noticed,
// and its descendants', seen while it runs (docs/design.md, "Taking turns on the CPU").

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <unordered_map>
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
  /// The other processes of its group (what its command started) still there at the last look,
  /// as last seen. One that is gone or left the group is dropped from it at the look that
  /// misses it (never read again), its last figures kept in `finished`.
  std::vector<ProcessCpu> descendants{};
  /// The sum of the last figures of the descendants no longer there.
  posix::SchedStat finished{};
  // The CPU sampler's (only when sampling): what each process had at the last sample.
  std::vector<ProcessCpu> sampled{};
  TimePoint sampled_at{};

  /// Keeps `stat` as the latest of descendant `pid`.
  void seen(pid_t pid, const posix::SchedStat& stat);
  /// A look at the task's processes begins: what `seen` does not tell of before `look_done`
  /// is gone.
  void look_begins() { ++look_; }
  /// The look is over: the descendants it did not see are finished.
  void look_done();
  /// The CPU time its processes were seen to use: its own and every descendant's.
  Duration on_cpu() const;

 private:
  std::uint64_t look_ = 0;
  std::unordered_map<pid_t, std::size_t> where_{};  // pid -> position in descendants
  std::vector<std::uint64_t> seen_at_{};            // the look each descendant was last seen in
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
