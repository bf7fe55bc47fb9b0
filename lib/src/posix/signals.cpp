#include "posix/signals.hpp"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <system_error>

namespace mtask::detail {
namespace {

constexpr int kCaught[] = {SIGINT,   SIGTERM, SIGHUP,  SIGCHLD, SIGPIPE,
                           SIGWINCH, SIGTSTP, SIGTTIN, SIGTTOU};
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

volatile sig_atomic_t g_stop_signal = 0;
volatile sig_atomic_t g_stop_count = 0;
volatile sig_atomic_t g_child_exited = 0;
volatile sig_atomic_t g_resized = 0;
volatile sig_atomic_t g_job_stop = 0;
bool g_active = false;
// The signals the caller ignored when the guard was made: a child keeps them ignored.
sigset_t g_ignored_on_entry;
// The signals a child must set back (docs/design.md, "The child"): those the guard handles and
// those the caller had a handler for. Every other one already has the disposition the child
// needs (the default, or ignored as the caller had it), so the child spends no call on it.
int g_reset_in_child[NSIG];
int g_reset_count = 0;

// Runs with the other stop signals blocked (its sa_mask), so the count cannot lose one.
extern "C" void on_stop_signal(int sig) {
  g_stop_signal = sig;
  g_stop_count = g_stop_count + 1;
}

extern "C" void on_child_signal(int) { g_child_exited = 1; }

extern "C" void on_resize_signal(int) { g_resized = 1; }

// Job control: each asks the whole run to pause (docs/design.md, "Job control").
extern "C" void on_job_signal(int sig) { g_job_stop = sig; }

bool is_stop_signal(int sig) { return sig == SIGINT || sig == SIGTERM || sig == SIGHUP; }

bool is_job_signal(int sig) { return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

[[noreturn]] void fail(int error, const char* what) {
  throw std::system_error(error, std::generic_category(), what);
}

/// What the caller does with each signal now: `ignored`, every signal it ignores but SIGCHLD
/// (mtask must catch it, and a task that inherited it ignored would have its children reaped
/// behind its back); `handled`, every signal it has a handler for.
void dispositions_now(sigset_t& ignored, sigset_t& handled) {
  sigemptyset(&ignored);
  sigemptyset(&handled);
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction current {};
    if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, nullptr, &current) != 0) continue;
    if (current.sa_handler == SIG_IGN) {
      if (sig != SIGCHLD) sigaddset(&ignored, sig);
    } else if (current.sa_handler != SIG_DFL) {
      sigaddset(&handled, sig);
    }
  }
}

/// Lists what a child resets: every signal in `ours` or `handled`.
void list_resets(const sigset_t& ours, const sigset_t& handled) {
  g_reset_count = 0;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sigismember(&ours, sig) == 1 || sigismember(&handled, sig) == 1) {
      g_reset_in_child[g_reset_count++] = sig;
    }
  }
}

struct sigaction action_for(int sig) {
  struct sigaction action {};
  sigemptyset(&action.sa_mask);
  if (sig == SIGPIPE) {
    action.sa_handler = SIG_IGN;
  } else if (sig == SIGWINCH) {
    action.sa_handler = on_resize_signal;
  } else if (sig == SIGCHLD) {
    action.sa_handler = on_child_signal;
    action.sa_flags = 0;  // a task stopped by a signal wakes the loop too (it is reported)
  } else if (is_job_signal(sig)) {
    action.sa_handler = on_job_signal;
  } else {
    action.sa_handler = on_stop_signal;
    for (int stop : kStopSignals) sigaddset(&action.sa_mask, stop);
  }
  return action;
}

}  // namespace

SignalGuard::SignalGuard(bool catch_resize) {
  if (g_active) throw std::logic_error("only one run at a time per process");
  g_stop_signal = 0;
  g_stop_count = 0;
  g_child_exited = 0;
  g_resized = 0;
  g_job_stop = 0;

  // A stop signal the caller ignores (`nohup`, a script's `cmd &`) stays ignored: it is
  // neither caught nor blocked, as a POSIX shell does (docs/reliability.md).
  sigset_t ignored;
  sigset_t handled;
  dispositions_now(ignored, handled);
  sigemptyset(&ours_);
  for (int sig : kCaught) {
    const bool wanted = sig != SIGWINCH || catch_resize;
    const bool left_ignored = (is_stop_signal(sig) || is_job_signal(sig) || sig == SIGWINCH) &&
                              sigismember(&ignored, sig) == 1;
    if (wanted && !left_ignored) sigaddset(&ours_, sig);
  }
  if (int rc = pthread_sigmask(SIG_BLOCK, &ours_, &caller_mask_); rc != 0) {
    fail(rc, "pthread_sigmask");
  }
  wait_mask_ = caller_mask_;
  for (int sig : kCaught) {
    if (sigismember(&ours_, sig) == 1) sigdelset(&wait_mask_, sig);
  }

  for (std::size_t i = 0; i < std::size(kCaught); ++i) {
    if (sigismember(&ours_, kCaught[i]) != 1) continue;
    const struct sigaction action = action_for(kCaught[i]);
    if (sigaction(kCaught[i], &action, &old_actions_[i]) != 0) {
      const int error = errno;
      restore(i);
      fail(error, "sigaction");
    }
  }
  g_ignored_on_entry = ignored;
  list_resets(ours_, handled);
  g_active = true;
}

SignalGuard::~SignalGuard() {
  // A signal that arrived after the last wait is still pending: take it now, so that it is not
  // delivered to the caller's old disposition (which may be to terminate) once unblocked.
  const timespec zero{};
  while (sigtimedwait(&ours_, nullptr, &zero) > 0) {
  }
  restore(std::size(kCaught));
  sigemptyset(&g_ignored_on_entry);
  g_reset_count = 0;
  g_active = false;
}

void SignalGuard::restore(std::size_t installed) noexcept {
  // Nothing to do on failure here: these calls only fail for arguments that are not valid.
  for (std::size_t i = 0; i < installed; ++i) {
    if (sigismember(&ours_, kCaught[i]) == 1) sigaction(kCaught[i], &old_actions_[i], nullptr);
  }
  pthread_sigmask(SIG_SETMASK, &caller_mask_, nullptr);
}

int SignalGuard::stop_signal() const { return g_stop_signal; }
int SignalGuard::stop_count() const { return g_stop_count; }

bool SignalGuard::child_exit_pending() {
  sigset_t pending;
  if (sigemptyset(&pending) != 0 || sigpending(&pending) != 0) return true;  // look anyway
  return sigismember(&pending, SIGCHLD) == 1;
}

bool SignalGuard::take_child_exited() {
  bool exited = g_child_exited != 0;
  g_child_exited = 0;
  return exited;
}

int SignalGuard::take_job_stop() {
  const int sig = g_job_stop;
  g_job_stop = 0;
  return sig;
}

bool SignalGuard::take_resized() {
  bool resized = g_resized != 0;
  g_resized = 0;
  return resized;
}

void reset_signals_in_child(const sigset_t& mask) noexcept {
  // Only the signals listed when the guard was made: a run changes no other disposition, and
  // one call per signal was the largest part of a child's set-up (docs/performance.md).
  struct sigaction action {};
  sigemptyset(&action.sa_mask);
  for (int i = 0; i < g_reset_count; ++i) {
    const int sig = g_reset_in_child[i];
    action.sa_handler = sigismember(&g_ignored_on_entry, sig) == 1 ? SIG_IGN : SIG_DFL;
    sigaction(sig, &action, nullptr);
  }
  sigprocmask(SIG_SETMASK, &mask, nullptr);
}

pid_t fork_with_signals_blocked(std::error_code& error) noexcept {
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  if (const int rc = pthread_sigmask(SIG_SETMASK, &all, &previous); rc != 0) {
    error = std::error_code(rc, std::generic_category());
    return -1;
  }
  const pid_t pid = fork();
  if (pid == 0) return 0;
  const int fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (pid < 0) error = std::error_code(fork_errno, std::generic_category());
  return pid;
}

}  // namespace mtask::detail
