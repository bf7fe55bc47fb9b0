#pragma once

#include <functional>

#include "mtask/grammar/duration.hpp"
#include "run/loop.hpp"

namespace mtask::detail {

/// How one task is stopped, and when (docs/design.md, "Stopping, and what may never outlive
/// mtask"): SIGTERM to its group (and SIGCONT at once, so that a stopped task acts on it), then
/// SIGKILL after kill_after, then, kill_after later, reading
/// its pipes is given up. A timeout, and the end of the grace a task's leftovers get to finish its
/// output after it was reaped, start the same steps. Time comes in as arguments and signals go out
/// through `kill`, so a test drives it with a fake clock and records the signals.
class StopPolicy {
 public:
  /// Sends a signal to the task's process group.
  using Kill = std::function<void(int sig)>;

  StopPolicy(Duration kill_after, Kill kill) : kill_after_(kill_after), kill_(std::move(kill)) {}

  /// The task is stopped (with outcome "timed out") at `at`.
  void set_timeout(TimePoint at) { timeout_at_ = at; }
  bool timed_out() const { return timed_out_; }
  /// A stop has begun (a signal has been sent).
  bool stopping() const { return step_ != Step::kNone; }

  /// The task's own process was reaped at `now`: no timeout any more; if something it left
  /// still holds its pipes, that gets kill_after to finish, then is stopped.
  void on_reaped(TimePoint now, bool pipes_open);
  /// Begins the stop now, unless it has begun already.
  void stop(TimePoint now);
  /// The next time expire() has something to do; kNever when nothing.
  TimePoint deadline() const;
  /// Takes every step due at `now`. True when reading the task's pipes must be given up now
  /// (SIGKILL was sent kill_after ago and they are still held open).
  bool expire(TimePoint now);
  /// The run is stopped (job control) from `now` on: no deadline passes while paused. Pausing
  /// again while paused changes nothing.
  void pause(TimePoint now);
  /// The run goes on at `now`: every deadline moves later by the time spent paused, so the
  /// timeout, the grace and the steps of a stop each count only the time the run ran.
  void resume(TimePoint now);
  bool paused() const { return paused_at_ != kNever; }

 private:
  enum class Step { kNone, kTermSent, kKillSent };
  bool step(TimePoint now);
  /// While paused the run's clock stands still at the pause: what starts then counts from it.
  TimePoint run_time(TimePoint now) const { return paused() ? paused_at_ : now; }

  Duration kill_after_;
  Kill kill_;
  Step step_ = Step::kNone;
  bool timed_out_ = false;
  TimePoint timeout_at_ = kNever;
  TimePoint drain_until_ = kNever;
  TimePoint next_step_ = kNever;
  TimePoint paused_at_ = kNever;
};

}  // namespace mtask::detail
