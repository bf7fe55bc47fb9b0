#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "mtask/events.hpp"
#include "mtask/grammar/duration.hpp"
#include "mtask/grammar/probe.hpp"
#include "mtask/grammar/task.hpp"
#include "mtask/queued_output.hpp"

namespace mtask {

/// How to run a set of tasks.
struct RunOptions {
  std::size_t jobs = 0;  ///< at most this many at once; 0 means all
  /// 0: none. A service has only its own (Task::timeout): it runs until the run is over.
  Duration timeout{0};
  Duration kill_after = std::chrono::seconds(2);
  bool fail_fast = false;
  /// A task that fails runs again up to this many more times (a task's own `retries` wins),
  /// `retry_delay` after its failed attempt ended (docs/tasks.md, "Retries").
  std::uint64_t retries = 0;
  Duration retry_delay{0};
  /// How long a probe that watches a running task (tcp:, line:, cmd:) waits for it to be
  /// ready, when the task gives no ready_timeout of its own (docs/smoke.md).
  Duration ready_timeout = kDefaultReadyTimeout;
  /// Text mode: while one task is in the middle of a long line on a destination, other tasks'
  /// pipes for that destination are not read (docs/design.md, "Output").
  bool hold_partial_lines = false;
  /// Descriptors (e.g. mtask's stdout) whose hang-up means nobody reads the output any more:
  /// the run then stops every task and ends with status 141.
  std::vector<int> watched_outputs;
  /// Built-in tasks keep a CPU busy for each INTERVAL (measured in CPU time they got) instead
  /// of sleeping: CPU-bound work, to see parallelism and concurrency.
  bool busy = false;
  /// The CPUs every task is pinned to (sched_setaffinity in the child, before the task runs);
  /// empty: no pinning. Each must be one mtask may run on (see allowed_cpus()).
  std::vector<int> cpus{};
  /// Sample each running task's use of the CPU this often and give it to the sink
  /// (on_cpu_sample): which CPU it ran on, how long it ran and waited for one. 0: no sampling
  /// (docs/output.md, "Who ran where").
  Duration sample_every{0};
  /// Call the sink's flush() at least this often while tasks run, even when nothing happens
  /// (a live progress line redraws its clock then); 0: only after something happened.
  Duration wake_every{0};
  /// When set, SIGWINCH is caught during the run and this is called after a wait that saw it
  /// (a terminal window was resized: a progress line re-reads its width).
  std::function<void()> on_resize{};
  /// Make the calling process the subreaper of its tasks for the run (PR_SET_CHILD_SUBREAPER,
  /// restored after): what a task starts and leaves behind, even outside its process group, is
  /// adopted, stopped with its task and reaped (docs/design.md, "Nothing escapes"). Every
  /// orphan adopted during the run is reaped; the caller's children that exist when the run
  /// starts are left alone, but one the caller forks during the run (from a sink) could be
  /// taken for an orphan: leave this off then.
  bool adopt_orphans = false;
  /// mtask's stdout and stderr when they queue what a slow reader does not take yet: the run
  /// writes the queues from its loop, so that signals and --timeout work while nobody reads,
  /// and waits for them before it returns (docs/design.md, "When nobody reads").
  std::vector<QueuedOutput*> queued_outputs{};
};

/// Runs every task, reports to `sink`, and returns mtask's exit status: 128 + N when signal N
/// stopped the run (141: nobody reads the output any more), else 3 when a task could not be
/// started, else 1 when a task failed, else 0.
/// Installs handlers for SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGTSTP, SIGTTIN and SIGTTOU (and
/// SIGWINCH, with on_resize) for its duration and restores the previous ones; a stop or
/// job-control signal the caller ignores stays ignored. SIGTSTP (Ctrl-Z) stops every task, then
/// the caller's process, until it is continued (docs/design.md, "Job control").
/// Throws std::logic_error when the process has more than one thread, and std::system_error when
/// the tasks cannot be run at all (no /dev/null, ppoll failed). Whatever it throws, or the sink
/// throws through it, it first kills and reaps every task it started and closes every descriptor it
/// opened.
int run_tasks(const std::vector<Task>& tasks, const RunOptions& options, EventSink& sink);

}  // namespace mtask
