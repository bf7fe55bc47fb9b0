#pragma once
// From the parsed command line to the run's Config: every value checked, every default
// decided. Pure: what it needs from outside (terminals, environment, the system) comes in a
// Surroundings that main reads once.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/common.h>

#include "cli.hpp"
#include "config.hpp"
#include "mtask/plan/shard.hpp"
#include "mtask/report/report_file.hpp"
#include "mtask/report/terminal.hpp"

namespace app {

/// What mtask reads from outside the command line, once, before it checks the options.
struct Surroundings {
  mtask::TerminalDevice out;  ///< standard output
  mtask::TerminalDevice err;  ///< standard error
  mtask::TerminalEnv env;
  const char* log_level = nullptr;  ///< MTASK_LOG_LEVEL, nullptr when unset
  /// The CPUs mtask may run on (asked only for --cores).
  std::function<std::vector<int>()> allowed_cpus;
  /// Why a report cannot be written to `path` (mtask::cannot_write_report); empty when it can.
  std::function<std::string(const std::string& path, mtask::ReportWriting how)> cannot_write_report;
  /// Whether a NAME is a command on PATH (is_command_on_path); empty: no such hint.
  std::function<bool(const std::string& name)> is_command;
  /// The contents of the task file `path` ("-": standard input, to its end); nullopt when there
  /// is no such file (or this is empty). Throws mtask::UsageError saying why (strerror's words)
  /// when it cannot be read.
  std::function<std::optional<std::string>(const std::string& path)> read_file;
  /// Why a task's `cwd` is no directory its child can change to (strerror's words); empty
  /// when it is one.
  std::function<std::string(const std::string& path)> cannot_enter;
  /// The environment, for the CI's variables of `--shard auto`; empty: nothing is set.
  mtask::GetEnv getenv;
  /// Whether `a` and `b` name one existing file, however each is spelled (`./jobs.tsv`, an
  /// absolute path, a symbolic link): the same device and inode. Empty: only the same spelling
  /// is the same file.
  std::function<bool(const std::string& a, const std::string& b)> same_file;
};

/// The real surroundings: isatty() and the window size of stdout and stderr, the environment,
/// sched_getaffinity(), and the file system for report files, task files and their cwd, and
/// whether two paths name one file.
Surroundings read_surroundings();

/// Checks every value of `cli` and decides the run: tasks, limits, reports, the look of the
/// output on the terminals of `around`, and the hints for what is valid but likely not meant
/// (hints.hpp). Throws mtask::UsageError naming the option, quoting the value and saying the
/// rule.
Config make_config(const CommandLine& cli, const Surroundings& around);

/// mtask's own log level: -q or -v when given, else MTASK_LOG_LEVEL (`env`, nullptr when
/// unset; any case), else warn. Throws mtask::UsageError for a name spdlog does not know, unless
/// -q or -v make it unneeded.
spdlog::level::level_enum log_level(const CommandLine& cli, const char* env);

}  // namespace app
