// mtask.toml: a [run] table of defaults and one [tasks.NAME] table per task (docs/tasks.md,
// "mtask.toml").
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "plan/file_text.hpp"
#include "plan/toml_values.hpp"

namespace mtask::detail {
namespace {

constexpr std::string_view kRunKeys =
    "jobs, count, interval, timeout, kill_after, fail_fast, retries, retry_delay, ready_timeout";

/// Reads one key of [run]; false when there is no such key.
bool read_run_key(const TomlValues& values, std::string_view key, const toml::node& node,
                  FileRunOptions& run) {
  if (key == "jobs") {
    run.jobs = static_cast<std::size_t>(values.whole(node, key, 1, kMaxCount));
  } else if (key == "count") {
    run.count = values.whole(node, key, 0, kMaxCount);
  } else if (key == "interval") {
    run.interval = values.duration(node, key);
  } else if (key == "timeout") {
    run.timeout = values.duration(node, key);
  } else if (key == "kill_after") {
    run.kill_after = values.duration(node, key);
  } else if (key == "fail_fast") {
    run.fail_fast = values.boolean(node, key);
  } else if (key == "retries") {
    run.retries = values.whole(node, key, 0, kMaxCount);
  } else if (key == "retry_delay") {
    run.retry_delay = values.duration(node, key);
  } else if (key == "ready_timeout") {
    run.ready_timeout = values.duration(node, key);
  } else {
    return false;
  }
  return true;
}

void read_run(const TomlValues& values, const toml::node& node, FileRunOptions& run) {
  for (const auto& [key, value] : in_file_order(values.table(node, "run"))) {
    if (!read_run_key(values, key->str(), *value, run)) {
      values.fail(key->source(),
                  fmt::format("unknown key {} in [run] (use {})", quote_arg(key->str()), kRunKeys));
    }
  }
}

void read_tasks(const TomlValues& values, const toml::node& node, TaskFile& file) {
  for (const auto& [key, value] : in_file_order(values.table(node, "tasks"))) {
    const std::string_view name = key->str();
    if (const std::string rule = name_error(name); !rule.empty()) {
      values.fail(key->source(), fmt::format("{}: {}", quote_arg(name), rule));
    }
    const std::string where = fmt::format("tasks.{}", name);
    FileTask task = read_toml_task(values, name, values.table(*value, where));
    task.at = TomlValues::place(key->source());
    file.tasks.push_back(std::move(task));
  }
}

toml::table parse(const std::string& name, std::string_view text) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& error) {
    fail_at(name, TomlValues::place(error.source()), error.description());
  }
}

}  // namespace

TaskFile read_toml(std::string name, std::string_view text) {
  TaskFile file{.name = std::move(name), .format = TaskFileFormat::kToml};
  const toml::table root = parse(file.name, text);
  const TomlValues values(file.name);
  for (const auto& [key, value] : in_file_order(root)) {
    if (key->str() == "run") {
      read_run(values, *value, file.run);
    } else if (key->str() == "tasks") {
      read_tasks(values, *value, file);
    } else {
      values.fail(key->source(), fmt::format("unknown key {} (use [run] and [tasks.NAME])",
                                             quote_arg(key->str())));
    }
  }
  require_tasks(file, "a task is a [tasks.NAME] table");
  check_needs(file);
  return file;
}

}  // namespace mtask::detail
