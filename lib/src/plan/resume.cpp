// --resume-failed: reading an earlier job log (docs/tasks.md, "Resuming failed tasks").
#include "mtask/plan/resume.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "mtask/error.hpp"

namespace mtask {
namespace {

/// The columns a job log row is read by.
enum Column : std::size_t { kIndex, kTask, kExit, kSignal, kTimedOut, kStopped, kColumns };
constexpr std::array<std::string_view, kColumns> kNames{"index",  "task",      "exit",
                                                        "signal", "timed_out", "stopped"};

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t at = 0;;) {
    const std::size_t tab = line.find('\t', at);
    fields.push_back(line.substr(at, tab == std::string_view::npos ? tab : tab - at));
    if (tab == std::string_view::npos) return fields;
    at = tab + 1;
  }
}

/// Where each column is among the header's fields.
std::array<std::size_t, kColumns> header_columns(std::string_view line, std::size_t number) {
  const std::vector<std::string_view> names = split_tabs(line);
  std::array<std::size_t, kColumns> at{};
  for (std::size_t c = 0; c < kColumns; ++c) {
    std::size_t i = 0;
    while (i < names.size() && names[i] != kNames[c]) ++i;
    if (i == names.size()) {
      throw UsageError(fmt::format("line {}: not the header of an mtask job log (no '{}' column)",
                                   number, kNames[c]));
    }
    at[c] = i;
  }
  return at;
}

/// A row passed: it exited 0 on its own, in time; a service, once it was stopped because the run
/// was over (one that ended on its own failed, whatever its status: docs/smoke.md).
bool passed(const std::vector<std::string_view>& fields,
            const std::array<std::size_t, kColumns>& at, const Task& task) {
  if (task.service) return fields[at[kStopped]] == "run over";
  return fields[at[kExit]] == "0" && fields[at[kSignal]] == "-" && fields[at[kTimedOut]] == "0" &&
         fields[at[kStopped]] == "-";
}

/// The row's index, checked against this task list: the position of its task in `tasks`.
std::size_t position_of(const std::vector<std::string_view>& fields,
                        const std::array<std::size_t, kColumns>& at,
                        const std::unordered_map<std::size_t, std::size_t>& by_index,
                        const std::vector<Task>& tasks, std::size_t number) {
  const std::string_view name = fields[at[kTask]];
  std::optional<std::size_t> index;
  try {
    index = static_cast<std::size_t>(parse_count(fields[at[kIndex]]));
  } catch (const UsageError&) {
    throw UsageError(fmt::format("line {}: the index {} is not a whole number", number,
                                 quote_arg(fields[at[kIndex]])));
  }
  const auto found = by_index.find(*index);
  if (found == by_index.end()) {
    throw UsageError(fmt::format(
        "line {}: task {} is {} there but there is no task {} here (the job log belongs to "
        "another task list)",
        number, *index, quote_arg(name), *index));
  }
  if (tasks[found->second].name != name) {
    throw UsageError(fmt::format(
        "line {}: task {} is {} there but {} here (the job log belongs to another task list)",
        number, *index, quote_arg(name), quote_arg(tasks[found->second].name)));
  }
  return found->second;
}

}  // namespace

std::vector<bool> tasks_to_resume(std::string_view joblog, const std::vector<Task>& tasks) {
  std::unordered_map<std::size_t, std::size_t> by_index;
  for (std::size_t i = 0; i < tasks.size(); ++i) by_index.emplace(tasks[i].index, i);
  std::vector<bool> again(tasks.size(), true);  // no row: it never ran
  std::optional<std::array<std::size_t, kColumns>> at;
  std::string_view header;
  std::size_t number = 0;
  for (std::size_t start = 0; start < joblog.size();) {
    const std::size_t end = joblog.find('\n', start);
    const bool cut = end == std::string_view::npos;
    const std::string_view line = joblog.substr(start, cut ? end : end - start);
    start = cut ? joblog.size() : end + 1;
    ++number;
    if (line.empty() || line.starts_with('#')) continue;
    if (!at) {
      at = header_columns(line, number);
      header = line;
      continue;
    }
    if (line == header) continue;  // job logs put one after another (`cat a.tsv b.tsv`)
    const std::vector<std::string_view> fields = split_tabs(line);
    std::size_t needed = 0;
    for (const std::size_t column : *at) needed = std::max(needed, column + 1);
    if (fields.size() < needed) {
      if (cut) break;  // the last row, written only in part
      throw UsageError(fmt::format("line {}: {} tab-separated fields where at least {} are needed",
                                   number, fields.size(), needed));
    }
    // The last row of a task decides: with --retries, each attempt has one.
    const std::size_t position = position_of(fields, *at, by_index, tasks, number);
    again[position] = !passed(fields, *at, tasks[position]);
  }
  if (!at) throw UsageError("not an mtask job log (it has no header line)");
  return again;
}

std::vector<Shard> joblog_shards(std::string_view joblog) {
  constexpr std::string_view kPrefix = "# shard ";
  std::vector<Shard> shards;
  for (std::size_t start = 0; start < joblog.size();) {
    const std::size_t end = std::min(joblog.find('\n', start), joblog.size());
    const std::string_view line = joblog.substr(start, end - start);
    start = end + 1;
    if (!line.starts_with(kPrefix)) continue;
    try {
      const Shard shard = parse_shard(line.substr(kPrefix.size()));
      if (std::ranges::find(shards, shard) == shards.end()) shards.push_back(shard);
    } catch (const UsageError&) {
      // A comment of someone else's: readers skip comments.
    }
  }
  return shards;
}

}  // namespace mtask
