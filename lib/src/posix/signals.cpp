#include "posix/signals.hpp"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <system_error>

namespace mtask::detail {
namespace {

constexpr int kCaught[] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE};

volatile sig_atomic_t g_stop_signal = 0;
volatile sig_atomic_t g_stop_count = 0;
volatile sig_atomic_t g_child_exited = 0;
bool g_active = false;

extern "C" void on_stop_signal(int sig) {
  g_stop_signal = sig;
  g_stop_count = g_stop_count + 1;
}

extern "C" void on_child_signal(int) { g_child_exited = 1; }

}  // namespace

SignalGuard::SignalGuard() {
  if (g_active) throw std::logic_error("mtask: only one run at a time per process");
  g_stop_signal = 0;
  g_stop_count = 0;
  g_child_exited = 0;

  sigset_t blocked;
  sigemptyset(&blocked);
  for (int sig : kCaught) sigaddset(&blocked, sig);
  if (int rc = pthread_sigmask(SIG_BLOCK, &blocked, &caller_mask_); rc != 0) {
    throw std::system_error(rc, std::generic_category(), "pthread_sigmask");
  }
  wait_mask_ = caller_mask_;
  for (int sig : kCaught) sigdelset(&wait_mask_, sig);

  for (std::size_t i = 0; i < std::size(kCaught); ++i) {
    struct sigaction action {};
    sigemptyset(&action.sa_mask);
    if (kCaught[i] == SIGPIPE) {
      action.sa_handler = SIG_IGN;
    } else if (kCaught[i] == SIGCHLD) {
      action.sa_handler = on_child_signal;
      action.sa_flags = 0;  // a task stopped by a signal wakes the loop too (it is reported)
    } else {
      action.sa_handler = on_stop_signal;
    }
    sigaction(kCaught[i], &action, &old_actions_[i]);
  }
  g_active = true;
}

SignalGuard::~SignalGuard() {
  // A signal that arrived after the last wait is still pending: take it now, so that it is not
  // delivered to the caller's old disposition (which may be to terminate) once unblocked.
  sigset_t ours;
  sigemptyset(&ours);
  for (int sig : kCaught) sigaddset(&ours, sig);
  const timespec zero{};
  while (sigtimedwait(&ours, nullptr, &zero) > 0) {
  }
  for (std::size_t i = 0; i < std::size(kCaught); ++i) {
    sigaction(kCaught[i], &old_actions_[i], nullptr);
  }
  pthread_sigmask(SIG_SETMASK, &caller_mask_, nullptr);
  g_active = false;
}

int SignalGuard::stop_signal() const { return g_stop_signal; }
int SignalGuard::stop_count() const { return g_stop_count; }

bool SignalGuard::take_child_exited() {
  bool exited = g_child_exited != 0;
  g_child_exited = 0;
  return exited;
}

void reset_signals_in_child(const sigset_t& mask) noexcept {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    sigaction(sig, &action, nullptr);  // fails harmlessly for numbers that are not signals
  }
  sigprocmask(SIG_SETMASK, &mask, nullptr);
}

pid_t fork_with_signals_blocked(std::error_code& error) noexcept {
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  const pid_t pid = fork();
  if (pid == 0) return 0;
  const int fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (pid < 0) error = std::error_code(fork_errno, std::generic_category());
  return pid;
}

}  // namespace mtask::detail
