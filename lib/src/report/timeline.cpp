// The timeline: recorded from a run's events, drawn for a terminal.
#include "mtask/report/timeline.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "mtask/report/colour.hpp"
#include "mtask/text/human.hpp"
#include "mtask/text/status.hpp"
#include "mtask/text/utf8.hpp"
#include "mtask/text/width.hpp"
#include "report/timeline_scale.hpp"

namespace mtask {
namespace {

constexpr std::size_t kMinWidth = 40;
/// Fewest columns between two labels of the time axis.
constexpr std::size_t kTickSpacing = 10;

struct Glyphs {
  std::string_view line;   ///< a column in which a line came out
  std::string_view alive;  ///< a column in which the task lived
  std::string_view left, right, axis, tick, axis_left, axis_right;
  std::string_view waiting;        ///< a column in which the task waited for its needs
  std::string_view getting_ready;  ///< a column in which it ran but was not ready yet
  std::string_view ready;          ///< the column in which it became ready
  std::string_view never_ready;    ///< a column in which it ran, getting ready in vain
};
constexpr Glyphs kUnicode{"█", "░", "│", "│", "─", "┴", "└", "┘", "·", "▒", "✓", "╳"};
constexpr Glyphs kAscii{"#", "-", "|", "|", "-", "+", "+", "+", ".", "~", "+", "x"};

/// The column of time `t` on a bar of `columns` columns covering `wall`.
std::size_t column_of(Duration t, Duration wall, std::size_t columns) {
  if (t.count() <= 0 || wall.count() <= 0) return 0;
  const double x = static_cast<double>(t.count()) / static_cast<double>(wall.count());
  return std::min(columns - 1, static_cast<std::size_t>(x * static_cast<double>(columns)));
}

std::string label_of(const TimelineTask& task, std::size_t name_width, std::size_t pid_width) {
  std::string label;
  append_padded(label, task.name, name_width);
  label += ' ';
  append_padded(label, task.started ? std::to_string(task.pid) : "-", pid_width, true);
  return label + ' ';
}

void append_bar(std::string& out, const TimelineTask& task, const Timeline& timeline,
                std::size_t columns, const Glyphs& g) {
  // What each column shows; a later one is drawn over an earlier one.
  enum Cell : char { kNothing, kWaiting, kAlive, kGettingReady, kNeverReady, kLine, kReady };
  std::vector<char> cells(columns, kNothing);
  const auto fill = [&](Duration start, Duration end, Cell cell) {
    const std::size_t first = column_of(start, timeline.wall, columns);
    const std::size_t last = column_of(end, timeline.wall, columns);
    for (std::size_t c = first; c <= last; ++c) cells[c] = cell;
  };
  if (task.waited && task.waited_until.count() > 0) {
    // Up to the column before the start: the start's own column shows the task alive.
    const std::size_t last = column_of(task.waited_until, timeline.wall, columns);
    for (std::size_t c = 0; c < last || (!task.started && c == last); ++c) cells[c] = kWaiting;
  }
  for (const TimelineAttempt& attempt : task.earlier) fill(attempt.start, attempt.end, kAlive);
  if (task.started) fill(task.start, task.end, kAlive);
  if (task.started && task.ready_at) fill(task.start, *task.ready_at, kGettingReady);
  if (task.started && !task.never_ready.empty()) fill(task.start, task.end, kNeverReady);
  for (const TimelineMark& mark : task.marks) {
    cells[column_of(mark.t, timeline.wall, columns)] = kLine;
  }
  if (task.started && task.ready_at)
    cells[column_of(*task.ready_at, timeline.wall, columns)] = kReady;
  for (const char cell : cells) {
    switch (cell) {
      case kWaiting:
        out += g.waiting;
        break;
      case kAlive:
        out += g.alive;
        break;
      case kGettingReady:
        out += g.getting_ready;
        break;
      case kNeverReady:
        out += g.never_ready;
        break;
      case kLine:
        out += g.line;
        break;
      case kReady:
        out += g.ready;
        break;
      default:
        out += ' ';
    }
  }
}

void append_axis(std::string& out, std::size_t indent, std::size_t columns, Duration wall,
                 const Glyphs& g) {
  const double per_column = static_cast<double>(wall.count()) / static_cast<double>(columns);
  const std::int64_t step = detail::nice_step(std::max(per_column * kTickSpacing, 1.0));
  std::string labels(indent + 1, ' ');
  out.append(indent, ' ');
  out += g.axis_left;
  std::size_t next_tick = 0;
  std::int64_t tick = 0;
  for (std::size_t c = 0; c < columns; ++c) {
    const bool is_tick = c == next_tick;
    out += is_tick ? g.tick : g.axis;
    if (!is_tick) continue;
    const std::string label = detail::tick_label(tick);
    if (labels.size() <= indent + 1 + c && indent + 1 + c + label.size() <= indent + columns + 2) {
      labels.append(indent + 1 + c - labels.size(), ' ');
      labels += label;
    }
    tick += step;
    next_tick = column_of(Duration(tick), wall, columns);
    if (tick > wall.count() || next_tick <= c) next_tick = columns;  // past the end
  }
  out += g.axis_right;
  out += '\n';
  out += labels;
  out += '\n';
}

// A second line of legend, only for a run in which tasks waited for needs, got ready or never
// did.
std::string needs_legend(const Timeline& timeline, const Glyphs& g, std::size_t width) {
  const bool waited = std::any_of(timeline.tasks.begin(), timeline.tasks.end(),
                                  [](const TimelineTask& t) { return t.waited; });
  const bool ready = std::any_of(timeline.tasks.begin(), timeline.tasks.end(),
                                 [](const TimelineTask& t) { return t.ready_at.has_value(); });
  const bool never = std::any_of(timeline.tasks.begin(), timeline.tasks.end(),
                                 [](const TimelineTask& t) { return !t.never_ready.empty(); });
  if (!waited && !ready && !never) return {};
  std::string legend = "  ";
  const auto add = [&](const std::string& entry) {
    if (legend.size() > 2) legend += ", ";
    legend += entry;
  };
  if (waited) add(fmt::format("{} waiting for needs", g.waiting));
  if (ready) add(fmt::format("{} getting ready, {} ready", g.getting_ready, g.ready));
  if (never) add(fmt::format("{} never ready", g.never_ready));
  if (display_width(legend) > width) return {};
  return legend + '\n';
}

}  // namespace

// ---- recording -----------------------------------------------------------------------------

TimelineTask& TimelineRecorder::task(const Task& t) {
  if (t.index >= timeline_.tasks.size()) {
    timeline_.tasks.resize(t.index + 1);
    used_.resize(t.index + 1);
  }
  TimelineTask& task = timeline_.tasks[t.index];
  task.index = t.index;
  used_[t.index] = true;
  if (task.name.empty()) task.name = t.name;
  return task;
}

void TimelineRecorder::on_start(const StartEvent& e) {
  TimelineTask& t = task(e.task);
  if (e.task.index < failing_.size() && failing_[e.task.index]) {
    t.earlier.push_back(*failing_[e.task.index]);
    failing_[e.task.index].reset();
    if (t.earlier.size() > kTimelineEarlierKept) {
      t.earlier.erase(t.earlier.begin());
      ++t.earlier_not_kept;
    }
  }
  t.started = true;
  t.pid = e.pid;
  t.ppid = e.ppid;
  t.ready_at.reset();  // readiness is per attempt
  if (!e.task.needs.empty() && !t.waited) {
    t.waited = true;
    t.waited_until = e.t;
  }
}

void TimelineRecorder::on_line(const LineEvent& e) {
  if (e.partial) return;  // a long line counts once, when its last piece comes
  TimelineTask& t = task(e.task);
  ++t.lines;
  if (kept_ >= kTimelineMaxMarks) {
    ++timeline_.dropped_marks;
    return;
  }
  ++kept_;
  t.marks.push_back(TimelineMark{
      e.t, e.stream, std::string(e.text.substr(0, utf8_safe_cut(e.text, kTimelineTextSize)))});
}

void TimelineRecorder::on_ready(const ReadyEvent& e) {
  TimelineTask& t = task(e.task);
  t.ready_at = e.t;
  t.probe = std::string(e.probe);
}

void TimelineRecorder::on_exit(const ExitEvent& e) {
  if (e.result.outcome == Outcome::kNotStarted && !e.task.needs.empty()) {
    // It waited for its needs until it was given up (or the run was stopped).
    TimelineTask& t = task(e.task);
    if (!t.waited) {
      t.waited = true;
      t.waited_until = e.t;
    }
  }
  if (e.task.index >= exits_.size()) exits_.resize(e.task.index + 1, Duration::max());
  exits_[e.task.index] = e.t;
  if (e.retrying) {
    const TaskResult& r = e.result;
    if (e.task.index >= failing_.size()) failing_.resize(e.task.index + 1);
    failing_[e.task.index] = TimelineAttempt{r.attempt, r.pid, r.started,
                                             std::min(r.started + r.wall, e.t), describe(r)};
  }
}

void TimelineRecorder::on_summary(const SummaryEvent& e) {
  std::size_t indexes = e.tasks.size();
  for (const Task& task : e.tasks) indexes = std::max(indexes, task.index + 1);
  exits_.resize(std::max(exits_.size(), indexes), Duration::max());
  timeline_.parent_pid = e.parent_pid;
  timeline_.wall = e.wall;
  for (std::size_t i = 0; i < e.tasks.size() && i < e.results.size(); ++i) {
    TimelineTask& t = task(e.tasks[i]);
    const TaskResult& r = e.results[i];
    t.started = r.outcome != Outcome::kNotStarted;
    if (t.started) {
      t.pid = r.pid;
      t.ppid = r.ppid;
      t.start = r.started;
      // `started` is taken just after fork returned and `wall` counts from just before it, so
      // their sum overshoots the reaping by the time fork took; the exit event, which comes
      // after the reaping, bounds it.
      t.end = std::min({r.started + r.wall, exits_[t.index], e.wall});
    }
    t.status = describe(r);
    t.never_ready = t.started && !r.ready_at ? r.not_ready : std::string();
    t.failed = r.failed();
    t.cpu = r.user_cpu + r.sys_cpu;
  }
  // One row per task of this run: none for the indexes of other shards' tasks.
  std::size_t row = 0;
  for (std::size_t i = 0; i < timeline_.tasks.size(); ++i) {
    if (!used_[i]) continue;
    if (row != i) timeline_.tasks[row] = std::move(timeline_.tasks[i]);
    ++row;
  }
  timeline_.tasks.resize(row);
  used_.assign(row, true);
  for (const Writer& writer : writers_) writer(timeline_);
}

// ---- the terminal picture ------------------------------------------------------------------

std::string render_timeline(const Timeline& timeline, const TimelineStyle& style) {
  const Glyphs& g = style.unicode ? kUnicode : kAscii;
  std::size_t name_width = 0;
  std::size_t pid_width = 1;
  for (const TimelineTask& t : timeline.tasks) {
    name_width = std::max(name_width, display_width(t.name));
    if (t.started) pid_width = std::max(pid_width, std::to_string(t.pid).size());
  }
  const std::size_t indent = name_width + pid_width + 2;
  const std::size_t width = std::max(style.width, kMinWidth);
  const std::size_t columns = width > indent + 2 + 10 ? width - indent - 2 : 10;

  std::string out = fmt::format("timeline: {}, one column = {}", human_duration(timeline.wall),
                                human_duration(timeline.wall / static_cast<std::int64_t>(columns)));
  const std::string legend = fmt::format("; {} a line came out, {} running", g.line, g.alive);
  if (display_width(out) + display_width(legend) <= width) out += legend;
  out += '\n';
  out += needs_legend(timeline, g, width);
  for (const TimelineTask& t : timeline.tasks) {
    const std::string_view color = task_colour(t.index);
    const std::string label = label_of(t, name_width, pid_width);
    if (style.color) {
      out += fmt::format("{}{}{}", color, label, kReset);
    } else {
      out += label;
    }
    out += g.left;
    if (style.color) out += color;
    append_bar(out, t, timeline, columns, g);
    if (style.color) out += kReset;
    out += g.right;
    out += '\n';
  }
  append_axis(out, indent, columns, timeline.wall, g);
  return out;
}

}  // namespace mtask
