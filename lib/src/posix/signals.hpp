#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstddef>
#include <system_error>

namespace mtask::detail {

/// For the length of a run: SIGINT, SIGTERM, SIGHUP, SIGCHLD, the job-control signals SIGTSTP,
/// SIGTTIN, SIGTTOU (and SIGWINCH if asked) are blocked and caught by handlers that only record
/// them, and SIGPIPE is ignored (a closed stdout shows up as EPIPE). The signals are unblocked
/// only inside ppoll() with wait_mask(), so none can arrive between a check and a wait, and no
/// read or write ever sees EINTR. A stop or job-control signal the caller ignores (`nohup`) is
/// left ignored, neither caught nor blocked. Restores everything on destruction.
/// One at a time per process; throws std::system_error if a call to set it up fails.
class SignalGuard {
 public:
  /// `catch_resize`: SIGWINCH is caught too (see take_resized()).
  explicit SignalGuard(bool catch_resize = false);
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
  ~SignalGuard();

  /// The mask to wait with: the caller's mask with the caught signals let through.
  const sigset_t& wait_mask() const { return wait_mask_; }
  /// The mask a child restores before it runs its task: the caller's, as it was.
  const sigset_t& child_mask() const { return caller_mask_; }

  /// The last stop signal (SIGINT, SIGTERM, SIGHUP) received, or 0; and how many arrived
  /// (each handler blocks the other stop signals, so none is lost from the count).
  int stop_signal() const;
  int stop_count() const;
  /// True when SIGCHLD arrived since the last call.
  bool take_child_exited();
  /// True when SIGCHLD is pending (blocked outside the wait, not yet taken): a child ended
  /// since the loop last waited. Also true when that cannot be asked.
  static bool child_exit_pending();
  /// The job-control signal (SIGTSTP, SIGTTIN, SIGTTOU) received since the last call, or 0:
  /// the run is to pause (docs/design.md, "Job control"). One ignored on entry is never caught.
  int take_job_stop();
  /// True when SIGWINCH (a terminal window resized) arrived since the last call; always false
  /// unless the guard was made to catch it.
  bool take_resized();

 private:
  void restore(std::size_t installed) noexcept;

  sigset_t ours_{};  // the signals caught (or, SIGPIPE, ignored) by the guard
  sigset_t caller_mask_{};
  sigset_t wait_mask_{};
  struct sigaction old_actions_[9]{};
};

/// In a child right after fork: every signal back to SIG_DFL but those the caller of mtask
/// ignored when the current SignalGuard was made (except SIGCHLD), which stay ignored as a
/// shell's children's do; then the given mask. Only the signals whose disposition is not
/// already that are set: those the guard handles and those the caller had a handler for when
/// the guard was made (learnt then, once).
void reset_signals_in_child(const sigset_t& mask) noexcept;

/// fork() with every signal blocked across it, so that the child runs no handler of the
/// parent's before it has reset them (reset_signals_in_child). The parent gets its own mask
/// back; the child returns with every signal blocked. Returns what fork() returns; on failure
/// `error` holds why.
pid_t fork_with_signals_blocked(std::error_code& error) noexcept;

}  // namespace mtask::detail
