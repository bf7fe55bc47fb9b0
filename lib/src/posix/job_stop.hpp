#pragma once

#include <system_error>

namespace mtask::detail {

/// Stops this process as the default action of `sig` (SIGTSTP, SIGTTIN or SIGTTOU) would, and
/// returns once it is continued: the caller's handler for `sig` is set aside, `sig` is raised
/// and let through alone, then handler and mask come back as they were. In an orphaned process
/// group the kernel discards such a stop, since no job-control shell is left to continue the
/// process: then this returns at once, without stopping (docs/design.md, "Job control").
/// `sig` must be blocked on entry. Returns the error of a call that failed (nothing stopped).
std::error_code stop_this_process(int sig) noexcept;

}  // namespace mtask::detail
