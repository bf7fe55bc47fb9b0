// One [tasks.NAME] table of mtask.toml, key by key (docs/tasks.md, "mtask.toml").
#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/grammar/probe.hpp"
#include "plan/toml_values.hpp"

namespace mtask::detail {
namespace {

constexpr std::string_view kTaskKeys =
    "run, count, interval, timeout, retries, env, cwd, service, ready, ready_timeout, needs";

/// The variables mtask sets for every command itself: a task file may not set them.
constexpr std::array<std::string_view, 4> kOwnVariables = {"MTASK_TASK", "MTASK_COUNT",
                                                           "MTASK_ITERATION", "MTASK_RUN"};

/// Why `name` is no variable name a task file may set; empty when it is one.
std::string variable_error(std::string_view name) {
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  bool valid = !name.empty() && !digit(name.front());
  for (const char c : name) valid = valid && (letter(c) || digit(c) || c == '_');
  if (!valid) return "not a variable name (letters, digits and '_', not starting with a digit)";
  for (const std::string_view own : kOwnVariables) {
    if (name == own) return "set by mtask itself for every command";
  }
  return {};
}

void read_env(const TomlValues& values, const toml::node& node, Task& task) {
  std::vector<std::pair<FilePlace, std::pair<std::string, std::string>>> variables;
  for (const auto& [key, value] : values.table(node, "env")) {
    if (const std::string rule = variable_error(key.str()); !rule.empty()) {
      values.fail(key.source(), fmt::format("env: {}: {}", quote_arg(key.str()), rule));
    }
    const std::string name = fmt::format("env.{}", key.str());
    variables.push_back({TomlValues::place(key.source()),
                         {std::string(key.str()), values.string(value, name, true)}});
  }
  // In the file's order (toml++ keeps a table's keys sorted), as `mtask list` shows them.
  std::ranges::sort(variables, [](const auto& a, const auto& b) {
    return std::pair(a.first.line, a.first.column) < std::pair(b.first.line, b.first.column);
  });
  for (auto& variable : variables) task.env.push_back(std::move(variable.second));
}

void read_needs(const TomlValues& values, const toml::node& node, FileTask& task) {
  for (const toml::node& need : values.array(node, "needs")) {
    const std::string name = values.string(need, "needs", true);
    if (const std::string rule = name_error(name); !rule.empty()) {
      values.fail(need.source(), fmt::format("needs: {}: {}", quote_arg(name), rule));
    }
    task.extras.needs.push_back(name);
    task.needs_at.push_back(TomlValues::place(need.source()));
  }
}

/// Reads what the services use (service, ready, ready_timeout, needs); false for another key.
bool read_services_key(const TomlValues& values, std::string_view key, const toml::node& node,
                       FileTask& task) {
  bool used = true;
  if (key == "service") {
    task.extras.service = values.boolean(node, key);
    used = task.extras.service;
  } else if (key == "ready") {
    task.extras.ready = values.string(node, key, false);
    try {
      parse_probe(task.extras.ready);
    } catch (const UsageError& error) {
      values.fail(node.source(),
                  fmt::format("ready = {}: {}", quote_arg(task.extras.ready), error.what()));
    }
  } else if (key == "ready_timeout") {
    task.extras.ready_timeout = values.duration(node, key);
  } else if (key == "needs") {
    read_needs(values, node, task);
    used = !task.extras.needs.empty();
  } else {
    return false;
  }
  // The first of them in the file is the one a refusal names.
  const FilePlace at = TomlValues::place(node.source());
  if (used &&
      (task.services_key.empty() ||
       std::pair(at.line, at.column) < std::pair(task.services_at.line, task.services_at.column))) {
    task.services_key = std::string(key);
    task.services_at = at;
  }
  return true;
}

/// Reads one key of a task's table; false when there is no such key.
bool read_task_key(const TomlValues& values, std::string_view key, const toml::node& node,
                   FileTask& task) {
  if (key == "run") {
    task.spec.command = values.string(node, key, false);
  } else if (key == "count") {
    task.spec.count = values.whole(node, key, 0, kMaxCount);
  } else if (key == "interval") {
    task.spec.interval = values.duration(node, key);
  } else if (key == "timeout") {
    task.extras.timeout = values.duration(node, key);
  } else if (key == "retries") {
    task.extras.retries = values.whole(node, key, 0, kMaxCount);
  } else if (key == "env") {
    read_env(values, node, task.extras);
  } else if (key == "cwd") {
    task.extras.cwd = values.string(node, key, false);
    task.cwd_at = TomlValues::place(node.source());
  } else {
    return read_services_key(values, key, node, task);
  }
  return true;
}

}  // namespace

FileTask read_toml_task(const TomlValues& values, std::string_view name, const toml::table& table) {
  FileTask task;
  task.spec.name = std::string(name);
  for (const auto& [key, value] : in_file_order(table)) {
    if (!read_task_key(values, key->str(), *value, task)) {
      values.fail(key->source(), fmt::format("unknown key {} in [tasks.{}] (use {})",
                                             quote_arg(key->str()), name, kTaskKeys));
    }
  }
  // A service never ends on its own, so `exit` would never make it ready: told at `ready`,
  // whichever of the two keys comes first.
  if (task.extras.service && task.extras.ready == "exit") {
    values.fail(table.get("ready")->source(),
                "ready = 'exit': a service is never ready by ending (it runs until the run is "
                "over; leave ready out, or give tcp:, line: or cmd:)");
  }
  return task;
}

}  // namespace mtask::detail
