#include "run/wait_status.hpp"

#include <sys/wait.h>

namespace mtask::detail {

Ending decode_wait_status(int status) {
  Ending ending;
  if (WIFSIGNALED(status)) {
    ending.outcome = Outcome::kSignaled;
    ending.signal = WTERMSIG(status);
  } else {
    ending.outcome = Outcome::kExited;
    ending.code = WEXITSTATUS(status);
  }
  return ending;
}

}  // namespace mtask::detail
