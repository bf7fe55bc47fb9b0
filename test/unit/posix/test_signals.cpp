// SignalGuard: what it catches, blocks and leaves alone (docs/reliability.md).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "posix/signals.hpp"

namespace {

/// Sets `sig`'s disposition for its lifetime, then puts back the one before.
class Disposition {
 public:
  Disposition(int sig, void (*handler)(int)) : sig_(sig) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    sigaction(sig, &action, &previous_);
  }
  Disposition(const Disposition&) = delete;
  Disposition& operator=(const Disposition&) = delete;
  ~Disposition() { sigaction(sig_, &previous_, nullptr); }

 private:
  int sig_;
  struct sigaction previous_ {};
};

void (*handler_of(int sig))(int) {
  struct sigaction action {};
  sigaction(sig, nullptr, &action);
  return action.sa_handler;
}

bool blocked(int sig) {
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  return sigismember(&mask, sig) == 1;
}

extern "C" void caller_handler(int) {}

/// Forks a child that resets its signals as a task child does: 1 when `sig` then has the
/// disposition `want` in it, 0 when not, -1 when the child did not exit.
int disposition_in_child(const mtask::detail::SignalGuard& guard, int sig, sighandler_t want) {
  std::error_code error;
  const pid_t pid = mtask::detail::fork_with_signals_blocked(error);
  if (pid == 0) {
    mtask::detail::reset_signals_in_child(guard.child_mask());
    _exit(handler_of(sig) == want ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) == 0 : -1;
}

int default_in_child(const mtask::detail::SignalGuard& guard, int sig) {
  return disposition_in_child(guard, sig, SIG_DFL);
}

int ignored_in_child(const mtask::detail::SignalGuard& guard, int sig) {
  return disposition_in_child(guard, sig, SIG_IGN);
}

}  // namespace

TEST_CASE("signal guard: a stop signal ignored on entry stays ignored", "[posix][signals]") {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    CAPTURE(sig);
    const Disposition ignored(sig, SIG_IGN);
    {
      mtask::detail::SignalGuard guard;
      CHECK(handler_of(sig) == SIG_IGN);
      CHECK_FALSE(blocked(sig));
      CHECK(sigismember(&guard.wait_mask(), sig) == 0);
      raise(sig);
      CHECK(guard.stop_count() == 0);
      // A task gets it ignored too, as a shell's child would.
      CHECK(ignored_in_child(guard, sig) == 1);
      CHECK(ignored_in_child(guard, sig == SIGINT ? SIGTERM : SIGINT) == 0);
    }
    CHECK(handler_of(sig) == SIG_IGN);
  }
}

TEST_CASE("signal guard: a stop signal not ignored is caught, and a child gets the default",
          "[posix][signals]") {
  const Disposition usual(SIGHUP, SIG_DFL);
  const Disposition pipe(SIGPIPE, SIG_DFL);
  mtask::detail::SignalGuard guard;
  CHECK(handler_of(SIGHUP) != SIG_DFL);
  CHECK(handler_of(SIGHUP) != SIG_IGN);
  CHECK(blocked(SIGHUP));
  CHECK(ignored_in_child(guard, SIGHUP) == 0);
  CHECK(ignored_in_child(guard, SIGPIPE) == 0);  // mtask's own SIGPIPE is not the task's
}

TEST_CASE("signal guard: a stop handler blocks the other stop signals while it runs",
          "[posix][signals]") {
  // Else a second stop signal in the middle of the handler could lose a count.
  mtask::detail::SignalGuard guard;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    CAPTURE(sig);
    struct sigaction action {};
    sigaction(sig, nullptr, &action);
    for (int other : {SIGINT, SIGTERM, SIGHUP}) {
      CAPTURE(other);
      CHECK(sigismember(&action.sa_mask, other) == 1);
    }
  }
}

TEST_CASE("signal guard: two stop signals of different kinds count twice", "[posix][signals]") {
  mtask::detail::SignalGuard guard;
  raise(SIGINT);
  raise(SIGTERM);
  // The handler of the first blocks the second, which then waits for the next wait.
  const sigset_t wait = guard.wait_mask();
  const timespec zero{};
  for (int round = 0; round < 2; ++round) pselect(0, nullptr, nullptr, nullptr, &zero, &wait);
  CHECK(guard.stop_count() == 2);
}

TEST_CASE("signal guard: job-control signals are caught, or left ignored when they were",
          "[posix][signals][job-control]") {
  for (int sig : {SIGTSTP, SIGTTIN, SIGTTOU}) {
    CAPTURE(sig);
    {
      const Disposition usual(sig, SIG_DFL);
      mtask::detail::SignalGuard guard;
      CHECK(blocked(sig));
      CHECK(sigismember(&guard.wait_mask(), sig) == 0);
      raise(sig);  // blocked: it waits for the next wait, and never stops this process
      CHECK(guard.take_job_stop() == 0);
      const sigset_t wait = guard.wait_mask();
      const timespec zero{};
      pselect(0, nullptr, nullptr, nullptr, &zero, &wait);
      CHECK(guard.take_job_stop() == sig);
      CHECK(guard.take_job_stop() == 0);  // taken once
    }
    const Disposition ignored(sig, SIG_IGN);
    mtask::detail::SignalGuard guard;
    CHECK(handler_of(sig) == SIG_IGN);
    CHECK_FALSE(blocked(sig));
    raise(sig);
    CHECK(guard.take_job_stop() == 0);
  }
}

TEST_CASE("signal guard: a child gets the default for what the guard or the caller handles",
          "[posix][signals]") {
  // The child sets back only what is not the default already: what the guard handles, and
  // every handler the caller had when the guard was made.
  const Disposition usual(SIGHUP, SIG_DFL);
  const Disposition handled(SIGUSR1, caller_handler);
  const Disposition child(SIGCHLD, SIG_IGN);
  const Disposition ignored(SIGUSR2, SIG_IGN);
  const Disposition plain(SIGALRM, SIG_DFL);
  mtask::detail::SignalGuard guard;
  for (int sig : {SIGUSR1, SIGCHLD, SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGTSTP, SIGALRM}) {
    CAPTURE(sig);
    CHECK(default_in_child(guard, sig) == 1);
  }
  CHECK(ignored_in_child(guard, SIGUSR2) == 1);
}
