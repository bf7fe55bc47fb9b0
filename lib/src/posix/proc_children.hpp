#pragma once

#include <sys/types.h>

#include <vector>

namespace mtask::posix {

/// Appends to `children` the children of process `pid` (forked by its main thread), from
/// /proc/PID/task/PID/children. False when that cannot be read: the process is gone, or the
/// kernel does not give the file.
bool read_children(pid_t pid, std::vector<pid_t>& children);

}  // namespace mtask::posix
