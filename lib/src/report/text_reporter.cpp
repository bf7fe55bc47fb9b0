#include "mtask/report/text_reporter.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

#include <fmt/format.h>

#include "mtask/report/colour.hpp"
#include "mtask/text/human.hpp"
#include "mtask/text/speedup.hpp"
#include "mtask/text/status.hpp"
#include "mtask/text/width.hpp"

namespace mtask {
namespace {

// Wide enough for any pid Linux hands out (pid_max is at most 4194304).
constexpr std::size_t kPidWidth = 7;

// The markers after the prefix: what kind of line follows.
constexpr std::string_view kStartMarker = ">";
constexpr std::string_view kEndMarker = "<";
// A task that will never start: a task it needs failed or was never ready.
constexpr std::string_view kNotStartedMarker = "-";
// A task became ready: a check mark, or '+' where only ASCII can be drawn.
constexpr std::string_view kReadyMarker = "\xE2\x9C\x93";  // U+2713
constexpr std::string_view kReadyMarkerAscii = "+";
// A task waits: for its needs (before the run's first start), or for its probe to say it is
// ready. A middle dot and an ellipsis, or '.' and "..." where only ASCII can be drawn.
constexpr std::string_view kNeedsMarker = "\xC2\xB7";  // U+00B7
constexpr std::string_view kNeedsMarkerAscii = ".";
constexpr std::string_view kAwaitMarker = "\xE2\x80\xA6";  // U+2026
constexpr std::string_view kAwaitMarkerAscii = "...";

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

void append_row(std::string& out, char marker, const Row& row,
                const std::array<std::size_t, kColumns.size()>& widths, bool red) {
  if (red) out += kRed;
  out += marker;
  for (std::size_t i = 0; i < row.size(); ++i) {
    out.append(i == 0 ? " " : "  ");
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

  std::array<std::size_t, kColumns.size()> widths{};
  for (const Row& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    append_row(out, markers[r], rows[r], widths, colour && markers[r] == '!');
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

TextReporter::TextReporter(const std::vector<Task>& tasks, Output& out, Output& err,
                           const TextOptions& options, RunContext context)
    : out_(out), err_(err), options_(options), context_(std::move(context)), states_(tasks.size()) {
  for (const Task& task : tasks) name_width_ = std::max(name_width_, display_width(task.name));
}

TextReporter::TaskState& TextReporter::state(const Task& task, int pid) {
  if (task.index >= states_.size()) states_.resize(task.index + 1);
  TaskState& st = states_[task.index];
  if (st.prefix.empty() || st.pid != pid) {
    st.pid = pid;
    st.prefix.clear();
    append_padded(st.prefix, task.name, name_width_, false);
    st.prefix += ' ';
    append_padded(st.prefix, std::to_string(pid), kPidWidth, true);
  }
  return st;
}

void TextReporter::before_output() {
  if (options_.progress != nullptr) options_.progress->erase();
}

void TextReporter::write_own_line(const Task& task, int pid, std::string_view marker,
                                  std::string_view text, Duration t, bool failed) {
  close_open_line(Stream::kStdout);
  before_output();
  scratch_.clear();
  // No pid for a task that never started: its pid column is left blank.
  TaskState& st = state(task, pid);
  if (pid == 0) {
    st.prefix.clear();
    append_padded(st.prefix, task.name, name_width_, false);
    st.prefix.append(kPidWidth + 1, ' ');
  }
  append_line_start(scratch_, task, st, Stream::kStdout, marker, t);
  const bool red = failed && colour(Stream::kStdout);
  if (red) scratch_ += kRed;
  scratch_ += text;
  if (red) scratch_ += kReset;
  scratch_ += '\n';
  out_.write(scratch_);
}

void TextReporter::on_begin(const BeginEvent& e) {
  wall_start_ = e.wall_start;
  for (const Task& task : e.tasks) {
    if (task.needs.empty()) continue;
    if (options_.progress != nullptr) options_.progress->task_waiting(task.index);
    std::string names;
    for (const std::string& need : task.needs) {
      if (!names.empty()) names += ", ";
      names += need;
    }
    write_own_line(task, 0, options_.unicode ? kNeedsMarker : kNeedsMarkerAscii,
                   fmt::format("waits for {}", names), Duration{0});
  }
}

void TextReporter::on_start(const StartEvent& e) {
  if (options_.progress != nullptr) options_.progress->task_started(e.task.index);
  std::string text = fmt::format("started (ppid {})", e.ppid);
  if (e.attempt > 1) text += fmt::format(", attempt {}/{}", e.attempt, e.max_attempts);
  write_own_line(e.task, e.pid, kStartMarker, text, e.t);
  // A probe that watches the task may keep the run quiet a while: say what it waits for.
  const Probe probe = probe_of(e.task);
  if (!probe.watches()) return;
  const Duration limit = ready_timeout_of(e.task, probe, options_.ready_timeout);
  const std::string how_long = limit.count() > 0 ? fmt::format("up to {}", human_duration(limit))
                                                 : std::string("no time limit");
  write_own_line(e.task, e.pid, options_.unicode ? kAwaitMarker : kAwaitMarkerAscii,
                 fmt::format("waiting for {} ({})", probe.text, how_long), e.t);
}

void TextReporter::on_ready(const ReadyEvent& e) {
  const std::string text =
      fmt::format("ready after {:.2f} s ({})", to_seconds(e.t - e.result.started), e.probe);
  write_own_line(e.task, e.result.pid, options_.unicode ? kReadyMarker : kReadyMarkerAscii, text,
                 e.t);
}

void TextReporter::release_held(TaskState& st) {
  for (const Stream stream : {Stream::kStdout, Stream::kStderr}) {
    const std::size_t slot = stream_slot(stream);
    if (st.held[slot].empty()) continue;
    if (st.in_line[slot]) st.held[slot].append("\n");
    before_output();
    // stdout and stderr are buffered apart but often reach one terminal: written out around
    // the block, it shows in its place there (docs/output.md, "Grouped output"). A failed
    // flush leaves the output broken, and the next flush() reports it.
    destination(stream == Stream::kStdout ? Stream::kStderr : Stream::kStdout).flush();
    st.held[slot].write_to(destination(stream));
    if (st.held[slot].dropped() > 0) {
      destination(stream).write(fmt::format("[mtask: {} of output lost: no temporary file]\n",
                                            count_of(st.held[slot].dropped(), "byte")));
    }
    destination(stream).flush();
    st.held[slot].clear();
  }
}

void TextReporter::on_exit(const ExitEvent& e) {
  if (options_.progress != nullptr && e.result.outcome != Outcome::kNotStarted) {
    if (e.retrying) {
      options_.progress->attempt_failed(e.task.index);
    } else {
      options_.progress->task_ended(e.task.index, e.result.failed());
    }
  }
  if (e.result.outcome == Outcome::kNotStarted) {
    // Its needs failed: said at that moment, for the run goes on without it. Other tasks that
    // never started (the run was stopped first) are shown in the summary only.
    if (e.result.stopped != StopReason::kNeeds) return;
    if (options_.progress != nullptr) options_.progress->task_not_started(e.task.index);
    write_own_line(e.task, 0, kNotStartedMarker,
                   fmt::format("not started: {}", e.result.needs_failed), e.t);
    return;
  }
  TaskState& st = state(e.task, e.result.pid);
  if (options_.group) release_held(st);
  // A line left unfinished ends with the task.
  for (const Stream stream : {Stream::kStdout, Stream::kStderr}) {
    const std::size_t slot = stream_slot(stream);
    if (open_[slot] == e.task.index) close_open_line(stream);
    st.in_line[slot] = false;
  }
  // A service stopped because the run was over: how it took the stop is no news. A task
  // stopped for never being ready: its reason says how long it was given already.
  std::string text = e.result.was_stopped() && e.result.stopped == StopReason::kRunOver
                         ? fmt::format("stopped (run over) after {}", human_duration(e.result.wall))
                     : stopped_not_ready(e.result) ? describe(e.result)
                                                   : fmt::format("{} after {}", describe(e.result),
                                                                 human_duration(e.result.wall));
  if (e.retrying) {
    text += fmt::format(", retrying ({}/{})", e.result.attempt + 1, e.result.max_attempts);
  }
  write_own_line(e.task, e.result.pid, kEndMarker, text, e.t, e.result.failed());
}

void TextReporter::on_retry_cancelled(const ExitEvent& e) {
  if (options_.progress != nullptr) options_.progress->retry_cancelled(e.task.index);
}

void TextReporter::on_summary(const SummaryEvent& e) {
  if (options_.progress != nullptr) options_.progress->finish();
  for (TaskState& st : states_) release_held(st);  // a task that never sent its exit
  close_open_line(Stream::kStdout);
  close_open_line(Stream::kStderr);
  std::string text = "\n";
  append_table(text, e, options_.colour_out, options_.unicode);
  append_totals(text, e);
  if (!context_.shard.empty()) text += fmt::format("shard {} of the task list\n", context_.shard);
  out_.write(text);
}

bool TextReporter::flush() {
  const bool out_ok = out_.flush();
  err_.flush();  // a closed stderr alone does not stop the run
  if (options_.progress != nullptr) options_.progress->draw_if_due();
  return out_ok;
}

}  // namespace mtask
