#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "mtask/grammar/probe.hpp"
#include "mtask/run/runner.hpp"
#include "run/children.hpp"
#include "run/line_turns.hpp"
#include "run/needs_state.hpp"
#include "run/probes.hpp"
#include "run/ready_deadlines.hpp"
#include "run/results.hpp"

namespace mtask::detail {

/// When each task of a run is ready, and what that means for the tasks that need it
/// (docs/design.md, "Needs and services"): it turns hellos, lines, ends and the probes'
/// verdicts into ready_at, not_ready and ended_early, gives the ready events out in turn with
/// the task's lines, stops a task that will never be ready, and gives up the tasks that wait
/// on one that failed. The run asks it which task may start (needs()).
class Readiness {
 public:
  /// Parses every task's probe and resolves the needs: throws UsageError before anything is
  /// forked.
  Readiness(const std::vector<Task>& tasks, const RunOptions& options, Children& children,
            Results& results, LineTurns& turns);

  /// The sources of the run's loop that belong to readiness.
  Probes& probes() { return probes_; }
  ReadyDeadlines& deadlines() { return deadlines_; }
  NeedsState& needs() { return needs_; }
  /// The probe of task `index`.
  const Probe& probe(std::size_t index) const { return probe_of_[index]; }
  const NeedsState& needs() const { return needs_; }

  /// The run's time 0, for every time it reports.
  void set_start(TimePoint start) { start_ = start; }
  /// Job control: every probe's clock stands still from `now` until resume().
  void pause(TimePoint now);
  void resume(TimePoint now);

  /// The task of `slot` said hello (or ended before it could): its probe begins.
  void hello(const Slot& slot);
  /// A line (or piece of one) of task `index`.
  void line(std::size_t index, std::string_view text) { probes_.line(index, text); }
  /// Whether task `index`'s lines are looked at now (a line: probe waits for one).
  bool hears_lines(std::size_t index) const { return probes_.hears_lines(index); }
  /// Right after its result was recorded: what the end of the attempt of `slot` says of its
  /// readiness (ready at exit 0, never ready, a service that ended early).
  void ended(const Slot& slot);
  /// Task `index` failed and runs again: its next attempt must be ready anew.
  void retrying(std::size_t index);
  /// Task `index` has ended for good at `t`; when it failed or was never ready, the tasks
  /// waiting on it are not started.
  void ended_for_good(std::size_t index, Duration t);
  /// Every task that is no service has ended: each running service is stopped ("run over").
  void run_over(TimePoint now);
  /// The run stops: every probe and ready deadline ends with no verdict.
  void cancel_all();

 private:
  void verdict(const ProbeVerdict& verdict);
  void deadline_passed(std::size_t index, TimePoint now);
  void became_ready(std::size_t index, TimePoint at);
  void never_ready(std::size_t index, TimePoint now);
  void fail_waiters(std::size_t index, Duration t);
  void stop_dependents(std::size_t index, TimePoint now);
  /// A ready event is given for services and tasks with a `ready` of their own.
  bool reports(std::size_t index) const {
    return tasks_[index].service || !tasks_[index].ready.empty();
  }

  const std::vector<Task>& tasks_;
  Duration run_ready_timeout_;
  Children& children_;
  Results& results_;
  LineTurns& turns_;
  std::vector<Probe> probe_of_;
  NeedsState needs_;
  std::vector<bool> over_;  // a service stopped because the run is over
  ReadyDeadlines deadlines_;
  Probes probes_;
  TimePoint start_{};
};

}  // namespace mtask::detail
