// The command task: COMMAND run with /bin/sh -c, COUNT times, start to start INTERVAL apart.
// Everything here runs in the task's child after fork, from a plan the parent built: it
// allocates nothing, touches no environment variable of its own, and ends in exec or _exit.
// How a monitor of several iterations is stopped: docs/design.md, "The child".
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <iterator>

#include "posix/clock.hpp"
#include "posix/proc_scan.hpp"
#include "run/child.hpp"
#include "run/exec_plan.hpp"

namespace mtask::detail {
namespace {

/// Status of a task child that could not make the process for an iteration.
constexpr int kSpawnFailed = 125;

/// A fork that fails for want of processes or memory is tried again after a pause that doubles
/// from the first to the longest, until this long after the first failure.
constexpr std::int64_t kFirstPauseNanos = 10'000'000;
constexpr std::int64_t kLongestPauseNanos = 320'000'000;
constexpr std::int64_t kRetryForNanos = 5'000'000'000;

/// The stop signal that reached the monitor in the one moment its stop signals are let through
/// (around fork, see fork_iteration); 0 until then. A fork copies it into the iteration.
volatile sig_atomic_t caught_stop = 0;

void record_stop(int sig) { caught_stop = sig; }

/// The signals that stop a task: the monitor takes them, the iteration gets them.
constexpr int kStopSignals[] = {SIGTERM, SIGINT, SIGHUP};

/// What the monitor keeps through its iterations.
struct Monitor {
  ExecPlan& plan;
  pid_t task_pid;
  sigset_t stops;     ///< SIGTERM, SIGINT, SIGHUP: blocked in the monitor but around fork
  sigset_t waits;     ///< the stop signals and SIGCHLD, kept blocked: what sigwaitinfo takes
  sigset_t original;  ///< the mask the task was given, restored for each shell
  /// The actions of kStopSignals and of SIGCHLD the task was given, restored for each shell.
  struct sigaction actions[std::size(kStopSignals)];
  struct sigaction child_action;
};

/// How an iteration ended, and the stop the monitor took while it waited, if any.
struct IterationEnd {
  int status = 0;             ///< as waitpid gives it
  int stop = 0;               ///< the first stop signal taken; 0: none
  bool stop_reached = false;  ///< the iteration ran, and was not exiting, when the stop came
};

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

std::int64_t nanos_from(const timespec& from, const timespec& to) noexcept {
  return (static_cast<std::int64_t>(to.tv_sec) - from.tv_sec) * 1'000'000'000 +
         (to.tv_nsec - from.tv_nsec);
}

/// The stop signal sent to the monitor, taken from the pending ones; 0 when none came.
int take_stop(const Monitor& monitor) noexcept {
  if (caught_stop != 0) return caught_stop;
  const timespec now{0, 0};
  const int sig = sigtimedwait(&monitor.stops, nullptr, &now);
  return sig > 0 ? sig : 0;
}

/// Waits until `when` on the monotonic clock; a stop that comes first ends the monitor by its
/// signal (no iteration runs then: there is nothing to pass it on to).
void sleep_unless_stopped(const Monitor& monitor, const timespec& when) noexcept {
  for (;;) {
    if (const int sig = take_stop(monitor)) die_by_signal(sig);
    const std::int64_t left = nanos_from(monotonic_now(), when);
    if (left <= 0) return;
    const timespec wait{static_cast<time_t>(left / 1'000'000'000),
                        static_cast<long>(left % 1'000'000'000)};
    const int sig = sigtimedwait(&monitor.stops, nullptr, &wait);
    if (sig > 0) die_by_signal(sig);
  }
}

/// In the new process: the shell of one iteration, with the task's signal mask and handlers.
[[noreturn]] void become_shell(const Monitor& monitor) noexcept {
  sigprocmask(SIG_BLOCK, &monitor.stops, nullptr);
  for (std::size_t k = 0; k < std::size(kStopSignals); ++k) {
    sigaction(kStopSignals[k], &monitor.actions[k], nullptr);
  }
  sigaction(SIGCHLD, &monitor.child_action, nullptr);
  // A stop that the monitor caught just before fork never reached this process: end as it
  // would have made the shell end. One that comes later is pending here and acts below.
  if (caught_stop != 0) die_by_signal(caught_stop);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != monitor.task_pid) _exit(128 + SIGKILL);
  sigprocmask(SIG_SETMASK, &monitor.original, nullptr);
  monitor.plan.exec_shell();
}

/// Forks the shell of iteration `i`; returns its pid, or ends the monitor (by a stop that came
/// first, or with status 125 once the fork has failed for good).
pid_t fork_iteration(const Monitor& monitor, std::uint64_t i) noexcept {
  const timespec first = monotonic_now();
  std::int64_t pause = kFirstPauseNanos;
  for (;;) {
    if (const int sig = take_stop(monitor)) die_by_signal(sig);
    // A signal sent to the group before fork copies this process reaches only the monitor; let
    // the stop signals through across fork, so that such a one is caught (and copied into the
    // child by fork) rather than left pending here alone. One sent later reaches both.
    sigprocmask(SIG_UNBLOCK, &monitor.stops, nullptr);
    pid_t pid = -1;
    int error = 0;
    if (caught_stop == 0) {
      pid = fork();
      error = errno;
    }
    if (pid == 0) become_shell(monitor);
    sigprocmask(SIG_BLOCK, &monitor.stops, nullptr);
    if (pid > 0) return pid;
    if (caught_stop != 0) die_by_signal(caught_stop);
    const timespec now = monotonic_now();
    if ((error != EAGAIN && error != ENOMEM) || nanos_from(first, now) >= kRetryForNanos) {
      monitor.plan.say_fork_failed(i, error);
      _exit(kSpawnFailed);
    }
    sleep_unless_stopped(monitor, add_nanos(now, pause));
    pause = std::min(pause * 2, kLongestPauseNanos);
  }
}

/// PF_EXITING, in the flags of /proc/PID/stat: the process has begun to exit, and will handle
/// no signal any more.
constexpr unsigned long kExiting = 0x4;

/// True when `pid` runs and has not begun to exit, so that a signal sent to its group a moment
/// ago will be handled by it; when /proc cannot tell, true.
bool runs(pid_t pid) noexcept {
  posix::ProcStat stat;
  if (!posix::read_stat(pid, stat)) return true;
  if (stat.state == 'Z' || stat.state == 'X' || stat.state == 'x') return false;
  return (stat.flags & kExiting) == 0;
}

/// Waits for the iteration `pid` to end, taking any stop signal that comes meanwhile.
IterationEnd wait_iteration(const Monitor& monitor, pid_t pid) noexcept {
  IterationEnd end;
  // A stop caught across fork also reached the new process, if that still runs: it may have
  // ended already, before the monitor had its turn to run again.
  for (int sig = caught_stop;;) {
    if (sig > 0 && sig != SIGCHLD && end.stop == 0) {
      end.stop = sig;
      end.stop_reached = runs(pid);
    }
    const pid_t ended = waitpid(pid, &end.status, WNOHANG);
    if (ended == pid || (ended < 0 && errno != EINTR)) return end;
    sig = sigwaitinfo(&monitor.waits, nullptr);
  }
}

}  // namespace

void run_command_task(ExecPlan& plan, pid_t task_pid) noexcept {
  if (plan.count() == 0) _exit(0);
  if (plan.count() == 1) {
    // Run once: the task's own process becomes the shell; no extra process is kept.
    plan.set_iteration(1);
    plan.exec_shell();
  }

  // A stop signals the whole group, the monitor too: it must outlive the iteration that runs,
  // so it keeps its stop signals blocked and takes them when it is ready to act on them.
  // A stop signal the task was given ignored is left ignored: it stops neither the monitor
  // nor the shell.
  Monitor monitor{plan, task_pid, {}, {}, {}, {}, {}};
  sigemptyset(&monitor.stops);
  for (std::size_t k = 0; k < std::size(kStopSignals); ++k) {
    sigaction(kStopSignals[k], nullptr, &monitor.actions[k]);
    if (monitor.actions[k].sa_handler != SIG_IGN) sigaddset(&monitor.stops, kStopSignals[k]);
  }
  // Its shells are waited for: SIGCHLD ignored would reap them unseen.
  struct sigaction child_default {};
  child_default.sa_handler = SIG_DFL;
  sigaction(SIGCHLD, &child_default, &monitor.child_action);
  monitor.waits = monitor.stops;
  sigaddset(&monitor.waits, SIGCHLD);
  sigprocmask(SIG_BLOCK, &monitor.waits, &monitor.original);
  struct sigaction record {};
  record.sa_handler = record_stop;
  record.sa_mask = monitor.stops;
  for (const int sig : kStopSignals) {
    if (sigismember(&monitor.stops, sig)) sigaction(sig, &record, nullptr);
  }

  timespec next = monotonic_now();
  for (std::uint64_t i = 1; i <= plan.count(); ++i) {
    if (i > 1) sleep_unless_stopped(monitor, next);
    next = add_nanos(next, plan.interval_nanos());
    plan.set_iteration(i);

    const IterationEnd end = wait_iteration(monitor, fork_iteration(monitor, i));
    // A stop reached the running iteration too (both are in the group): however it then ended
    // is how the task ends, as if the shell were the task. A stop that came when the iteration
    // was already on its way out cuts the task short by its own signal, unless that iteration
    // was the last. Either way no other iteration starts.
    if (WIFSIGNALED(end.status)) die_by_signal(WTERMSIG(end.status));
    const int code = WIFEXITED(end.status) ? WEXITSTATUS(end.status) : 0;
    if (code != 0 || (end.stop != 0 && end.stop_reached)) _exit(code);
    if (end.stop != 0 && i < plan.count()) die_by_signal(end.stop);
  }
  _exit(0);
}

}  // namespace mtask::detail
