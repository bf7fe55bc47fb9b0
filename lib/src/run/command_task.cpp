// The command task: COMMAND run with /bin/sh -c, COUNT times, start to start INTERVAL apart.
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

#include "posix/clock.hpp"
#include "posix/fd.hpp"
#include "run/child.hpp"

namespace mtask::detail {
namespace {

/// Status of a task child that could not make the process for an iteration.
constexpr int kSpawnFailed = 125;

void say(std::string_view message) {
  posix::write_all(STDERR_FILENO, message.data(), message.size());
}

[[noreturn]] void exec_shell(const Task& task) {
  execl("/bin/sh", "sh", "-c", task.command.c_str(), static_cast<char*>(nullptr));
  say("mtask: task '" + task.name + "': cannot run /bin/sh: " + std::strerror(errno) + "\n");
  _exit(127);
}

/// Ends this process the way its command ended: by the same signal (without a core file).
[[noreturn]] void die_by_signal(int sig) {
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

void run_command_task(const Task& task, pid_t task_pid) {
  setenv("MTASK_TASK", task.name.c_str(), 1);
  setenv("MTASK_COUNT", std::to_string(task.count).c_str(), 1);
  if (task.count == 0) _exit(0);
  if (task.count == 1) {
    // Run once: the task's own process becomes the shell; no extra process is kept.
    setenv("MTASK_ITERATION", "1", 1);
    exec_shell(task);
  }

  timespec next = monotonic_now();
  for (std::uint64_t i = 1; i <= task.count; ++i) {
    if (i > 1) sleep_until(next);
    next = add_nanos(next, task.interval.count());
    setenv("MTASK_ITERATION", std::to_string(i).c_str(), 1);

    const pid_t pid = fork();
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != task_pid) _exit(128 + SIGKILL);
      exec_shell(task);
    }
    if (pid < 0) {
      say("mtask: task '" + task.name + "': fork for iteration " + std::to_string(i) + ": " +
          std::strerror(errno) + "\n");
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
