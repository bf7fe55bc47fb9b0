// `mtask list`: the plan as a table and as JSON Lines (docs/output.md, "The plan").
#include "mtask/report/plan_list.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "mtask/grammar/probe.hpp"
#include "mtask/text/quote.hpp"
#include "mtask/text/utf8.hpp"
#include "mtask/text/width.hpp"

namespace mtask {
namespace {

constexpr std::array<std::string_view, 11> kTitles{"task",    "command", "count", "interval",
                                                   "timeout", "retries", "env",   "cwd",
                                                   "ready",   "needs",   "shard"};
/// Numbers read best aligned on the right.
constexpr std::array<bool, 11> kRight{false, false, true,  true,  true, true,
                                      false, false, false, false, false};
/// The widest a command shows in the table; `-o json` has it whole (docs/tasks.md).
constexpr std::size_t kCommandColumns = 60;

/// The first line of a command, cut to kCommandColumns with "…" when it is longer or has more
/// lines: a table row stays one line that a terminal can show.
std::string command_cell(std::string_view command) {
  const std::size_t newline = command.find('\n');
  std::string_view first = command.substr(0, newline);
  // A script that starts with a newline shows its first line that has something.
  if (first.find_first_not_of(" \t\r") == std::string_view::npos && newline != command.npos) {
    return command_cell(command.substr(newline + 1));
  }
  const bool more = newline != std::string_view::npos &&
                    command.find_first_not_of(" \t\r\n", newline) != std::string_view::npos;
  if (!more && display_width(first) <= kCommandColumns) return std::string(first);
  return std::string(first.substr(0, width_cut(first, kCommandColumns - 1))) + "…";
}

/// `text` as it is when it is safe on a terminal, else quoted with its controls escaped.
std::string cell(std::string_view text) {
  if (text.empty()) return "-";
  std::string quoted = quote_arg(text);
  if (quoted.size() == text.size() + 2) return std::string(text);
  return quoted;
}

// As the run counts them: a service runs until the run is over, so the run's --timeout is not
// its, and its failure is final (docs/smoke.md).
Duration timeout_of(const Task& task, const PlanDefaults& defaults) {
  return task.timeout.value_or(task.service ? Duration{0} : defaults.timeout);
}

std::uint64_t retries_of(const Task& task, const PlanDefaults& defaults) {
  return task.service ? 0 : task.retries.value_or(defaults.retries);
}

/// A task that something waits for: a service, or one with a readiness probe.
bool is_awaited(const Task& task) { return task.service || !task.ready.empty(); }

/// How long the task may take to become ready, as the run will count it; 0: no limit.
Duration ready_limit(const Task& task, const PlanDefaults& defaults) {
  return ready_timeout_of(task, probe_of(task), defaults.ready_timeout);
}

/// "service", the probe, and how long it may take when there is a limit: `service, tcp:8000
/// (30s)`, `exit`, `service`; "-" for neither a service nor a probe.
std::string ready_cell(const Task& task, const PlanDefaults& defaults) {
  if (!is_awaited(task) && !task.ready_timeout) return "-";
  const Duration limit = ready_limit(task, defaults);
  std::string text = task.service ? "service" : "";
  // Without a `ready`, a service's probe is "started", which is never written; any other
  // task's is "exit", shown here only for the ready_timeout it has.
  const std::string probe = !task.ready.empty() ? cell(task.ready)
                            : task.service      ? std::string()
                                                : std::string("exit");
  if (!probe.empty()) text += fmt::format("{}{}", text.empty() ? "" : ", ", probe);
  if (limit.count() > 0) text += fmt::format(" ({})", format_duration(limit));
  return text;
}
using Row = std::array<std::string, kTitles.size()>;

Row table_row(const Task& task, const PlanDefaults& defaults) {
  std::string env;
  for (const auto& [name, value] : task.env) {
    if (!env.empty()) env += ' ';
    const std::string pair = name + "=" + value;
    // Quoted when a space would make two entries of one.
    env += pair.find(' ') != std::string::npos ? quote_arg(pair) : cell(pair);
  }
  std::string needs;
  for (const std::string& name : task.needs) needs += (needs.empty() ? "" : ",") + name;
  const Duration timeout = timeout_of(task, defaults);
  return {task.name,
          task.is_command() ? cell(command_cell(task.command)) : "built-in",
          std::to_string(task.count),
          format_duration(task.interval),
          timeout.count() > 0 ? format_duration(timeout) : "-",
          std::to_string(retries_of(task, defaults)),
          env.empty() ? "-" : env,
          cell(task.cwd),
          ready_cell(task, defaults),
          needs.empty() ? "-" : needs,
          defaults.shard.empty() ? "-" : defaults.shard};
}

void append_string(std::string& out, std::string_view text) {
  out += '"';
  append_json_escaped(out, text);
  out += '"';
}

void append_string_or_null(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += "null";
  } else {
    append_string(out, text);
  }
}

/// Seconds to the microsecond, at least one digit after the point, no exponent.
void append_seconds(std::string& out, Duration d) {
  std::string text = fmt::format("{:.6f}", to_seconds(d));
  while (text.size() >= 2 && text.back() == '0' && text[text.size() - 2] != '.') text.pop_back();
  out += text;
}

void append_seconds_or_null(std::string& out, std::optional<Duration> d) {
  if (d) {
    append_seconds(out, *d);
  } else {
    out += "null";
  }
}

}  // namespace

std::string plan_table(const std::vector<Task>& tasks, const PlanDefaults& defaults) {
  std::vector<Row> rows(1);
  std::transform(kTitles.begin(), kTitles.end(), rows[0].begin(),
                 [](std::string_view title) { return std::string(title); });
  for (const Task& task : tasks) rows.push_back(table_row(task, defaults));
  std::array<std::size_t, kTitles.size()> widths{};
  for (const Row& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  std::string out;
  for (const Row& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += "  ";
      // The last column is not padded: no line ends in spaces.
      append_padded(out, row[c], c + 1 == row.size() ? 0 : widths[c], kRight[c]);
    }
    out += '\n';
  }
  return out;
}

std::string plan_json(const std::vector<Task>& tasks, const PlanDefaults& defaults) {
  std::string out;
  for (const Task& task : tasks) {
    out += R"({"task":)";
    append_string(out, task.name);
    fmt::format_to(std::back_inserter(out), R"(,"index":{},"command":)", task.index);
    append_string_or_null(out, task.command);
    fmt::format_to(std::back_inserter(out), R"(,"count":{},"interval_s":)", task.count);
    append_seconds(out, task.interval);
    out += R"(,"timeout_s":)";
    const Duration timeout = timeout_of(task, defaults);
    append_seconds_or_null(out, timeout.count() > 0 ? std::optional(timeout) : std::nullopt);
    fmt::format_to(std::back_inserter(out), R"(,"retries":{},"env":{{)",
                   retries_of(task, defaults));
    for (std::size_t i = 0; i < task.env.size(); ++i) {
      if (i > 0) out += ',';
      append_string(out, task.env[i].first);
      out += ':';
      append_string(out, task.env[i].second);
    }
    out += R"(},"cwd":)";
    append_string_or_null(out, task.cwd);
    out += task.service ? R"(,"service":true,"ready":)" : R"(,"service":false,"ready":)";
    append_string_or_null(out, task.ready);
    out += R"(,"ready_timeout_s":)";
    const Duration limit = ready_limit(task, defaults);
    append_seconds_or_null(out, limit.count() > 0 ? std::optional(limit) : std::nullopt);
    out += R"(,"needs":[)";
    for (std::size_t i = 0; i < task.needs.size(); ++i) {
      if (i > 0) out += ',';
      append_string(out, task.needs[i]);
    }
    out += R"(],"shard":)";
    append_string_or_null(out, defaults.shard);
    out += task.needed_only ? R"(,"needed_only":true})" : R"(,"needed_only":false})";
    out += '\n';
  }
  return out;
}

}  // namespace mtask
