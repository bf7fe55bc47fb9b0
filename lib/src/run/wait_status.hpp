#pragma once

#include "mtask/events.hpp"

namespace mtask::detail {

/// What a wait status says of how a process ended.
struct Ending {
  Outcome outcome = Outcome::kExited;  ///< kExited or kSignaled
  int code = 0;                        ///< its exit status, when it exited
  int signal = 0;                      ///< the signal that killed it, when one did
};

/// Decodes a status from wait4/waitpid of a process that has ended: the one place the
/// runner reads W* macros.
Ending decode_wait_status(int status);

}  // namespace mtask::detail
