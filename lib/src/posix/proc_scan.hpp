#pragma once
// Reading other processes' /proc entries with fixed buffers only, so that a process forked
// from mtask (the guardian) can use them: nothing here allocates.

#include <sys/types.h>

#include <cstddef>
#include <span>
#include <string_view>

namespace mtask::posix {

/// Looks in the environment of process `pid` (/proc/PID/environ, as the process was started)
/// for an entry that begins with `prefix`; copies what follows the prefix, up to the entry's
/// end, into `value` (cut short if it does not fit) and returns its size. -1 when there is no
/// such entry or the environment cannot be read (a zombie, another user's process, a setuid
/// program). `buffer` holds pieces of the environment; an entry longer than it is skipped.
/// Async-signal-safe.
std::ptrdiff_t find_in_environ(pid_t pid, std::string_view prefix, std::span<char> buffer,
                               std::span<char> value) noexcept;

/// Calls `visit(pid)` for every process in /proc, reading the directory with getdents64 into
/// `buffer`. False when /proc cannot be read. Async-signal-safe if `visit` is.
bool for_each_process(std::span<char> buffer, void (*visit)(pid_t pid, void* context),
                      void* context) noexcept;

/// What /proc/PID/stat tells of a process.
struct ProcStat {
  char state = '?';         ///< R, S, D, T, Z, X, ...
  pid_t ppid = -1;          ///< its parent
  pid_t pgrp = -1;          ///< its process group
  unsigned long flags = 0;  ///< the kernel's PF_* flags
  int processor = -1;       ///< the CPU it last ran on; -1 when the line does not say
};

/// Reads /proc/PID/stat into `stat`. False when it cannot be read or parsed (the process is
/// gone, or no /proc). Async-signal-safe.
bool read_stat(pid_t pid, ProcStat& stat) noexcept;

/// Parses the decimal number at the start of `text` (no sign); -1 when there is none.
long parse_decimal(std::string_view text) noexcept;

}  // namespace mtask::posix
