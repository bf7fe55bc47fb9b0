#pragma once
// Runs the built mtask binary as a user would, and captures what it did.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace e2e {

/// What one run of mtask printed and how it ended.
struct Run {
  int status = -1;  ///< exit status, or 128 + signal when a signal ended it
  bool signaled = false;
  bool timed_out = false;  ///< the harness had to kill it (the test then fails)
  pid_t pid = -1;          ///< mtask's own pid
  std::string out;
  std::string err;
  std::chrono::duration<double> wall{};
  /// From wait4: mtask's CPU time (user + system) and peak RSS, each including the processes
  /// it reaped (its tasks), as the kernel counts them.
  std::chrono::duration<double> cpu{};
  long max_rss_kb = 0;
  /// mtask's own peak resident memory (VmHWM), sampled while it ran.
  long peak_rss_kb = 0;

  std::vector<std::string> out_lines() const;
  std::vector<std::string> err_lines() const;
};

/// Something to do while mtask runs, this long after it started.
struct Action {
  std::chrono::milliseconds after;
  std::function<void(pid_t mtask_pid)> run;
};

/// How to run it.
struct Options {
  std::chrono::milliseconds timeout{30'000};  ///< then the harness kills it and says so
  std::vector<std::string> env;               ///< extra NAME=VALUE entries
  std::vector<std::string> prefix;            ///< run `prefix... mtask args...` (e.g. prlimit)
  std::vector<Action> actions;                ///< in the order of their times
  bool close_stdout = false;                  ///< stop reading mtask's stdout (close the pipe)...
  std::chrono::milliseconds close_after{0};   ///< ...this long after it started
  bool stderr_closed = false;  ///< start mtask with its stderr pipe already closed by the reader
  bool stdin_closed = false;   ///< start mtask with no descriptor 0 at all
  /// Start mtask with these descriptors (0, 1, 2) closed, as `<&- >&- 2>&-` in a shell; what
  /// it would have written there is lost.
  std::vector<int> closed_fds;
  /// When set, mtask's stdin is a pipe holding this text (at most 4 KiB) that stays open until
  /// mtask ends, as a terminal would; else /dev/null.
  std::optional<std::string> input;
  /// With `input`: close the pipe once the text is written, so that mtask reads to its end
  /// (`-f -`), as `printf ... | mtask` gives it.
  bool input_ends = false;
  /// Run mtask in this directory; unset: the test's own.
  std::optional<std::string> cwd;
  /// Run this copy of mtask instead of the one under test (e.g. one another user can reach).
  std::optional<std::string> binary;
};

/// An action that sends `sig` to mtask (or to its whole process group, as a terminal does).
Action send_signal(std::chrono::milliseconds after, int sig, bool to_group = false);

/// Runs `mtask ARGS...` with stdin from /dev/null (or Options::input) and stdout, stderr
/// captured.
Run mtask(const std::vector<std::string>& args, const Options& options = {});

/// Live (not zombie) processes whose environment holds `marker` (e.g. "MTASK_E2E=42"): a test
/// gives mtask a unique marker in its environment, which every task and every process a task
/// starts inherits, and then looks for what is left.
std::vector<pid_t> processes_with_marker(const std::string& marker);

/// mtask's guardian: the child of `parent` that leads a session of its own (as every task
/// does too) and writes to /dev/null (a task writes to its pipe); -1 if none.
pid_t guardian_of(pid_t parent);

/// An action that SIGKILLs mtask's guardian `after` the start and stores its pid in `killed`
/// (-1 when none was found).
Action kill_guardian(std::chrono::milliseconds after, pid_t& killed);

/// A marker unique to this test process and call, "MTASK_E2E_MARK=<pid>-<n>".
std::string unique_marker();

/// Waits up to `limit` for every process carrying `marker` to be gone; returns what is left.
std::vector<pid_t> left_after(const std::string& marker, std::chrono::milliseconds limit);

/// Options bounded by `timeout` that give mtask (and so every process of its tasks) `marker`.
Options marked(const std::string& marker, std::chrono::milliseconds timeout);

/// True when `part` occurs in `text`.
bool contains(const std::string& text, const std::string& part);

/// True when a process with this pid exists and is not a zombie.
bool alive(pid_t pid);

/// Splits text into lines (without newlines); a last line without newline counts.
std::vector<std::string> split_lines(const std::string& text);

/// The whole of a small file such as /proc/PID/stat; empty when it cannot be read. Never
/// throws: a process may vanish between opening its files and reading them (ESRCH), which
/// std::ifstream reports by throwing from its buffer.
std::string read_proc(const std::string& path);

/// The path of the binary under test.
const char* binary();

/// A test whose precondition does not hold here: on CI (the CI variable is set) that is a
/// failure, since what the test checks would go unchecked; elsewhere a warning. The caller
/// returns after it.
void cannot_check(const std::string& why);

/// A fresh directory (mkdtemp under $TMPDIR or /tmp), removed with its contents at scope exit.
class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::string& path() const { return path_; }
  /// The path of `name` inside the directory.
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

/// A copy of the binary under test in a fresh directory that every user can read and search
/// (the build tree may sit under a private home, out of reach of `nobody`).
class SharedBinary {
 public:
  SharedBinary();
  const std::string& path() const { return path_; }

 private:
  TempDir dir_;
  std::string path_;
};

/// The whole of a file ("" when it cannot be read).
std::string read_all(const std::string& path);

/// What a shell command printed on stdout (stderr joined to it) and its exit status.
struct Shell {
  int status = -1;
  std::string out;
};

/// Runs `command` with /bin/sh (popen), stderr joined to stdout.
Shell shell(const std::string& command);

}  // namespace e2e
