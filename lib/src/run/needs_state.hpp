#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "mtask/grammar/task.hpp"

namespace mtask::detail {

/// For each task, the indices of the tasks it needs: a NAME names every task of that name.
/// Throws UsageError, before anything is forked, for a name that is no task and for tasks that
/// need each other in a cycle ("a -> b -> a"), as a library caller may hand any list.
std::vector<std::vector<std::size_t>> resolve_needs(const std::vector<Task>& tasks);

/// Which task of a run waits for which (docs/design.md, "Needs and services"): a task starts
/// once every task it needs is ready; when one of them fails for good, was never ready or was
/// not started, every task waiting on it, and on those, is not started. Pure bookkeeping: the
/// run forks, reports and says when each task is ready or done.
class NeedsState {
 public:
  /// Resolves the needs of `tasks` (resolve_needs: may throw UsageError).
  explicit NeedsState(const std::vector<Task>& tasks);

  /// Task `index` has not started yet and may still.
  bool waiting(std::size_t index) const { return state_[index] == State::kWaiting; }
  /// Every task `index` needs is ready.
  bool startable(std::size_t index) const;
  bool ready(std::size_t index) const { return ready_[index]; }
  /// The tasks that need task `index`.
  const std::vector<std::size_t>& needed_by(std::size_t index) const { return needed_by_[index]; }
  /// The first task, in list order, that may still be waiting.
  std::size_t first_waiting() const { return first_waiting_; }
  bool any_waiting() const { return first_waiting_ < state_.size(); }
  /// How many services still wait.
  std::size_t services_waiting() const { return services_waiting_; }
  /// How many tasks that are no services have not ended for good (waiting, running, or to
  /// run again).
  std::size_t tasks_left() const { return tasks_left_; }
  /// The run has at least one task that is no service (else it is never over by itself).
  bool has_tasks() const { return has_tasks_; }

  /// Task `index` was forked (its first attempt).
  void started(std::size_t index);
  /// Task `index` is ready for the tasks that need it.
  void set_ready(std::size_t index) { ready_[index] = true; }
  /// Task `index` runs again: readiness is per attempt.
  void unready(std::size_t index) { ready_[index] = false; }
  /// Task `index` ended for good, or will never start (not started).
  void ended(std::size_t index);

  /// Task `index` failed for good, was never ready or was not started: the waiting tasks that
  /// can now never start, each with the need that failed it, in an order where that need
  /// comes first (its own "not started" first, then what waited on it). They are marked
  /// ended here.
  std::vector<std::pair<std::size_t, std::size_t>> fail(std::size_t index);

 private:
  enum class State { kWaiting, kStarted, kEnded };
  void advance();

  const std::vector<Task>& tasks_;
  std::vector<std::vector<std::size_t>> needs_;
  std::vector<std::vector<std::size_t>> needed_by_;
  std::vector<State> state_;
  std::vector<bool> ready_;
  std::size_t first_waiting_ = 0;
  std::size_t services_waiting_ = 0;
  std::size_t tasks_left_ = 0;
  bool has_tasks_ = false;
};

}  // namespace mtask::detail
