#pragma once
// A process's CPU time as its own CPU clock tells it: exact at the moment it is read, the
// slice it is running now included (docs/design.md, "Taking turns on the CPU").

#include <sys/types.h>

#include <optional>

#include "mtask/grammar/duration.hpp"

namespace mtask::posix {

/// The CPU time process `pid` (all its threads) has used so far, from clock_getcpuclockid and
/// clock_gettime. Unset when it cannot be read (the process is gone, or no such clock).
std::optional<Duration> read_cpu_clock(pid_t pid) noexcept;

}  // namespace mtask::posix
