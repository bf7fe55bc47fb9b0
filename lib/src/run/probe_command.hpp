#pragma once
// One try of a cmd: probe: its command run as a small task of its own (docs/smoke.md,
// "Readiness probes").

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "mtask/grammar/task.hpp"
#include "posix/unique_fd.hpp"

namespace mtask::detail {

class Children;

/// The longest last line of a probe command's stderr that is kept for the reason.
inline constexpr std::size_t kProbeErrorLine = 200;

/// A probe command while it runs: forked through Children (a group of its own, in the
/// guardian's care, never taken for an adoptee), its stdout read and dropped, the last line
/// of its stderr kept. Whatever way it ends it is reaped by its pid, never with waitpid(-1);
/// what is left in its group is killed first, while its pid still pins the group id.
class ProbeCommand {
 public:
  explicit ProbeCommand(Children& children) : children_(children) {}
  ProbeCommand(const ProbeCommand&) = delete;
  ProbeCommand& operator=(const ProbeCommand&) = delete;
  /// Kills and reaps the command if it runs.
  ~ProbeCommand() { kill_and_reap(); }

  /// Forks `probe_task` for task `index`; the error of the call that failed.
  std::error_code start(const Task& probe_task, std::size_t index);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  /// Its stdout (`err` false) or stderr pipe while open; -1 when closed.
  int fd(bool err) const { return err ? err_.get() : out_.get(); }
  /// Reads what the pipe has now: stdout is dropped, stderr's last line kept.
  void read(bool err);
  /// Whether both pipes are closed (it, and all it started, let go of them).
  bool pipes_closed() const { return !out_ && !err_; }
  /// When the command has exited: kills what is left in its group, reaps it, reads what its
  /// pipes still hold and closes them, and returns true with its wait status. False while it
  /// runs.
  bool reap(int& status);
  /// Kills its group (SIGKILL), reaps it and closes its pipes; nothing when it does not run.
  void kill_and_reap();
  /// The last non-empty line it wrote on stderr, at most kProbeErrorLine bytes.
  const std::string& error_line() const { return error_line_; }

 private:
  void reaped();
  void keep_last_line(std::string_view bytes);

  Children& children_;
  pid_t pid_ = -1;
  std::string name_;  // the task's, for the log
  posix::UniqueFd out_;
  posix::UniqueFd err_;
  std::string error_line_;
  std::string partial_;  // stderr since its last newline, at most kProbeErrorLine bytes
};

}  // namespace mtask::detail
