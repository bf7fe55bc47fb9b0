#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "mtask/grammar/task.hpp"
#include "posix/fd.hpp"
#include "posix/unique_fd.hpp"
#include "run/exec_plan.hpp"

namespace mtask::detail {

/// What a child tells its parent first, on its stdout pipe, before any output of its own:
/// what getpid() and getppid() returned in the child itself.
struct Hello {
  std::int32_t pid;
  std::int32_t ppid;
};

/// What the parent needs to make a child.
struct SpawnContext {
  pid_t parent_pid;
  int dev_null;                ///< /dev/null open for reading, for the child's stdin
  const sigset_t* child_mask;  ///< the mask the child restores
  int guardian_fd;             ///< where the child registers its process group; -1: none
  rlim_t fd_soft_limit;        ///< the soft RLIMIT_NOFILE mtask was started with
  bool busy = false;           ///< built-in tasks work instead of sleeping (RunOptions::busy)
  const std::vector<int>* cpus = nullptr;  ///< pin the child to these CPUs; null or empty: no
  /// The run's id: a command gets MTASK_RUN=<run id>:<task index>; null: none.
  const std::string* run_id = nullptr;
  std::size_t task_index = 0;
};

/// A child that was forked: its pid (also its process group) and the read ends of its pipes,
/// both non-blocking and close-on-exec.
struct SpawnedChild {
  pid_t pid = -1;
  posix::UniqueFd out;
  posix::UniqueFd err;
};

/// What a child needs made before fork: its two pipes (mtask's read ends non-blocking) and,
/// for a command task, its ExecPlan.
struct ChildPrep {
  std::optional<ExecPlan> plan;
  posix::Pipe out;
  posix::Pipe err;
};

/// Makes in `prep` what the child for `task` needs before fork: no child may allocate. Returns
/// the error of the call that failed (pipe2; ENOMEM when the plan could not be built).
std::error_code prepare_child(const Task& task, const SpawnContext& context, ChildPrep& prep);

/// Forks the child prepared in `prep`, in a session and process group of its own, with stdin
/// from /dev/null and stdout and stderr on its pipes; it runs the task and ends in exec or
/// _exit, never returning. The parent writes only to `child` and `prep` (its ends of the
/// pipes), so that forks one right after another leave it few pages to fault on (docs/design.md,
/// "Forks in a row"). Must be called with only one thread in the process. Returns the error of
/// fork, with nothing forked.
std::error_code fork_child(const Task& task, const SpawnContext& context, ChildPrep& prep,
                           SpawnedChild& child);

/// prepare_child, then fork_child: nothing is left open when either fails.
std::error_code spawn_child(const Task& task, const SpawnContext& context, SpawnedChild& child);

/// The bodies of the two kinds of task, run in the child after its set-up. They allocate
/// nothing and never return: they end in exec or _exit. A command task runs from the plan that
/// spawn_child built before fork; `task_pid` is the pid of the task's own process.
[[noreturn]] void run_builtin_task(const Task& task, bool busy) noexcept;
[[noreturn]] void run_command_task(ExecPlan& plan, pid_t task_pid) noexcept;

}  // namespace mtask::detail
