#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace mtask::detail {

/// The processes mtask adopts as the subreaper of its tasks (docs/design.md, "Nothing
/// escapes"): whatever a task started that left the task's group and lost its parent becomes
/// mtask's child. Each is told to which task it belongs by the MTASK_RUN entry of its
/// environment, is stopped with that task (at once if the task has ended), and is reaped.
/// While such a child is unreaped its pid, and its group if it leads one, cannot be reused,
/// so signalling it is safe. The children mtask had before the run (a library caller's own)
/// and the guardian are never touched.
class Adopted {
 public:
  /// `run_id` is this run's MTASK_RUN value without the task index. When `enabled`, makes
  /// this process a subreaper until destroyed; warns when it cannot.
  Adopted(std::string run_id, bool enabled);
  Adopted(const Adopted&) = delete;
  Adopted& operator=(const Adopted&) = delete;
  /// Gives back the subreaper setting the process had.
  ~Adopted();

  bool enabled() const { return enabled_; }
  /// The guardian, or another child of mtask's own: never adopted.
  void exclude(pid_t pid) { excluded_.insert(pid); }
  /// An excluded child was reaped: its pid may come back as an adoptee's.
  void readmit(pid_t pid) { excluded_.erase(pid); }
  /// Task `index` runs as child `pid` (not an adoptee), until task_reaped.
  void task_started(pid_t pid, std::size_t index);
  void task_reaped(pid_t pid) { task_pids_.erase(pid); }
  /// Task `index` has ended: what it left is killed by the next stop_ended(), and whatever of
  /// it is adopted later when it is found.
  void task_ended(std::size_t index);
  /// Kills what the tasks that ended since the last call left behind (one look at mtask's
  /// children for all of them).
  void stop_ended();

  /// Sends `sig` to every adoptee of task `index` (to its group too when it leads one); returns
  /// how many it signalled.
  std::size_t signal_task(std::size_t index, int sig);
  /// `pid` ended and is an adoptee (not a task, nor excluded): reaps it. False otherwise.
  bool reap_if_adopted(pid_t pid);
  /// Looks at mtask's children: learns the new adoptees, kills those whose task has ended,
  /// reaps those that are gone.
  void scan();
  /// The run is over: kills every adoptee and reaps it, until none is left (each one killed
  /// may leave orphans of its own, which mtask then adopts).
  void finish();

 private:
  struct Adoptee {
    std::size_t task;  // kNoTask when its environment does not tell
    bool killed = false;
  };
  static constexpr std::size_t kNoTask = static_cast<std::size_t>(-1);

  std::vector<pid_t> children() const;
  std::size_t task_of(pid_t pid) const;
  void kill_adoptee(pid_t pid, Adoptee& adoptee, int sig);
  bool reap(pid_t pid, bool block);

  std::string prefix_;  // "MTASK_RUN=<run id>:"
  bool enabled_;
  int previous_ = 0;  // the subreaper setting before the run
  pid_t self_;
  std::unordered_set<pid_t> excluded_;
  std::unordered_map<pid_t, std::size_t> task_pids_;
  std::unordered_set<std::size_t> running_tasks_;
  std::unordered_map<pid_t, Adoptee> adoptees_;
  std::vector<std::size_t> ended_;  // tasks ended since the last stop_ended()
};

}  // namespace mtask::detail
