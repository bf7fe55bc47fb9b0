#pragma once

#include <sys/types.h>

#include <vector>

namespace mtask::posix {

/// Appends to `children` the children of process `pid`, forked by any of its threads, from
/// /proc/PID/task/TID/children. False when the main thread's cannot be read: the process is
/// gone, or the kernel does not give the file.
bool read_children(pid_t pid, std::vector<pid_t>& children);

}  // namespace mtask::posix
