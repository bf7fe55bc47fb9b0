// The command task: COMMAND run with /bin/sh -c, COUNT times, start to start INTERVAL apart.
// Everything here runs in the task's child after fork, from a plan the parent built: it
// allocates nothing, touches no environment variable of its own, and ends in exec or _exit.
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "posix/clock.hpp"
#include "run/child.hpp"
#include "run/exec_plan.hpp"

namespace mtask::detail {
namespace {

/// Status of a task child that could not make the process for an iteration.
constexpr int kSpawnFailed = 125;

/// Ends this process the way its command ended: by the same signal (without a core file).
[[noreturn]] void die_by_signal(int sig) noexcept {
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  signal(sig, SIG_DFL);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  sigprocmask(SIG_UNBLOCK, &only, nullptr);
  raise(sig);
  _exit(128 + sig);
}

}  // namespace

void run_command_task(ExecPlan& plan, pid_t task_pid) noexcept {
  if (plan.count() == 0) _exit(0);
  if (plan.count() == 1) {
    // Run once: the task's own process becomes the shell; no extra process is kept.
    plan.set_iteration(1);
    plan.exec_shell();
  }

  timespec next = monotonic_now();
  for (std::uint64_t i = 1; i <= plan.count(); ++i) {
    if (i > 1) sleep_until(next);
    next = add_nanos(next, plan.interval_nanos());
    plan.set_iteration(i);

    const pid_t pid = fork();
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != task_pid) _exit(128 + SIGKILL);
      plan.exec_shell();
    }
    if (pid < 0) {
      plan.say_fork_failed(i, errno);
      _exit(kSpawnFailed);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status)) die_by_signal(WTERMSIG(status));
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) _exit(WEXITSTATUS(status));
  }
  _exit(0);
}

}  // namespace mtask::detail
