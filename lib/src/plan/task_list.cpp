// A list: one TASK per line in the command line's grammar (docs/tasks.md, "Lists").
#include <utility>
#include <vector>

#include "mtask/error.hpp"
#include "plan/file_text.hpp"

namespace mtask::detail {

TaskFile read_list(std::string name, std::string_view text) {
  TaskFile file{.name = std::move(name), .format = TaskFileFormat::kList};
  const std::vector<Line> lines = meaningful_lines(text);
  // Reserved: grown by doubling, the list would hold its old and its new storage at once.
  file.tasks.reserve(lines.size());
  for (const Line& line : lines) {
    FileTask task;
    task.at = FilePlace{line.number, line.column};
    try {
      task.spec = parse_task(line.text);
    } catch (const UsageError& error) {
      fail_at(file.name, task.at, error.what());
    }
    // Two lines may share a NAME, as two TASKs on the command line may; `index` tells them
    // apart, and selecting the NAME selects both.
    file.tasks.push_back(std::move(task));
  }
  require_tasks(file, "a task is a line NAME[:COUNT][@INTERVAL][=COMMAND]");
  return file;
}

}  // namespace mtask::detail
