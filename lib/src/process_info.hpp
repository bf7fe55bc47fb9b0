#pragma once

#include <cstddef>

namespace mtask::detail {

/// How many threads this process has now (from /proc/self/status); 0 when it cannot tell.
std::size_t thread_count();

/// Raises the soft limit on open descriptors to the hard one (SPEC 4.8). Best effort.
void raise_fd_limit();

}  // namespace mtask::detail
