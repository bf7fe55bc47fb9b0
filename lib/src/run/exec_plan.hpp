#pragma once
// What a command task's child needs to run `/bin/sh -c COMMAND`, built in the parent before
// fork, so that the child only fills fixed buffers and makes system calls.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mtask/grammar/task.hpp"

namespace mtask::detail {

/// argv and envp for the shell of a command task, the task's schedule, and the texts of the
/// child's error messages. Built in the parent (it allocates); after fork the child only reads
/// it and rewrites the digits of MTASK_ITERATION in place. It holds pointers into its own
/// storage, so it is neither copied nor moved.
class ExecPlan {
 public:
  /// Enough digits for any 64-bit iteration number.
  static constexpr std::size_t kIterationDigits = 20;

  /// The plan for `task`. `environment` is a null-terminated array like `environ`: its entries
  /// are not copied (they must outlive the plan), except that every MTASK_TASK, MTASK_COUNT,
  /// MTASK_ITERATION and MTASK_RUN in it is left out, and so is every variable the task's `env`
  /// sets; then come the task's `env`, its own three MTASK_ variables, and `run_entry`
  /// (MTASK_RUN=..., by which mtask knows the processes of its run) unless it is empty. The
  /// iteration starts at 1. `shell` is the program run as `sh -c COMMAND`.
  ExecPlan(const Task& task, const char* const* environment, std::string shell = "/bin/sh",
           std::string run_entry = {});
  ExecPlan(const ExecPlan&) = delete;
  ExecPlan& operator=(const ExecPlan&) = delete;

  /// Writes `iteration` in decimal into MTASK_ITERATION's fixed buffer. Async-signal-safe.
  void set_iteration(std::uint64_t iteration) noexcept;

  /// `sh`, `-c`, COMMAND, then a null pointer.
  char* const* argv() const noexcept { return argv_.data(); }
  /// The environment of the shell, ending with a null pointer.
  char* const* envp() const noexcept { return envp_.data(); }
  std::uint64_t count() const noexcept { return count_; }
  std::int64_t interval_nanos() const noexcept { return interval_nanos_; }

  /// Replaces this process with the shell (execve); when that fails, says why on stderr and
  /// ends with status 127. Async-signal-safe.
  [[noreturn]] void exec_shell() const noexcept;

  /// Says on stderr that the fork for `iteration` failed with `error`. Async-signal-safe.
  void say_fork_failed(std::uint64_t iteration, int error) const noexcept;

  /// "mtask: task 'NAME': cannot run SHELL: REASON\n" (REASON as strerror gives it in the C
  /// locale), written into `buffer`, cut short if it does not fit but always ending with a
  /// newline; a view of `buffer`. Async-signal-safe.
  std::string_view cannot_run_message(int error, std::span<char> buffer) const noexcept;
  /// "mtask: task 'NAME': fork for iteration I: REASON\n", likewise.
  std::string_view fork_failed_message(std::uint64_t iteration, int error,
                                       std::span<char> buffer) const noexcept;

 private:
  std::string shell_;
  std::string command_;
  std::string task_entry_;      ///< MTASK_TASK=NAME
  std::string count_entry_;     ///< MTASK_COUNT=N
  std::string run_entry_;       ///< MTASK_RUN=RUN:INDEX, or empty
  std::string message_prefix_;  ///< mtask: task 'NAME':
  char arg0_[3] = "sh";
  char arg1_[3] = "-c";
  /// MTASK_ITERATION= then room for the digits and their NUL.
  char iteration_entry_[sizeof "MTASK_ITERATION=" + kIterationDigits] = "MTASK_ITERATION=";
  std::uint64_t count_;
  std::int64_t interval_nanos_;
  std::vector<char*> argv_;
  std::vector<char*> envp_;
  /// NAME=VALUE for each variable of the task's env; envp_ points into it.
  std::vector<std::string> task_env_;
};

/// "mtask: task 'NAME': cannot change to directory CWD: REASON\n" (REASON as strerror gives it
/// in the C locale), written into `buffer` as ExecPlan's messages are. Async-signal-safe.
std::string_view cannot_enter_message(std::string_view name, std::string_view cwd, int error,
                                      std::span<char> buffer) noexcept;

}  // namespace mtask::detail
