// --service, --ready and --needs on the task list (docs/tasks.md, "Services and needs").
#include "services.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/grammar/probe.hpp"
#include "mtask/plan/needs.hpp"
#include "mtask/text/suggest.hpp"

namespace app {
namespace {

/// One --ready or --needs as given: the option, its value, and the value cut at its first '='.
struct Assignment {
  const char* option;
  std::string value;
  std::string name;
  std::string rest;
};

[[noreturn]] void fail(const char* option, const std::string& value, std::string_view why) {
  throw mtask::UsageError(fmt::format("{} {}: {}", option, mtask::quote_arg(value), why));
}

/// NAME=REST, with `form` as the rule when there is no NAME before an '='.
Assignment split(const char* option, const std::string& value, std::string_view form) {
  if (value.empty()) throw mtask::UsageError(fmt::format("{} '': needs a value", option));
  const std::size_t equals = value.find('=');
  if (equals == std::string::npos || equals == 0) {
    fail(option, value, fmt::format("expected {}", form));
  }
  return {option, value, value.substr(0, equals), value.substr(equals + 1)};
}

std::vector<std::string> names_of(const std::vector<mtask::Task>& tasks) {
  std::vector<std::string> names;
  for (const mtask::Task& task : tasks) {
    if (std::ranges::find(names, task.name) == names.end()) names.push_back(task.name);
  }
  return names;
}

/// Why `name` is no single task of `tasks` ("'wbe' is no task (did you mean 'web'?)"), or "".
std::string not_one_task(const std::string& name, const std::vector<mtask::Task>& tasks) {
  const auto count = std::ranges::count(tasks, name, &mtask::Task::name);
  if (count == 1) return {};
  if (count > 1) {
    return fmt::format("{} names {} tasks (give each its own NAME)", mtask::quote_arg(name), count);
  }
  return fmt::format("{} is no task{}", mtask::quote_arg(name),
                     mtask::did_you_mean(name, names_of(tasks)));
}

/// The one task `name` names; an error naming `option` and `value` otherwise.
mtask::Task& task_named(const char* option, const std::string& value, const std::string& name,
                        std::vector<mtask::Task>& tasks) {
  if (const std::string why = not_one_task(name, tasks); !why.empty()) fail(option, value, why);
  return *std::ranges::find(tasks, name, &mtask::Task::name);
}

/// The names of `--needs NAME=A,B`: each a task (of any number of them), none empty, none NAME.
std::vector<std::string> needed_names(const Assignment& given,
                                      const std::vector<mtask::Task>& tasks) {
  std::vector<std::string> needs;
  if (given.rest.empty()) return needs;  // NAME=: needs nothing, whatever the file says
  for (std::size_t at = 0; at <= given.rest.size();) {
    const std::size_t comma = std::min(given.rest.find(',', at), given.rest.size());
    std::string need = given.rest.substr(at, comma - at);
    if (need.empty()) fail(given.option, given.value, "a NAME between commas is empty");
    if (need == given.name) {
      fail(given.option, given.value, fmt::format("task {} needs itself", mtask::quote_arg(need)));
    }
    if (std::ranges::find(tasks, need, &mtask::Task::name) == tasks.end()) {
      fail(given.option, given.value,
           fmt::format("{} is no task{}", mtask::quote_arg(need),
                       mtask::did_you_mean(need, names_of(tasks))));
    }
    needs.push_back(std::move(need));
    at = comma + 1;
  }
  return needs;
}

/// Checks the probe of `task` as the options left it: a service's may not be `exit`.
void check_probe(const mtask::Task& task, const CommandLine& cli) {
  try {
    mtask::probe_of(task);
  } catch (const mtask::UsageError& error) {
    // The --ready of the task (given once), else its --service, gave what is wrong.
    for (auto given = cli.readies.rbegin(); given != cli.readies.rend(); ++given) {
      if (given->starts_with(task.name + "=")) fail("--ready", *given, error.what());
    }
    fail("--service", task.name,
         fmt::format("its ready is {}, and a service is never ready by ending (give it another "
                     "with --ready {})",
                     mtask::quote_arg(task.ready), mtask::quote_arg(task.name + "=PROBE")));
  }
}

/// A NAME given twice to `option`: which one was meant is not for mtask to guess.
void once_per_name(const char* option, const std::vector<std::string>& values) {
  std::vector<std::string_view> names;
  for (const std::string& value : values) {
    const std::string_view name = std::string_view(value).substr(0, value.find('='));
    if (name.empty() || name.size() == value.size()) continue;  // split() says what is wrong
    if (std::ranges::find(names, name) != names.end()) {
      fail(option, value,
           fmt::format("{} is given to {} twice (give each NAME once)", mtask::quote_arg(name),
                       option));
    }
    names.push_back(name);
  }
}

}  // namespace

void apply_service_options(const CommandLine& cli, std::vector<mtask::Task>& tasks) {
  std::vector<const mtask::Task*> changed;
  once_per_name("--ready", cli.readies);
  once_per_name("--needs", cli.needs);
  for (const std::string& name : cli.services) {
    if (name.empty()) throw mtask::UsageError("--service '': needs a value");
    mtask::Task& task = task_named("--service", name, name, tasks);
    task.service = true;
    changed.push_back(&task);
  }
  for (const std::string& value : cli.readies) {
    const Assignment given = split("--ready", value, "NAME=PROBE (e.g. web=tcp:8000)");
    mtask::Task& task = task_named(given.option, value, given.name, tasks);
    try {
      mtask::parse_probe(given.rest);
    } catch (const mtask::UsageError& error) {
      fail(given.option, value, error.what());
    }
    task.ready = given.rest;
    changed.push_back(&task);
  }
  for (const std::string& value : cli.needs) {
    const Assignment given = split("--needs", value, "NAME=A,B (e.g. smoke=web,db)");
    mtask::Task& task = task_named(given.option, value, given.name, tasks);
    task.needs = needed_names(given, tasks);
  }
  for (const mtask::Task* task : changed) check_probe(*task, cli);
  if (cli.needs.empty()) return;  // a task file's needs were checked as it was read
  try {
    mtask::check_needs(tasks);
  } catch (const mtask::UsageError& error) {
    throw mtask::UsageError(fmt::format("--needs: {}", error.what()));
  }
}

}  // namespace app
