#pragma once

#include <sys/resource.h>

#include <cstddef>
#include <string>

namespace mtask::detail {

/// How many threads this process has now (from /proc/self/status); 0 when it cannot tell.
std::size_t thread_count();

/// Names the system limit behind a failed fork or pipe (EAGAIN, ENOMEM, EMFILE, ENFILE), with
/// its current value where there is one, e.g. "the limit on open files (RLIMIT_NOFILE = 64)";
/// the plain error text for anything else.
std::string describe_limit(int error);

/// Raises the soft limit on open descriptors to the hard one, best effort, and
/// returns the soft limit as it was, for the children to get back before they run their task.
rlim_t raise_fd_limit();

}  // namespace mtask::detail
