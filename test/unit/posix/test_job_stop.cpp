// stop_this_process: mtask stops as a job-control signal's default action would, and comes
// back with its handler and mask as they were (docs/design.md, "Job control").
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "posix/job_stop.hpp"

namespace {

extern "C" void on_signal(int) {}

/// In a forked child: a handler for `sig`, `sig` blocked, then stop_this_process(sig). Exits 0
/// when, once back, the handler and the mask are as before.
[[noreturn]] void stop_and_check(int sig) {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  if (sigaction(sig, &action, nullptr) != 0 || sigprocmask(SIG_BLOCK, &only, nullptr) != 0) {
    _exit(3);
  }
  if (mtask::detail::stop_this_process(sig)) _exit(4);
  struct sigaction now {};
  sigset_t mask;
  sigaction(sig, nullptr, &now);
  sigprocmask(SIG_SETMASK, nullptr, &mask);
  _exit(now.sa_handler == on_signal && sigismember(&mask, sig) == 1 ? 0 : 1);
}

/// waitpid with WUNTRACED for up to 5 s; 0 when nothing happened (the child is then killed).
int wait_bounded(pid_t pid) {
  for (int i = 0; i < 500; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WUNTRACED | WNOHANG) == pid) return status;
    poll(nullptr, 0, 10);
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return 0;
}

}  // namespace

TEST_CASE("job stop: the process stops by the signal itself and comes back as it was",
          "[posix][job-control]") {
  for (int sig : {SIGTSTP, SIGTTIN, SIGTTOU}) {
    CAPTURE(sig);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // A group of its own whose parent (this test) is in the same session: not orphaned.
      setpgid(0, 0);
      stop_and_check(sig);
    }
    const int stopped = wait_bounded(pid);
    REQUIRE(WIFSTOPPED(stopped));
    CHECK(WSTOPSIG(stopped) == sig);
    kill(pid, SIGCONT);
    const int ended = wait_bounded(pid);
    REQUIRE(WIFEXITED(ended));
    CHECK(WEXITSTATUS(ended) == 0);
  }
}

TEST_CASE("job stop: in an orphaned process group the kernel drops the stop; it returns at once",
          "[posix][job-control]") {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setsid();  // a new session: the group has no parent in it, as after its shell is gone
    stop_and_check(SIGTSTP);
  }
  const int ended = wait_bounded(pid);
  REQUIRE(WIFEXITED(ended));
  CHECK(WEXITSTATUS(ended) == 0);
}
