// --shard and --resume-failed narrow the task list (docs/tasks.md, "Shards" and "Resuming
// failed tasks"); the decisions themselves are the plan layer's.
#include "narrow.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/plan/resume.hpp"
#include "plan_file.hpp"

namespace app {
namespace {

/// --shard K/N, or auto: the CI's variables (none set: no shard).
std::optional<mtask::Shard> decide_shard(const std::string& text, const Surroundings& around) {
  try {
    if (text == "auto") {
      const mtask::Shard shard = mtask::shard_from_ci(
          around.getenv ? around.getenv : [](const char*) -> const char* { return nullptr; });
      return shard == mtask::Shard{} ? std::nullopt : std::optional(shard);
    }
    return mtask::parse_shard(text);
  } catch (const mtask::UsageError& error) {
    throw mtask::UsageError(fmt::format("--shard {}: {}", mtask::quote_arg(text), error.what()));
  }
}

/// Why a job log is not to be resumed under `shard`, or "": it names the shard its run was of,
/// and resumed under another, its tasks' rows are missing and other shards' tasks would run as
/// never run (docs/tasks.md, "Resuming failed tasks"). Shard 1/1 is every task, as no shard is.
std::string other_shard(std::string_view joblog, const std::optional<mtask::Shard>& shard) {
  std::vector<mtask::Shard> named;
  for (const mtask::Shard& one : mtask::joblog_shards(joblog)) {
    if (one.n > 1) named.push_back(one);
  }
  if (named.empty() || (shard && std::ranges::find(named, *shard) != named.end())) return {};
  std::string labels;
  for (const mtask::Shard& one : named) labels += (labels.empty() ? "" : ", ") + one.label();
  return fmt::format("the job log is of shard{} {}, this run {} (give --shard {})",
                     named.size() > 1 ? "s" : "", labels,
                     shard && shard->n > 1 ? "is shard " + shard->label() : "has no shard",
                     named.size() > 1 ? "with one of them" : labels);
}

/// --resume-failed FILE: per task of `tasks`, whether it runs again.
std::vector<bool> decide_resume(const std::string& path, const std::optional<mtask::Shard>& shard,
                                const Surroundings& around, const std::vector<mtask::Task>& tasks) {
  const auto fail = [&path](const std::string& why) {
    return mtask::UsageError(fmt::format("--resume-failed {}: {}", mtask::quote_arg(path), why));
  };
  if (path.empty()) throw mtask::UsageError("--resume-failed '': needs a file name");
  const std::optional<std::string> text = read_named_file(around, "--resume-failed", path);
  if (!text) throw cannot_read("--resume-failed", path, std::strerror(ENOENT));
  if (const std::string why = other_shard(*text, shard); !why.empty()) throw fail(why);
  try {
    return mtask::tasks_to_resume(*text, tasks);
  } catch (const mtask::UsageError& e) {
    throw fail(e.what());
  }
}

/// Which tasks the `kept` ones need, transitively, that are not kept themselves: they join
/// the slice (a NAME names every task of that name).
std::vector<bool> needed_by_kept(const std::vector<mtask::Task>& tasks,
                                 const std::vector<bool>& kept) {
  std::multimap<std::string_view, std::size_t> index;
  for (std::size_t i = 0; i < tasks.size(); ++i) index.emplace(tasks[i].name, i);
  std::vector<bool> reached = kept;
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (kept[i]) todo.push_back(i);
  }
  while (!todo.empty()) {
    const std::size_t task = todo.back();
    todo.pop_back();
    for (const std::string& need : tasks[task].needs) {
      const auto [first, last] = index.equal_range(need);
      for (auto found = first; found != last; ++found) {
        if (reached[found->second]) continue;
        reached[found->second] = true;
        todo.push_back(found->second);
      }
    }
  }
  std::vector<bool> joined(tasks.size(), false);
  for (std::size_t i = 0; i < tasks.size(); ++i) joined[i] = reached[i] && !kept[i];
  return joined;
}

/// "web, db", each name once, at most a dozen of them.
std::string names_of(const std::vector<mtask::Task>& tasks, const std::vector<bool>& which) {
  constexpr std::size_t kShown = 12;
  std::vector<std::string_view> names;
  std::unordered_set<std::string_view> seen;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (which[i] && seen.insert(tasks[i].name).second) names.push_back(tasks[i].name);
  }
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < kShown; ++i) {
    text += fmt::format("{}{}", i == 0 ? "" : ", ", names[i]);
  }
  if (names.size() > kShown) text += fmt::format(" and {} more", names.size() - kShown);
  return text;
}

}  // namespace

void narrow_tasks(const CommandLine& cli, const Surroundings& around, Config& config) {
  if (cli.shard) config.shard = decide_shard(*cli.shard, around);
  std::vector<bool> again;
  if (cli.resume_failed) {
    again = decide_resume(*cli.resume_failed, config.shard, around, config.tasks);
  }
  // The shard is taken from the whole list, so that a resumed slice is the same slice.
  std::vector<bool> kept(config.tasks.size(), false);
  bool in_shard = false;
  for (std::size_t position = 0; position < config.tasks.size(); ++position) {
    if (config.shard && !config.shard->has(position)) continue;
    in_shard = true;
    kept[position] = again.empty() || again[position];
  }
  if (!config.shard && again.empty()) return;  // the whole list
  // What the kept tasks need runs with them, wherever it is in the list (docs/tasks.md,
  // "Shards"): needed_only, with its own index.
  const std::vector<bool> joined = needed_by_kept(config.tasks, kept);
  const std::string joined_names = names_of(config.tasks, joined);
  std::vector<mtask::Task> slice;
  for (std::size_t position = 0; position < config.tasks.size(); ++position) {
    if (!kept[position] && !joined[position]) continue;
    slice.push_back(std::move(config.tasks[position]));
    slice.back().needed_only = joined[position];
  }
  if (!joined_names.empty()) {
    config.notes.push_back(
        cli.resume_failed
            ? fmt::format("--resume-failed {}: also runs {}, which the tasks to resume need",
                          mtask::quote_arg(*cli.resume_failed), joined_names)
            : fmt::format("--shard {}: also runs {}, which tasks of the slice need",
                          config.shard->label(), joined_names));
  }
  config.tasks = std::move(slice);
  if (cli.resume_failed && in_shard && config.tasks.empty()) {
    config.notes.push_back(
        fmt::format("--resume-failed {}: every task passed there; nothing to run",
                    mtask::quote_arg(*cli.resume_failed)));
  }
}

}  // namespace app
