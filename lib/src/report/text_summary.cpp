#include "text_summary.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "mtask/report/colour.hpp"
#include "mtask/report/text_reporter.hpp"
#include "mtask/text/human.hpp"
#include "mtask/text/speedup.hpp"
#include "mtask/text/status.hpp"
#include "mtask/text/width.hpp"

namespace mtask {
namespace {

// The summary table: a marker column ('!' on rows of failed tasks), then these.
struct Column {
  std::string_view title;
  bool right_aligned;
};
constexpr std::array<Column, 10> kColumns{{{"task", false},
                                           {"pid", true},
                                           {"ppid", true},
                                           {"status", false},
                                           {"wall", true},
                                           {"user", true},
                                           {"sys", true},
                                           {"wait", true},
                                           {"switches", true},
                                           {"max rss", true}}};
using Row = std::array<std::string, kColumns.size()>;
// The widest status the table shows: a probe's reason (the last stderr line of a cmd: probe)
// can be long, and one would widen every row. The end line and the reports keep it whole.
constexpr std::size_t kStatusColumns = 60;

// `status` cut to kStatusColumns with an ellipsis ("..." where only ASCII can be drawn).
std::string fitted_status(std::string status, bool unicode) {
  if (display_width(status) <= kStatusColumns) return status;
  const std::string_view ellipsis = unicode ? "\xE2\x80\xA6" : "...";
  status.resize(width_cut(status, kStatusColumns - display_width(ellipsis)));
  return status + std::string(ellipsis);
}

// The status column: how the task ended, and on which attempt when it had several
// (docs/output.md, "Retries").
std::string status_of(const TaskResult& r) {
  std::string status = describe(r);
  if (r.flaky()) {
    status += fmt::format(" (flaky, attempt {}/{})", r.attempt, r.max_attempts);
  } else if (r.failed() && r.attempt < r.max_attempts) {
    // Its retry never came: the run was stopped first.
    status += fmt::format(" (attempt {}/{}, not retried)", r.attempt, r.max_attempts);
  } else if (r.attempt > 1) {
    status += fmt::format(" (attempt {}/{})", r.attempt, r.max_attempts);
  }
  return status;
}

// The CPU wait column: "-" when unknown, a trailing "+" when it covers only part of the task's
// processes (the true wait may be longer).
std::string wait_of(const TaskResult& r) {
  if (!r.cpu_wait) return "-";
  return human_duration(*r.cpu_wait) + (r.cpu_wait_partial ? "+" : "");
}

Row summary_row(const Task& task, const TaskResult& result, bool unicode) {
  if (result.outcome == Outcome::kNotStarted) {
    return {task.name, "-", "-", fitted_status(describe(result), unicode), "-", "-", "-",
            "-",       "-", "-"};
  }
  return {task.name,
          std::to_string(result.pid),
          std::to_string(result.ppid),
          fitted_status(status_of(result), unicode),
          human_duration(result.wall),
          human_duration(result.user_cpu),
          human_duration(result.sys_cpu),
          wait_of(result),
          fmt::format("{}/{}", result.vcsw, result.ivcsw),
          human_size(result.max_rss_kb)};
}

using Widths = std::array<std::size_t, kColumns.size()>;

// The table fits a terminal of this many columns when one space between columns is enough.
constexpr std::size_t kTerminalColumns = 80;

// Two spaces between columns, or one where that makes a table fit kTerminalColumns that two
// would take past it. A table too wide either way (a long status) keeps two.
std::size_t column_gap(const Widths& widths) {
  std::size_t total = 2;  // the marker and the space after it
  for (const std::size_t w : widths) total += w;
  const std::size_t gaps = widths.size() - 1;
  return total + 2 * gaps > kTerminalColumns && total + gaps <= kTerminalColumns ? 1 : 2;
}

void append_row(std::string& out, char marker, const Row& row, const Widths& widths,
                std::size_t gap, bool red) {
  if (red) out += kRed;
  out += marker;
  for (std::size_t i = 0; i < row.size(); ++i) {
    out.append(i == 0 ? 1 : gap, ' ');
    append_padded(out, row[i], widths[i], kColumns[i].right_aligned);
  }
  if (red) out += kReset;
  out += '\n';
}

void append_table(std::string& out, const SummaryEvent& e, bool colour, bool unicode) {
  Row header;
  std::transform(kColumns.begin(), kColumns.end(), header.begin(),
                 [](const Column& c) { return std::string(c.title); });
  std::vector<Row> rows{header};
  std::vector<char> markers{' '};
  for (std::size_t i = 0; i < e.tasks.size() && i < e.results.size(); ++i) {
    rows.push_back(summary_row(e.tasks[i], e.results[i], unicode));
    markers.push_back(e.results[i].failed() ? '!' : ' ');
  }

  Widths widths{};
  for (const Row& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  const std::size_t gap = column_gap(widths);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    append_row(out, markers[r], rows[r], widths, gap, colour && markers[r] == '!');
  }
}

void append_totals(std::string& out, const SummaryEvent& e) {
  const auto not_started = static_cast<std::size_t>(
      std::count_if(e.results.begin(), e.results.end(),
                    [](const TaskResult& r) { return r.outcome == Outcome::kNotStarted; }));
  if (not_started == e.results.size()) {
    // No task time to compare the wall time with: a speedup would be a made-up 0.00x.
    out += fmt::format("wall {}, no task ran\n", human_duration(e.wall));
  } else {
    out += fmt::format("wall {} for {} of task time", human_duration(e.wall),
                       human_duration(e.task_wall_sum));
    // A wait too short to change the speedup much (a sleeping task's few microseconds) would
    // only be noise.
    if (e.cpu_wait_sum.count() > 0 && e.cpu_wait_sum * 10 >= e.task_wall_sum) {
      out += fmt::format(", {} of it waiting for a CPU", human_duration(e.cpu_wait_sum));
    }
    out += '\n';
  }

  // A service stopped because the run was over ended as it should: not one mtask cut short.
  const auto stopped = static_cast<std::size_t>(std::count_if(
      e.results.begin(), e.results.end(),
      [](const TaskResult& r) { return r.was_stopped() && r.stopped != StopReason::kRunOver; }));
  out += count_of(e.tasks.size(), "task");
  out += e.failed == 0 ? ", none failed" : fmt::format(", {} failed", e.failed);
  if (e.flaky > 0) out += fmt::format(", {} flaky", e.flaky);
  if (stopped > 0) out += fmt::format(", {} stopped", stopped);
  if (not_started > 0) out += fmt::format(", {} not started", not_started);
  out += '\n';
  if (e.stopped != StopReason::kNone) {
    out += fmt::format("run stopped by {} after {}\n", stop_reason_name(e.stopped),
                       human_duration(e.stopped_at));
  }

  for (std::size_t i = 0; i < e.tasks.size() && i < e.results.size(); ++i) {
    const TaskResult& r = e.results[i];
    if (r.flaky()) {
      out += fmt::format("flaky: {} (passed on attempt {} of {})\n", e.tasks[i].name, r.attempt,
                         r.max_attempts);
    }
    if (r.outcome == Outcome::kNotStarted && r.stopped == StopReason::kNeeds) {
      out += fmt::format("not started: {} ({})\n", e.tasks[i].name, r.needs_failed);
    }
  }

  // The CPU time of every attempt, as the speedup line's verdict counts it.
  out += conclusion_line(e.tasks.size(), e.cpu_sum, e.wall, e.task_wall_sum);
  out += '\n';
  if (const std::string line = speedup_line(e); !line.empty()) out += line + '\n';
}

}  // namespace

void append_summary(std::string& out, const SummaryEvent& e, bool colour, bool unicode) {
  append_table(out, e, colour, unicode);
  append_totals(out, e);
}

std::string speedup_line(const SummaryEvent& e) {
  const std::string figure = speedup_figure(e);
  if (figure.empty()) return {};
  return fmt::format("took {}; one after another {}{}: {}, {}", human_duration(e.wall),
                     e.sequential_upper_bound ? "at most " : "", human_duration(e.sequential),
                     figure, speedup_verdict(e));
}

std::string conclusion_line(std::size_t tasks, Duration cpu, Duration wall,
                            Duration task_wall_sum) {
  std::string line = fmt::format("{}, {} CPU in {}", count_of(tasks, "task"), human_duration(cpu),
                                 human_duration(wall));
  if (wall.count() <= 0) return line;
  // With no task time, "0.0 cores busy (mostly waiting)" would describe tasks that never ran.
  if (task_wall_sum.count() <= 0) return line + ": nothing ran";
  const double cores = to_seconds(cpu) / to_seconds(wall);
  const double overlap = to_seconds(task_wall_sum) / to_seconds(wall);
  std::string_view meaning = "mostly waiting";
  if (cores >= 1.5) {
    meaning = "parallel";
  } else if (cores >= 1.2) {
    meaning = "partly parallel";
  } else if (cores >= 0.5) {
    meaning = overlap >= 1.2 ? "concurrent: taking turns" : "one at a time";
  }
  line += fmt::format(": {:.1f} cores busy ({})", cores, meaning);
  return line;
}

}  // namespace mtask
