#pragma once
// What the readers of the three task file formats share (docs/tasks.md): places and errors,
// meaningful lines, unique names, and the check of needs.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mtask/plan/task_file.hpp"

namespace mtask::detail {

/// Throws UsageError "FILE:LINE:COLUMN: message".
[[noreturn]] void fail_at(std::string_view file, FilePlace at, std::string_view message);

/// The 1-based column of byte `byte` of `line`, counted in code points.
std::size_t column_at(std::string_view line, std::size_t byte);

/// A line that is neither blank nor a comment, without its surrounding blanks (and '\r').
struct Line {
  std::size_t number = 0;  ///< 1-based
  std::size_t column = 0;  ///< of the first character of `text`
  std::string_view text;
};

/// The lines of `text` that count: blank lines and those whose first non-blank character is
/// '#' are skipped.
std::vector<Line> meaningful_lines(std::string_view text);

/// Appends `task` to `file`; a name already there is an error at the task's place.
void add_task(TaskFile& file, FileTask task);

/// A file with no task is an error (`what` says what a task looks like in its format).
void require_tasks(const TaskFile& file, std::string_view what);

/// Every name in needs is a task of the file, and no task needs itself through others.
void check_needs(const TaskFile& file);

TaskFile read_toml(std::string name, std::string_view text);
TaskFile read_procfile(std::string name, std::string_view text);
TaskFile read_list(std::string name, std::string_view text);

}  // namespace mtask::detail
