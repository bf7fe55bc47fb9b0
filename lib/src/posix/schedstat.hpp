#pragma once
// The scheduler's own accounting of how processes used the CPUs: /proc/PID/schedstat (time on
// a CPU, time ready but waiting for one) and /proc/stat (how busy each CPU was). See
// docs/design.md, "Taking turns on the CPU".

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "mtask/grammar/duration.hpp"

namespace mtask::posix {

/// What the scheduler counted for one process (its main thread) since it was forked.
struct SchedStat {
  Duration on_cpu{0};        ///< running on a CPU
  Duration waiting{0};       ///< ready to run, waiting on a run queue for a CPU
  std::uint64_t slices = 0;  ///< how many times it was given a CPU
};

/// Parses the text of /proc/PID/schedstat ("ON_CPU_NS WAITING_NS SLICES"). Unset when it is
/// not that, or all zeros (a kernel that keeps no such accounting says "0 0 0").
std::optional<SchedStat> parse_schedstat(std::string_view text) noexcept;

/// Reads /proc/PID/schedstat; unset when it cannot be read (the process is gone, no such
/// file). A zombie's is still there: what it used up to its exit.
std::optional<SchedStat> read_schedstat(pid_t pid) noexcept;
/// The same through `proc_dir`, /proc open as a directory (-1: by its path): the kernel then
/// looks up "PID/schedstat" alone, as each task's exit needs it.
std::optional<SchedStat> read_schedstat(int proc_dir, pid_t pid) noexcept;

/// Parses the text of /proc/stat: the time the CPUs in `cpus` spent busy (user, nice,
/// system, irq, softirq and steal; not idle nor iowait), in the kernel's ticks. Unset when a
/// CPU of `cpus` has no line (it is offline).
std::optional<std::uint64_t> parse_cpu_busy_ticks(std::string_view text,
                                                  const std::vector<int>& cpus);

/// Reads /proc/stat: the time the CPUs in `cpus` spent busy so far. Unset when it cannot be
/// read or a CPU is missing from it.
std::optional<Duration> read_cpu_busy(const std::vector<int>& cpus);

}  // namespace mtask::posix
