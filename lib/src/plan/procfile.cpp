// A Procfile: `name: command` per line (docs/tasks.md, "Procfile").
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "plan/file_text.hpp"

namespace mtask::detail {

TaskFile read_procfile(std::string name, std::string_view text) {
  TaskFile file{.name = std::move(name), .format = TaskFileFormat::kProcfile};
  for (const Line& line : meaningful_lines(text)) {
    const FilePlace at{line.number, line.column};
    const std::size_t colon = line.text.find(':');
    if (colon == std::string_view::npos) {
      fail_at(file.name, at,
              fmt::format("{}: expected 'name: command' (a Procfile line)", quote_arg(line.text)));
    }
    const std::string_view task_name = line.text.substr(0, colon);
    if (const std::string rule = name_error(task_name); !rule.empty()) {
      fail_at(file.name, at, fmt::format("{}: {}", quote_arg(task_name), rule));
    }
    const std::size_t command = line.text.find_first_not_of(" \t", colon + 1);
    const FilePlace command_at{
        line.number, line.column + column_at(line.text, std::min(command, line.text.size())) - 1};
    if (command == std::string_view::npos) {
      fail_at(file.name, command_at,
              fmt::format("no command after {}", quote_arg(fmt::format("{}:", task_name))));
    }
    if (line.text.find('\0') != std::string_view::npos) {
      fail_at(file.name, command_at, "command must not contain a NUL byte");
    }
    FileTask task;
    task.spec.name = std::string(task_name);
    task.spec.command = std::string(line.text.substr(command));
    task.at = at;
    add_task(file, std::move(task));
  }
  require_tasks(file, "a task is a line 'name: command'");
  return file;
}

}  // namespace mtask::detail
