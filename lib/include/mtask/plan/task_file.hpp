#pragma once
// Task files: mtask.toml, a Procfile, or a list of TASKs, read into tasks (docs/tasks.md).
// Pure: the caller reads the file; these only parse its text.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mtask/grammar/duration.hpp"
#include "mtask/grammar/task.hpp"

namespace mtask {

/// The three formats of a task file.
enum class TaskFileFormat { kToml, kProcfile, kList };

/// A place in a task file: 1-based line and column (the column counts code points).
struct FilePlace {
  std::size_t line = 1;
  std::size_t column = 1;
  bool operator==(const FilePlace&) const = default;
};

/// "FILE:LINE:COLUMN: MESSAGE", as every error in a task file reads.
std::string file_message(std::string_view file, FilePlace at, std::string_view message);

/// The `[run]` table of mtask.toml: defaults for the run's options. Unset: the file does not
/// give it. Options on the command line win over these.
struct FileRunOptions {
  std::optional<std::size_t> jobs{};
  std::optional<std::uint64_t> count{};  ///< for tasks that give none
  std::optional<Duration> interval{};    ///< for tasks that give none
  std::optional<Duration> timeout{};
  std::optional<Duration> kill_after{};
  std::optional<bool> fail_fast{};
  std::optional<std::uint64_t> retries{};
  std::optional<Duration> retry_delay{};
  /// How long a probe waits for a task that gives no ready_timeout of its own (0: no limit).
  std::optional<Duration> ready_timeout{};
};

/// One task of a file, as written there.
struct FileTask {
  /// Its name, and the count, interval and command the file gives (unset: the defaults').
  TaskSpec spec{};
  /// What a file gives beyond the TASK grammar: timeout, retries, env, cwd (as written, not yet
  /// resolved against the file's directory), service, ready, ready_timeout, needs. Its other
  /// fields are left as they are default-initialized.
  Task extras{};
  FilePlace at{};                     ///< where the task is defined
  FilePlace cwd_at{};                 ///< where its cwd is written
  std::vector<FilePlace> needs_at{};  ///< where each of its needs is written
  /// The first key of the services (service, ready, ready_timeout, needs) the task uses, and
  /// where; empty when it uses none.
  std::string services_key{};
  FilePlace services_at{};
};

/// A task file, read and checked.
struct TaskFile {
  std::string name{};  ///< as messages name the file
  TaskFileFormat format = TaskFileFormat::kList;
  FileRunOptions run{};           ///< only mtask.toml gives these
  std::vector<FileTask> tasks{};  ///< in file order; never empty
};

/// The format of a file named `path` (its last component decides: `mtask.toml` and `*.toml` are
/// TOML; `Procfile`, `Procfile.*` and `*.procfile` Procfiles), else of its `text`: its first
/// line that is neither blank nor a comment is TOML when it is a table header `[...]` or a key
/// `run.`/`tasks.`..., a Procfile when it reads `name: command` (a space after the colon), and
/// else a list (docs/tasks.md).
TaskFileFormat detect_format(std::string_view path, std::string_view text);

/// Reads `text` in `format`. Every problem throws UsageError "NAME:LINE:COLUMN: message" with
/// `name` as the file's name: syntax, unknown keys, wrong types, bad names, counts and
/// durations, a name defined twice, needs that name no task or go round in a cycle, a file
/// with no task.
TaskFile read_task_file(std::string name, std::string_view text, TaskFileFormat format);

/// The task `file_task` becomes at `index`: the count and interval it gives, else `defaults`',
/// else the built-in defaults (resolve()); with its extras.
Task resolve(const FileTask& file_task, const TaskDefaults& defaults, std::size_t index);

}  // namespace mtask
