// Task files: which format a file is in, and what the three readers share (docs/tasks.md).
#include "mtask/plan/task_file.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "plan/file_text.hpp"

namespace mtask {
namespace detail {

void fail_at(std::string_view file, FilePlace at, std::string_view message) {
  throw UsageError(file_message(file, at, message));
}

std::size_t column_at(std::string_view line, std::size_t byte) {
  // Continuation bytes of UTF-8 (10xxxxxx) start no code point.
  const auto head = line.substr(0, byte);
  return 1 + static_cast<std::size_t>(std::ranges::count_if(
                 head, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::vector<Line> meaningful_lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t number = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    const std::size_t last = line.find_last_not_of(" \t\r");
    lines.push_back({number, column_at(line, first), line.substr(first, last + 1 - first)});
  }
  return lines;
}

void add_task(TaskFile& file, FileTask task) {
  const auto same = std::ranges::find_if(
      file.tasks, [&task](const FileTask& t) { return t.spec.name == task.spec.name; });
  if (same != file.tasks.end()) {
    fail_at(file.name, task.at,
            fmt::format("task {} is defined twice (first at line {})", quote_arg(task.spec.name),
                        same->at.line));
  }
  file.tasks.push_back(std::move(task));
}

void require_tasks(const TaskFile& file, std::string_view what) {
  if (file.tasks.empty()) fail_at(file.name, FilePlace{}, fmt::format("no tasks ({})", what));
}

}  // namespace detail

namespace {

/// `text` without the UTF-8 byte order mark some editors put first: it is no part of a name.
std::string_view without_bom(std::string_view text) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  return text.starts_with(kBom) ? text.substr(kBom.size()) : text;
}

/// The format the last component of `path` names, if it names one.
std::optional<TaskFileFormat> format_by_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (base.ends_with(".toml")) return TaskFileFormat::kToml;
  if (base == "Procfile" || base.starts_with("Procfile.") || base.ends_with(".procfile")) {
    return TaskFileFormat::kProcfile;
  }
  if (base.ends_with(".txt") || base.ends_with(".list")) return TaskFileFormat::kList;
  return std::nullopt;
}

/// `name: command`: a NAME without ':', '=' or '@', a colon, then a blank.
bool looks_like_procfile(std::string_view line) {
  const std::size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 >= line.size()) return false;
  if (line.substr(0, colon).find_first_of("=@ \t") != std::string_view::npos) return false;
  return line[colon + 1] == ' ' || line[colon + 1] == '\t';
}

bool looks_like_toml(std::string_view line) {
  if (line.starts_with('[')) return true;
  for (const std::string_view table : {"run", "tasks"}) {
    if (!line.starts_with(table)) continue;
    const std::size_t next = line.find_first_not_of(" \t", table.size());
    if (next != std::string_view::npos && line[next] == '.') return true;
  }
  return false;
}

}  // namespace

std::string file_message(std::string_view file, FilePlace at, std::string_view message) {
  return fmt::format("{}:{}:{}: {}", file, at.line, at.column, message);
}

TaskFileFormat detect_format(std::string_view path, std::string_view text) {
  if (const auto by_name = format_by_name(path)) return *by_name;
  const std::vector<detail::Line> lines = detail::meaningful_lines(without_bom(text));
  if (lines.empty()) return TaskFileFormat::kList;
  if (looks_like_toml(lines.front().text)) return TaskFileFormat::kToml;
  if (looks_like_procfile(lines.front().text)) return TaskFileFormat::kProcfile;
  return TaskFileFormat::kList;
}

TaskFile read_task_file(std::string name, std::string_view text, TaskFileFormat format) {
  text = without_bom(text);
  switch (format) {
    case TaskFileFormat::kToml:
      return detail::read_toml(std::move(name), text);
    case TaskFileFormat::kProcfile:
      return detail::read_procfile(std::move(name), text);
    case TaskFileFormat::kList:
      break;
  }
  return detail::read_list(std::move(name), text);
}

Task resolve(const FileTask& file_task, const TaskDefaults& defaults, std::size_t index) {
  Task task = file_task.extras;
  const Task decided = resolve(file_task.spec, defaults, index);
  task.name = decided.name;
  task.count = decided.count;
  task.interval = decided.interval;
  task.command = decided.command;
  task.index = index;
  return task;
}

}  // namespace mtask
