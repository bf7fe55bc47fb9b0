#pragma once

#include <signal.h>
#include <sys/types.h>

#include <system_error>

namespace mtask::detail {

/// For the length of a run: SIGINT, SIGTERM, SIGHUP and SIGCHLD are blocked and caught by
/// handlers that only record them, and SIGPIPE is ignored (a closed stdout shows up as EPIPE).
/// The signals are unblocked only inside ppoll() with wait_mask(), so none can arrive between
/// a check and a wait, and no read or write ever sees EINTR. Restores everything on
/// destruction. One at a time per process.
class SignalGuard {
 public:
  SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
  ~SignalGuard();

  /// The mask to wait with: the caller's mask with the caught signals let through.
  const sigset_t& wait_mask() const { return wait_mask_; }
  /// The mask a child restores before it runs its task: the caller's, as it was.
  const sigset_t& child_mask() const { return caller_mask_; }

  /// The last stop signal (SIGINT, SIGTERM, SIGHUP) received, or 0; and how many arrived.
  int stop_signal() const;
  int stop_count() const;
  /// True when SIGCHLD arrived since the last call.
  bool take_child_exited();

 private:
  sigset_t caller_mask_{};
  sigset_t wait_mask_{};
  struct sigaction old_actions_[5]{};
};

/// In a child right after fork: every handler back to SIG_DFL, then the given mask.
void reset_signals_in_child(const sigset_t& mask) noexcept;

/// fork() with every signal blocked across it, so that the child runs no handler of the
/// parent's before it has reset them (reset_signals_in_child). The parent gets its own mask
/// back; the child returns with every signal blocked. Returns what fork() returns; on failure
/// `error` holds why.
pid_t fork_with_signals_blocked(std::error_code& error) noexcept;

}  // namespace mtask::detail
