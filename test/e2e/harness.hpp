#pragma once
// Runs the built mtask binary as a user would, and captures what it did.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace e2e {

/// What one run of mtask printed and how it ended.
struct Run {
  int status = -1;      ///< exit status, or 128 + signal when a signal ended it
  bool signaled = false;
  bool timed_out = false;  ///< the harness had to kill it (the test then fails)
  pid_t pid = -1;          ///< mtask's own pid
  std::string out;
  std::string err;
  std::chrono::duration<double> wall{};

  std::vector<std::string> out_lines() const;
  std::vector<std::string> err_lines() const;
};

/// How to run it.
struct Options {
  std::chrono::milliseconds timeout{30'000};  ///< then the harness kills it and says so
  std::vector<std::string> env;               ///< extra NAME=VALUE entries
  int signal = 0;                             ///< a signal to send to mtask...
  std::chrono::milliseconds signal_after{0};  ///< ...this long after it started
  bool signal_group = false;                  ///< ...to its whole process group, as a terminal does
  bool close_stdout = false;                  ///< stop reading its stdout...
  std::chrono::milliseconds close_after{0};   ///< ...this long after it started
};

/// Runs `mtask ARGS...` with stdin from /dev/null and stdout, stderr captured.
Run mtask(const std::vector<std::string>& args, const Options& options = {});

/// Live (not zombie) processes whose environment holds `marker` (e.g. "MTASK_E2E=42"): a test
/// gives mtask a unique marker in its environment, which every task and every process a task
/// starts inherits, and then looks for what is left.
std::vector<pid_t> processes_with_marker(const std::string& marker);

/// A marker unique to this test process and call, "MTASK_E2E_MARK=<pid>-<n>".
std::string unique_marker();

/// True when a process with this pid exists and is not a zombie.
bool alive(pid_t pid);

/// Splits text into lines (without newlines); a last line without newline counts.
std::vector<std::string> split_lines(const std::string& text);

/// The path of the binary under test.
const char* binary();

}  // namespace e2e
