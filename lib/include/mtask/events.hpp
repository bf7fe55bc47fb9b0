#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mtask/grammar/duration.hpp"
#include "mtask/grammar/task.hpp"

namespace mtask {

/// Which of a task's output streams a line came from.
enum class Stream { kStdout, kStderr };

/// How a task ended.
enum class Outcome {
  kExited,      ///< its process exited; `code` holds the status
  kSignaled,    ///< a signal ended it; `signal` holds the number
  kTimedOut,    ///< mtask stopped it after --timeout
  kNotStarted,  ///< it never ran (stopped by --fail-fast, a signal, or a closed output first)
};

/// Why mtask stopped the run, and with it the tasks it stopped or never started
/// (docs/output.md, "Stopped tasks"). A task's own --timeout is not one of these: it fails.
enum class StopReason {
  kNone,          ///< mtask did not stop it
  kFailFast,      ///< another task failed under --fail-fast
  kSigint,        ///< mtask got SIGINT
  kSigterm,       ///< mtask got SIGTERM
  kSighup,        ///< mtask got SIGHUP
  kStdoutClosed,  ///< mtask's standard output lost its reader
  /// Per task, not the run's: a service stopped because the tasks that are no services are
  /// done (docs/smoke.md). That is how a service ends well: it did not fail.
  kRunOver,
  /// Per task, not the run's: it never started because a task it needs failed or was never
  /// ready (TaskResult::needs_failed says which and why).
  kNeeds,
};

/// What is known of one task once it has ended. Times are measured from the start of the run.
struct TaskResult {
  Outcome outcome = Outcome::kNotStarted;
  int pid = 0;
  int ppid = 0;
  int code = 0;    ///< exit code when outcome is kExited
  int signal = 0;  ///< signal number when outcome is kSignaled (or what ended a timed-out task)
  Duration started{0};   ///< since the start of the run
  Duration wall{0};      ///< from fork to reaping
  Duration user_cpu{0};  ///< from the kernel's accounting (wait4)
  Duration sys_cpu{0};
  std::int64_t max_rss_kb = 0;
  /// Why mtask stopped the task before it could end on its own (it then did not exit 0), or
  /// why it never started; kNone otherwise.
  StopReason stopped = StopReason::kNone;
  /// Which attempt of the task this is, from 1 (--retries runs a failed task again).
  std::uint32_t attempt = 1;
  /// How many attempts the task may have: 1 + its retries (docs/tasks.md, "Retries").
  std::uint32_t max_attempts = 1;
  // Services, readiness and needs (docs/smoke.md).
  /// When it became ready for the tasks that need it, since the start of the run; unset: it
  /// never did (or nothing could tell: a task that is no service and has no probe is ready
  /// when it exits 0).
  std::optional<Duration> ready_at{};
  /// Why it was never ready, e.g. "not ready after 30 s (tcp:8000): connection refused" or
  /// "ended before it was ready (line:listening)"; empty otherwise. Such a task failed.
  std::string not_ready{};
  /// mtask stopped it because it was not ready in time (its probe gave up, or its ready
  /// timeout passed): `not_ready` says how long it waited. False for one that ended on its own.
  bool gave_up = false;
  /// A service that ended on its own before the run was over: it failed, whatever its status.
  bool ended_early = false;
  /// With stopped == kNeeds (outcome kNotStarted): which need failed and why, e.g.
  /// "needs web: not ready after 30 s (tcp:8000)".
  std::string needs_failed{};
  /// How many times its probe looked (connections tried, commands run, lines matched against).
  std::uint32_t probe_tries = 0;
  // Taking turns on the CPU (docs/output.md, "Speedup").
  /// Voluntary and involuntary context switches of the task's processes (wait4's rusage): it
  /// gave up the CPU to wait (sleep, I/O), or the scheduler took it away for another.
  std::int64_t vcsw = 0;
  std::int64_t ivcsw = 0;
  /// How long its processes were ready to run but waited for a CPU (the scheduler's own
  /// accounting, /proc/PID/schedstat); unset where the system cannot tell.
  std::optional<Duration> cpu_wait{};
  /// `cpu_wait` covers only part of the task's processes (some that its command started were
  /// not seen long enough to be measured): the true wait may be longer.
  bool cpu_wait_partial = false;

  /// A task failed when it did not exit 0 on its own: not one mtask stopped, nor one that
  /// never started.
  bool failed() const {
    if (outcome == Outcome::kNotStarted || was_stopped()) return false;
    if (!not_ready.empty() || ended_early) return true;
    return outcome != Outcome::kExited || code != 0;
  }
  /// It passed on a later attempt after an earlier one failed (--retries): it counts as passed.
  bool flaky() const { return attempt > 1 && outcome == Outcome::kExited && code == 0; }
  /// A task that had started and was ended by mtask's stop (status `stopped`).
  bool was_stopped() const {
    return outcome != Outcome::kNotStarted && stopped != StopReason::kNone;
  }
};

/// The run begins, before the first task is forked: the one clock every reporter measures
/// from. Every later event's `t` counts from `start`.
struct BeginEvent {
  int parent_pid;
  const std::vector<Task>& tasks;
  std::chrono::steady_clock::time_point start;       ///< the runner's time 0
  std::chrono::system_clock::time_point wall_start;  ///< the same moment on the wall clock
};

/// A child has started and told the parent what getpid() and getppid() returned.
struct StartEvent {
  const Task& task;
  int pid;
  int ppid;
  Duration t;
  std::uint32_t attempt = 1;       ///< which attempt of the task, from 1 (--retries)
  std::uint32_t max_attempts = 1;  ///< how many it may have: 1 + its retries
};

/// One line (or, for a very long line, one piece of it) of a task's output.
struct LineEvent {
  const Task& task;
  int pid;
  Stream stream;
  std::string_view text;  ///< without its newline; raw bytes as the task wrote them
  bool partial;           ///< true for every piece of a long line but the last
  Duration t;
};

/// One line (or piece of a long one) of a batch: what LineEvent says of it beyond the task.
struct LinePiece {
  std::string_view text;  ///< without its newline; raw bytes as the task wrote them
  bool partial;           ///< true for every piece of a long line but the last
};

/// The lines of one task's stream read at once (one read of its pipe), in order: each is what
/// one LineEvent with the same task, pid, stream and time would say.
struct LineBatch {
  const Task& task;
  int pid;
  Stream stream;
  Duration t;
  std::span<const LinePiece> lines;
};

/// A task became ready for the tasks that need it (docs/smoke.md): given for a service and for a
/// task with a probe of its own (`ready`), not for the default "exit" of other tasks.
struct ReadyEvent {
  const Task& task;
  const TaskResult& result;  ///< its attempt so far: pid, started, ready_at, probe_tries
  std::string_view probe;    ///< the probe as written ("tcp:8000"), or "started" for a service
  Duration t;                ///< when it became ready (result.ready_at)
};

/// How a task spent a stretch of the run on the CPU, sampled while it ran (only when a view
/// asks for it: RunOptions::sample_every). With several processes the times add up, so they may
/// exceed the stretch.
struct CpuSampleEvent {
  const Task& task;
  std::size_t index;  ///< in the run's list of tasks
  int pid;            ///< the task's process
  Duration from;      ///< the stretch, since the start of the run
  Duration to;
  Duration running;  ///< on a CPU
  Duration waiting;  ///< ready to run, waiting for a CPU
  int cpu;           ///< the CPU it ran on most in the stretch (the last it ran on); -1: unknown
};

/// A task has ended: its process was reaped and its output read to the end. Also given, with
/// outcome kNotStarted and its stop reason, for a task that will never start because the run
/// was stopped first (at that moment).
struct ExitEvent {
  const Task& task;
  const TaskResult& result;
  Duration t;
  /// This attempt failed and the task will run again (--retries): the task is not over.
  bool retrying = false;
};

/// The run is over.
struct SummaryEvent {
  int parent_pid;
  const std::vector<Task>& tasks;
  const std::vector<TaskResult>& results;  ///< one per task, in command-line order
  std::size_t failed;                      ///< tasks that failed on their own (TaskResult::failed)
  Duration wall;
  Duration task_wall_sum;
  double speedup;  ///< sequential / wall (docs/output.md, "Speedup")
  int exit_code;   ///< mtask's exit status (docs/usage.md, "Exit status")
  Duration t;
  StopReason stopped = StopReason::kNone;  ///< what stopped the run first, if anything did
  Duration stopped_at{0};                  ///< when, since the start of the run
  /// Tasks that passed after failing (their last attempt passed, an earlier one failed).
  std::size_t flaky = 0;
  /// The wall and CPU times of attempts that failed and were run again (--retries): the
  /// results hold only each task's last attempt. Already counted in `task_wall_sum`.
  Duration retried_wall{0};
  Duration retried_cpu{0};
  // Taking turns on the CPU (docs/output.md, "Speedup").
  /// How long the same tasks would have taken one after another: the sum over every attempt of
  /// (wall - CPU wait).
  Duration sequential{0};
  /// Some task's CPU wait is unknown, or known only in part: `sequential` (and the speedup) is
  /// then an upper bound.
  bool sequential_upper_bound = false;
  Duration cpu_wait_sum{0};  ///< the CPU wait of every attempt whose wait is known
  Duration cpu_sum{0};       ///< user + system CPU time of every attempt
  /// How many CPUs the tasks could run on (their --cores, else mtask's own affinity).
  std::size_t cores = 0;
  /// CPU time that other processes (not the run's tasks, nor mtask) used on those CPUs during
  /// the run; unset where the system cannot tell. A CPU wait may come from them.
  std::optional<Duration> others_cpu{};
};

/// Receives what happens during a run. Reporters implement it; the runner knows nothing of
/// formats. All calls come from the thread that called run().
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_begin(const BeginEvent&) {}
  virtual void on_start(const StartEvent&) {}
  virtual void on_line(const LineEvent&) {}
  /// Several lines of one task's stream at once; by default one on_line() each, in order. A
  /// reporter on the hot path of output takes the batch whole.
  virtual void on_lines(const LineBatch& batch) {
    for (const LinePiece& line : batch.lines) {
      on_line(LineEvent{batch.task, batch.pid, batch.stream, line.text, line.partial, batch.t});
    }
  }
  virtual void on_exit(const ExitEvent&) {}
  /// A task became ready (docs/smoke.md); in time order with its lines and its exit.
  virtual void on_ready(const ReadyEvent&) {}
  /// A task's use of the CPU over a stretch of time; only when RunOptions::sample_every is set.
  virtual void on_cpu_sample(const CpuSampleEvent&) {}
  /// A stop came while the task waited to run again (--retries): it will not, and the attempt
  /// of `e`, whose exit event came before with `retrying`, is its end (`e.retrying` is false
  /// here). Not a new attempt: a reporter that writes each exit writes nothing more for it.
  virtual void on_retry_cancelled(const ExitEvent& e) { (void)e; }
  virtual void on_summary(const SummaryEvent&) {}
  /// The run is about to stop for job control (Ctrl-Z): every task is stopped, then mtask.
  /// A live display takes itself off the terminal here.
  virtual void on_pause() {}
  /// The run goes on after a job-control stop that lasted `stopped_for` (the tasks are
  /// continued). Clocks of elapsed time may leave that time out; a live display redraws.
  virtual void on_resume(Duration stopped_for) { (void)stopped_for; }
  /// Called after each batch of events. Returns false once output can no longer be written
  /// (its reader is gone); the runner then stops every task.
  virtual bool flush() { return true; }
};

}  // namespace mtask
