#pragma once
// The needs of a task list (docs/tasks.md, "Services and needs"): what every caller checks
// before anything starts, whoever made the list (a task file, the command line, a library
// caller).

#include <vector>

#include "mtask/grammar/task.hpp"

namespace mtask {

/// Checks the needs of `tasks`: every name a task needs names a task of `tasks` (a NAME names
/// every task of that name), no task needs itself, and no tasks need each other in a cycle.
/// Throws UsageError with one line: "task 'b' needs 'x', which is no task", "task 'a' needs
/// itself", "tasks need each other in a cycle: a -> b -> a" (the first cycle met, walking the
/// tasks and their needs in order). Linear in the tasks and their needs.
void check_needs(const std::vector<Task>& tasks);

}  // namespace mtask
