// --shard and --resume-failed narrow the task list (docs/tasks.md, "Shards" and "Resuming
// failed tasks"); the decisions themselves are the plan layer's.
#include "narrow.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/plan/resume.hpp"

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
  std::optional<std::string> text;
  try {
    if (around.read_file) text = around.read_file(path);
  } catch (const mtask::UsageError& e) {
    throw fail(fmt::format("cannot read it: {}", e.what()));
  }
  if (!text) throw fail("cannot read it: No such file or directory");
  if (const std::string why = other_shard(*text, shard); !why.empty()) throw fail(why);
  try {
    return mtask::tasks_to_resume(*text, tasks);
  } catch (const mtask::UsageError& e) {
    throw fail(e.what());
  }
}

}  // namespace

void narrow_tasks(const CommandLine& cli, const Surroundings& around, Config& config) {
  if (cli.shard) config.shard = decide_shard(*cli.shard, around);
  std::vector<bool> again;
  if (cli.resume_failed) {
    again = decide_resume(*cli.resume_failed, config.shard, around, config.tasks);
  }
  // The shard is taken from the whole list, so that a resumed slice is the same slice.
  std::vector<mtask::Task> kept;
  bool in_shard = false;
  for (std::size_t position = 0; position < config.tasks.size(); ++position) {
    if (config.shard && !config.shard->has(position)) continue;
    in_shard = true;
    if (!again.empty() && !again[position]) continue;
    kept.push_back(std::move(config.tasks[position]));
  }
  config.tasks = std::move(kept);
  if (cli.resume_failed && in_shard && config.tasks.empty()) {
    config.notes.push_back(
        fmt::format("--resume-failed {}: every task passed there; nothing to run",
                    mtask::quote_arg(*cli.resume_failed)));
  }
}

}  // namespace app
