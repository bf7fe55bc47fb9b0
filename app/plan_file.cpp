// Which task file the command line reads and which of its tasks run (docs/tasks.md).
#include "plan_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/text/suggest.hpp"
#include "services.hpp"

namespace app {
namespace {

constexpr const char* kDefaultFile = "mtask.toml";

/// The directory of `path` as it is written ("ci/mtask.toml": "ci"), empty for one without.
std::string dir_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {};
  return slash == 0 ? "/" : path.substr(0, slash);
}

/// When a Procfile is here but no mtask.toml: how to run it. Looked for only on the way to an
/// error, so it costs a run nothing.
std::string procfile_hint(const Surroundings& around) {
  try {
    if (around.read_file && around.read_file("Procfile")) {
      return "; a Procfile is here: mtask run -f Procfile";
    }
  } catch (const mtask::UsageError&) {
    // Not readable: no hint, the error stands as it is.
  }
  return {};
}

/// "'x': no task of that name in FILE (did you mean 'y'?); its tasks: a, b, c".
[[noreturn]] void fail_unknown(const std::string& name, const mtask::TaskFile& file,
                               bool implicit) {
  std::vector<std::string> names;
  for (const mtask::FileTask& task : file.tasks) names.push_back(task.spec.name);
  constexpr std::size_t kShown = 12;
  std::string list;
  for (std::size_t i = 0; i < names.size() && i < kShown; ++i) {
    list += (i == 0 ? "" : ", ") + names[i];
  }
  if (names.size() > kShown) list += fmt::format(" and {} more", names.size() - kShown);
  // Read without -f because every TASK was a bare NAME: say how to run a demo task instead.
  const std::string demo =
      implicit ? fmt::format(" (a built-in demo task beside {} is written with its COUNT: {}:3)",
                             file.name, name)
               : std::string();
  throw mtask::UsageError(fmt::format("{}: no task of that name in {}{}; its tasks: {}{}",
                                      mtask::quote_arg(name), file.name,
                                      mtask::did_you_mean(name, names), list, demo));
}

/// Whether each task of `file` runs: those `names` select (every task of a NAME: a list may
/// give one twice) and what they need, or all. `tasks` are the file's, with the command line's
/// --needs applied.
std::vector<bool> selected(const mtask::TaskFile& file, const std::vector<mtask::Task>& tasks,
                           const std::vector<std::string>& names, bool implicit) {
  std::vector<bool> chosen(tasks.size(), names.empty());
  std::multimap<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < tasks.size(); ++i) index.emplace(tasks[i].name, i);
  std::vector<std::size_t> todo;
  for (const std::string& name : names) {
    const auto [first, last] = index.equal_range(name);
    if (first == last) {
      if (!mtask::name_error(name).empty()) {
        throw mtask::UsageError(fmt::format(
            "{}: with a task file, a TASK is the NAME of one of its tasks (the file gives the "
            "rest)",
            mtask::quote_arg(name)));
      }
      fail_unknown(name, file, implicit);
    }
    for (auto found = first; found != last; ++found) todo.push_back(found->second);
  }
  // Needs were checked: every name is there (each naming every task of it), and no cycle.
  while (!todo.empty()) {
    const std::size_t task = todo.back();
    todo.pop_back();
    if (chosen[task]) continue;
    chosen[task] = true;
    for (const std::string& need : tasks[task].needs) {
      const auto [first, last] = index.equal_range(need);
      for (auto found = first; found != last; ++found) todo.push_back(found->second);
    }
  }
  return chosen;
}

/// The task's cwd relative to the file's directory, checked to be one mtask can enter.
std::string task_cwd(const PlanFile& plan, const mtask::FileTask& task,
                     const Surroundings& around) {
  const std::string& cwd = task.extras.cwd;
  const std::string path = cwd.starts_with('/') || plan.dir.empty() ? cwd : plan.dir + "/" + cwd;
  if (const std::string why = around.cannot_enter ? around.cannot_enter(path) : std::string();
      !why.empty()) {
    throw mtask::UsageError(mtask::file_message(
        plan.file.name, task.cwd_at, fmt::format("cwd {}: {}", mtask::quote_arg(cwd), why)));
  }
  return path;
}

}  // namespace

mtask::UsageError cannot_read(std::string_view option, const std::string& path,
                              std::string_view reason) {
  return mtask::UsageError(
      fmt::format("{} {}: cannot read it: {}", option, mtask::quote_arg(path), reason));
}

std::optional<std::string> read_named_file(const Surroundings& around, std::string_view option,
                                           const std::string& path) {
  if (!around.read_file) return std::nullopt;
  try {
    return around.read_file(path);
  } catch (const mtask::UsageError& error) {
    throw cannot_read(option, path, error.what());
  }
}

bool all_bare_names(const std::vector<std::string>& tasks) {
  return std::ranges::all_of(
      tasks, [](const std::string& task) { return mtask::name_error(task).empty(); });
}

std::optional<PlanFile> read_plan_file(const CommandLine& cli, const Surroundings& around) {
  // TASKs that are all bare NAMEs select from ./mtask.toml when there is one, as `make lint`
  // selects from the Makefile; one with ':', '@' or '=' is a task of its own (docs/tasks.md).
  const bool implicit = !cli.file && !cli.tasks.empty();
  if (implicit && !all_bare_names(cli.tasks)) {
    if (cli.format) {
      throw mtask::UsageError("--format: there is no task file to read (TASKs were given, no -f)");
    }
    return std::nullopt;
  }
  const std::string path = cli.file.value_or(kDefaultFile);
  const bool from_stdin = path == "-";
  const std::optional<std::string> text = read_named_file(around, "-f", path);
  if (!text && implicit) {
    if (cli.format) {
      throw mtask::UsageError("--format: there is no task file to read (no ./mtask.toml, no -f)");
    }
    return std::nullopt;
  }
  if (!text) {
    if (!cli.file) throw mtask::UsageError(cli.no_task + procfile_hint(around));
    throw cannot_read("-f", path, std::strerror(ENOENT));
  }
  const mtask::TaskFileFormat format =
      cli.format ? *cli.format : mtask::detect_format(from_stdin ? "" : path, *text);
  PlanFile plan;
  plan.file = mtask::read_task_file(from_stdin ? "<stdin>" : path, *text, format);
  if (!from_stdin) plan.dir = dir_of(path);
  plan.implicit = implicit;
  return plan;
}

std::vector<mtask::Task> file_tasks(const PlanFile& plan, const CommandLine& cli,
                                    const mtask::TaskDefaults& defaults,
                                    const Surroundings& around) {
  // --service, --ready and --needs act on the file's tasks, so that selection follows the
  // needs the command line gives.
  // Reserved: grown by doubling, each vector would hold its old and its new storage at once
  // while it moves over, the peak of a long task file's plan (docs/performance.md, "Memory per
  // task").
  std::vector<mtask::Task> all;
  all.reserve(plan.file.tasks.size());
  for (const mtask::FileTask& task : plan.file.tasks) {
    all.push_back(mtask::resolve(task, defaults, all.size()));
  }
  apply_service_options(cli, all);
  const std::vector<bool> chosen = selected(plan.file, all, cli.tasks, plan.implicit);
  std::vector<mtask::Task> tasks;
  tasks.reserve(static_cast<std::size_t>(std::count(chosen.begin(), chosen.end(), true)));
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!chosen[i]) continue;
    mtask::Task& task = all[i];
    task.index = tasks.size();
    if (!task.cwd.empty()) task.cwd = task_cwd(plan, plan.file.tasks[i], around);
    tasks.push_back(std::move(task));
  }
  return tasks;
}

}  // namespace app
