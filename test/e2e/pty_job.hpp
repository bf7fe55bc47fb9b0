#pragma once
// mtask run as a job-control shell runs a foreground job on a terminal, for the tests of
// Ctrl-Z and `fg`.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace e2e {

/// A new pseudo-terminal and a session on it whose leader, standing in for a shell, forks
/// mtask into a process group of its own, makes that group the terminal's foreground and waits
/// for it. mtask's group is thus not orphaned (its parent is in the same session, in another
/// group), and what is typed on the terminal (^Z, ^C) reaches it as it would from a keyboard.
/// mtask's stdin is the terminal; its stdout and stderr are pipes read here. The destructor
/// kills and reaps whatever is left.
class PtyJob {
 public:
  /// Starts `mtask ARGS...` with `env` (NAME=VALUE) added to this process's environment and
  /// the signals in `ignored` ignored, as `trap '' SIG` in a shell leaves them.
  PtyJob(const std::vector<std::string>& args, const std::vector<std::string>& env,
         const std::vector<int>& ignored = {});
  PtyJob(const PtyJob&) = delete;
  PtyJob& operator=(const PtyJob&) = delete;
  ~PtyJob();

  /// mtask's pid, which is also its process group.
  pid_t pid() const { return mtask_; }
  /// Types `c` on the terminal (e.g. '\x1a', ^Z).
  void type(char c);
  /// Reads what mtask writes for `how_long`, or until it has ended.
  void pump(std::chrono::milliseconds how_long);
  /// Reads until mtask has ended (true) or `limit` has passed (false: it is then killed).
  bool wait(std::chrono::milliseconds limit);

  int status = -1;  ///< mtask's exit status (128 + N for a signal), once wait() saw it end
  std::string out;
  std::string err;

 private:
  int master_ = -1;
  int out_ = -1;
  int err_ = -1;
  bool terminal_open_ = true;
  pid_t shell_ = -1;
  pid_t mtask_ = -1;
};

/// The state letter of /proc/PID/stat (R, S, T, Z...); 0 when the process is gone.
char state_of(pid_t pid);

}  // namespace e2e
