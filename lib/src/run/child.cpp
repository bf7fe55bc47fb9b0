#include "run/child.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "posix/fd.hpp"
#include "posix/signals.hpp"
#include "run/exec_plan.hpp"
#include "run/guardian.hpp"

namespace mtask::detail {
namespace {

/// Pins the calling process to `cpus` (numbers below CPU_SETSIZE); no allocation after fork.
bool pin_to_cpus(const std::vector<int>& cpus) noexcept {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (const int cpu : cpus) {
    if (cpu >= 0 && cpu < CPU_SETSIZE) CPU_SET(static_cast<std::size_t>(cpu), &set);
  }
  return sched_setaffinity(0, sizeof set, &set) == 0;
}

/// In the child, right after fork: never returns. `plan` is null for a built-in task.
// noexcept: nothing here may throw, and were it to, the child must end rather than unwind into
// the caller's code.
[[noreturn]] void child_main(const Task& task, const SpawnContext& context, ExecPlan* plan,
                             int out_fd, int err_fd) noexcept {
  reset_signals_in_child(*context.child_mask);
  // A session of its own, and so a process group of its own and no controlling terminal: a
  // task that opens /dev/tty fails at once (ENXIO) rather than being stopped by SIGTTIN or
  // SIGTTOU as a background group of mtask's terminal (docs/design.md, "The child"). The
  // child is never a group leader here (the parent does not call setpgid), so this cannot fail.
  setsid();
  // If mtask dies, even by SIGKILL, so does the child. The parent may already be gone
  // before prctl takes effect: then getppid() is no longer the pid we were forked from.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
    // Without it the task could outlive mtask: it does not run at all.
    constexpr char kMessage[] = "mtask: prctl(PR_SET_PDEATHSIG) failed: the task is not run\n";
    posix::write_all(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    _exit(125);
  }
  if (getppid() != context.parent_pid) _exit(128 + SIGKILL);

  const int sources[3] = {context.dev_null, out_fd, err_fd};
  for (int fd = 0; fd < 3; ++fd) {
    if (dup2(sources[fd], fd) < 0) _exit(127);
    // dup2 onto another number clears the close-on-exec flag; onto the same one (mtask
    // started with stdin closed, so /dev/null is fd 0) it keeps it: clear it, or the command
    // would start with no stdin at all.
    if (sources[fd] == fd && fcntl(fd, F_SETFD, 0) != 0) _exit(127);
  }
  // The pipes were made non-blocking for mtask's read ends (one call each in the child, not
  // two in the parent): the task's write ends block, as a task expects of its output.
  if (fcntl(STDOUT_FILENO, F_SETFL, 0) != 0 || fcntl(STDERR_FILENO, F_SETFL, 0) != 0) _exit(127);
  // Before it runs anything that could start processes of its own, the child puts its group
  // in the guardian's care, so that nothing escapes if mtask is killed from now on. A guardian
  // that is gone must not kill the task with SIGPIPE: the write just fails. SIGPIPE then goes
  // back to what the reset above left (ignored when the caller ignored it).
  if (context.guardian_fd >= 0) {
    struct sigaction ignore {};
    struct sigaction before {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &before);
    Guardian::register_group(context.guardian_fd, getpid());
    sigaction(SIGPIPE, &before, nullptr);
  }
  // All of mtask's descriptors are close-on-exec, but a built-in task never calls exec, and
  // it must not hold other tasks' pipes open.
  posix::close_from(3);
  // mtask raised its own descriptor limit; the task gets the one mtask was started with
  // (programs that use select() or close every descriptor up to the limit expect it small).
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != context.fd_soft_limit) {
    files.rlim_cur = context.fd_soft_limit;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  // --cores: set here, after fork and before the task runs, so that it holds for the task and
  // for every process it starts. The list was checked against mtask's own CPUs at parse time.
  if (context.cpus != nullptr && !context.cpus->empty() && !pin_to_cpus(*context.cpus)) {
    constexpr char kMessage[] = "mtask: sched_setaffinity failed: the CPUs of --cores are gone\n";
    posix::write_all(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    _exit(125);
  }

  const Hello hello{static_cast<std::int32_t>(getpid()), static_cast<std::int32_t>(getppid())};
  if (!posix::write_all(STDOUT_FILENO, &hello, sizeof hello)) _exit(128 + SIGPIPE);

  // A task file's cwd, for the task and all it starts (docs/tasks.md). mtask checked it before
  // the run; should it have gone since, the task fails as one whose shell cannot run.
  if (!task.cwd.empty() && chdir(task.cwd.c_str()) != 0) {
    char buffer[1024];
    posix::write_all(STDERR_FILENO, cannot_enter_message(task.name, task.cwd, errno, buffer));
    _exit(127);
  }

  if (plan != nullptr) run_command_task(*plan, getpid());
  run_builtin_task(task, context.busy);
}

}  // namespace

std::error_code prepare_child(const Task& task, const SpawnContext& context, ChildPrep& prep) {
  // A command task's argv, environment and messages are built here, in the parent, because the
  // child must not allocate: only async-signal-safe calls are sure to work after fork, and a
  // monitor that set its variables with setenv would leak a string every iteration.
  if (task.is_command()) {
    try {
      std::string run_entry;
      if (context.run_id != nullptr) {
        run_entry = "MTASK_RUN=" + *context.run_id + ":" + std::to_string(context.task_index);
      }
      prep.plan.emplace(task, environ, "/bin/sh", std::move(run_entry));
    } catch (const std::bad_alloc&) {
      return std::make_error_code(std::errc::not_enough_memory);
    }
  }
  // mtask's read ends are non-blocking (the loop reads until EAGAIN); the write ends, the
  // task's, are made blocking again by the child, so that the serial parent makes no call for
  // it.
  if (const std::error_code error = posix::make_pipe(prep.out, O_NONBLOCK)) return error;
  return posix::make_pipe(prep.err, O_NONBLOCK);
}

std::error_code fork_child(const Task& task, const SpawnContext& context, ChildPrep& prep,
                           SpawnedChild& child) {
  std::error_code error;
  const pid_t pid = fork_with_signals_blocked(error);
  if (pid == 0) {
    child_main(task, context, prep.plan ? &*prep.plan : nullptr, prep.out.write.get(),
               prep.err.write.get());
  }
  if (pid < 0) return error;
  // No setpgid(pid, pid) here: it would make the child a group leader, and its setsid() would
  // then fail. Until the child has its session, Slot::signal reaches the child alone.
  child.pid = pid;
  child.out = std::move(prep.out.read);
  child.err = std::move(prep.err.read);
  prep.out.write.reset();
  prep.err.write.reset();
  return {};
}

std::error_code spawn_child(const Task& task, const SpawnContext& context, SpawnedChild& child) {
  ChildPrep prep;
  if (const std::error_code error = prepare_child(task, context, prep)) return error;
  return fork_child(task, context, prep, child);
}

}  // namespace mtask::detail
