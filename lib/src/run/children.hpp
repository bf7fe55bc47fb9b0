#pragma once

#include <sys/resource.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "mtask/run/runner.hpp"
#include "posix/signals.hpp"
#include "posix/unique_fd.hpp"
#include "run/adopted.hpp"
#include "run/child.hpp"
#include "run/guardian.hpp"
#include "run/task_slot.hpp"

namespace mtask::detail {

/// Every process a run made, and what the parent holds for them: the tasks' slots (their pipes
/// included), /dev/null for their stdin, and the guardian. Whatever way the run ends, even by
/// an exception, the destructor leaves nothing: it kills the group of every task not yet
/// reaped (its pid, unreaped, still pins the group id), reaps it, kills and reaps what it
/// adopted, and stops the guardian.
class Children {
 public:
  /// Opens /dev/null and raises the descriptor limit; throws std::system_error if it cannot.
  /// `commands`: some task runs a command (only those can leave processes to adopt).
  Children(const SignalGuard& signals, const RunOptions& options, bool commands);
  Children(const Children&) = delete;
  Children& operator=(const Children&) = delete;
  ~Children();

  /// Forks the guardian for a run of `tasks` tasks (only command tasks need it); warns when it
  /// cannot.
  void start_guardian(std::size_t tasks);

  enum class Spawn { kStarted, kNoRoomYet, kFailed };
  /// The most tasks spawn() forks in a row.
  static constexpr std::size_t kMaxInRow = 8;
  /// Forks the tasks of `tasks` at `indices` (at most kMaxInRow) one right after another, then
  /// records them as running, in that order; `started` is how many were (the first ones).
  /// kStarted: all of them. Else the next could not be: kNoRoomYet, a system limit was hit
  /// while other tasks run (warned about once), and has_room() is false until one of them
  /// ends; kFailed: logged, give up.
  Spawn spawn(const std::vector<Task>& tasks, std::span<const std::size_t> indices,
              std::size_t& started);
  bool has_room() const { return !waiting_for_room_; }

  /// Forks `probe_task` (the command of a cmd: probe) for task `index` as a task is forked: a
  /// group of its own, PDEATHSIG, in the guardian's care, MTASK_RUN of task `index` (what it
  /// leaves is that task's). It is no slot and never taken for an adoptee: the caller reaps
  /// it by its pid (waitpid, never -1) and then calls probe_reaped(). Returns the error of the
  /// call that failed, with nothing forked.
  std::error_code spawn_probe(const Task& probe_task, std::size_t index, SpawnedChild& child);
  /// The probe command `pid` was reaped: the guardian forgets its group, and the pid, free
  /// for reuse, may be an adoptee's later.
  void probe_reaped(pid_t pid);

  /// The tasks forked and not yet removed, in the order they were forked.
  const std::vector<std::unique_ptr<Slot>>& running() const { return running_; }
  bool empty() const { return running_.empty(); }

  /// Sees every task whose own process has ended. One whose pipes are closed is reaped (its
  /// rusage kept) after leftovers in its group are killed; one whose pipes are still held is
  /// left a zombie, pinning its group id, until they close (reap_drained). Reaps what mtask
  /// adopted and has ended. First, a task whose process was stopped by a signal is named on the
  /// log, once.
  void reap_exited();
  /// Reaps the tasks that had exited with their pipes held and whose pipes are now closed.
  void reap_drained();
  /// Whether the task's own process has exited (seen without reaping it); notes when.
  bool notice_exit(Slot& slot);
  /// After the tasks that ended this round were removed: kills what they left behind.
  void stop_left_behind() { adopted_.stop_ended(); }
  /// The task was reported as ended: the guardian forgets it and the slot goes.
  void remove(const Slot& slot);
  /// The run is over: closes /dev/null and stops the guardian.
  void close();

 private:
  /// What the child of task `index` is given.
  SpawnContext context_of(std::size_t index) const;
  /// Where a row of forks stopped short: the error, whether it came from preparing a task
  /// (rather than from its fork), and how many tasks of the row were forked before it.
  struct Cut {
    std::error_code error;
    bool preparing = false;
    std::size_t after = 0;
  };
  /// Prepares the tasks at `indices` (at most kMaxInRow) until one cannot be, forks those one
  /// after another until a fork fails, and records the forked ones as running. Returns how
  /// many were forked (the first ones); `cut` says why no more, if fewer than all.
  std::size_t fork_row(const std::vector<Task>& tasks, std::span<const std::size_t> indices,
                       Cut& cut);
  /// Notes the task of `slot`, just forked and running: its pid among the orphans' table, its
  /// timeout, the log.
  void record(Slot& slot);
  /// Whether `error` of forking `task` is worth waiting out (kNoRoomYet) or not (kFailed).
  Spawn spawn_failed(const Task& task, const std::error_code& error);
  void notice_stopped();
  void reap(Slot& slot);
  /// Reads the scheduler's accounting of the task's processes as its exit is noticed.
  void read_exit_cpu(Slot& slot) const;
  Slot* find_unreaped(pid_t pid);

  const SignalGuard& signals_;
  const RunOptions& options_;
  pid_t parent_pid_;
  std::string run_id_;  // MTASK_RUN=<run id>:<task index> is in every command's environment
  Adopted adopted_;
  rlim_t fd_soft_limit_;
  posix::UniqueFd dev_null_;
  posix::UniqueFd proc_dir_;  // /proc, for the read at each task's exit; -1: by path
  Guardian guardian_;
  std::vector<std::unique_ptr<Slot>> running_;
  bool waiting_for_room_ = false;
  bool warned_limit_ = false;
};

}  // namespace mtask::detail
