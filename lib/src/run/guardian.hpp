#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <system_error>

#include "posix/unique_fd.hpp"

namespace mtask::detail {

/// A small process that outlives mtask only to kill what mtask's tasks started if mtask is
/// killed by SIGKILL (which cannot be caught). Each task child registers its process group
/// through a pipe before it runs anything; mtask forgets a group once it has finished it. When
/// the pipe's last writer is gone — mtask exited or died — the guardian kills every group
/// still registered, then every process whose environment holds the run's MTASK_RUN entry
/// (what left its group: docs/design.md, "Nothing escapes"), until none is found, then exits. It
/// runs in a session of its own, so a signal to mtask's process group (Ctrl-C, `kill -9 -PGID`)
/// does not reach it.
class Guardian {
 public:
  Guardian() = default;
  Guardian(const Guardian&) = delete;
  Guardian& operator=(const Guardian&) = delete;
  ~Guardian() { stop(); }

  /// Forks the guardian, with room for `max_groups` groups (one per task of the run), for the
  /// run `run_id` (the tasks' MTASK_RUN=<run_id>:<index>): it allocates nothing after fork.
  /// Call with one thread only, before the tasks are forked.
  std::error_code start(const sigset_t& child_mask, std::size_t max_groups,
                        const std::string& run_id);
  /// The guardian's pid; -1 if none.
  pid_t pid() const { return pid_; }
  /// The descriptor a child writes its process group to (see register_group); -1 if none.
  int fd() const { return fd_.get(); }
  /// mtask has finished with this group: the guardian no longer needs to kill it. Warns once
  /// if the guardian is found gone (the write fails with EPIPE; SIGPIPE must be ignored).
  void forget(pid_t pgid);
  /// Closes the pipe and reaps the guardian (which then kills the groups not forgotten).
  void stop();

  /// In a child: registers its own process group through `fd`. Async-signal-safe.
  static void register_group(int fd, pid_t pgid) noexcept;

 private:
  pid_t pid_ = -1;
  posix::UniqueFd fd_;
  bool lost_ = false;  // the guardian was found gone, and mtask said so
};

}  // namespace mtask::detail
