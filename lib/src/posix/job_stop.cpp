#include "posix/job_stop.hpp"

#include <signal.h>

#include <cerrno>

namespace mtask::detail {

std::error_code stop_this_process(int sig) noexcept {
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  struct sigaction ours {};
  if (sigaction(sig, &default_action, &ours) != 0) return {errno, std::generic_category()};
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  // Raised while blocked, it is pending; unblocking delivers it before pthread_sigmask returns,
  // so the process stops right there (or the kernel drops the stop in an orphaned group).
  int rc = raise(sig) == 0 ? pthread_sigmask(SIG_UNBLOCK, &only, nullptr) : errno;
  if (const int back = pthread_sigmask(SIG_BLOCK, &only, nullptr); rc == 0) rc = back;
  if (sigaction(sig, &ours, nullptr) != 0 && rc == 0) rc = errno;
  return {rc, std::generic_category()};
}

}  // namespace mtask::detail
