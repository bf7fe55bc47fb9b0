// The timeline drawn for a terminal (recorded in timeline_recorder.cpp).
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
#include "report/cpu_spans.hpp"
#include "report/timeline_cpu.hpp"
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

void append_bar(std::string& out, const TimelineTask& task, Duration span, std::size_t columns,
                const Glyphs& g) {
  // What each column shows; a later one is drawn over an earlier one.
  enum Cell : char { kNothing, kWaiting, kAlive, kGettingReady, kNeverReady, kLine, kReady };
  std::vector<char> cells(columns, kNothing);
  const auto fill = [&](Duration start, Duration end, Cell cell) {
    const std::size_t first = column_of(start, span, columns);
    const std::size_t last = column_of(end, span, columns);
    for (std::size_t c = first; c <= last; ++c) cells[c] = cell;
  };
  if (task.waited && task.waited_until.count() > 0) {
    // Up to the column before the start: the start's own column shows the task alive.
    const std::size_t last = column_of(task.waited_until, span, columns);
    for (std::size_t c = 0; c < last || (!task.started && c == last); ++c) cells[c] = kWaiting;
  }
  for (const TimelineAttempt& attempt : task.earlier) fill(attempt.start, attempt.end, kAlive);
  if (task.started) fill(task.start, task.end, kAlive);
  if (task.started && task.ready_at) fill(task.start, *task.ready_at, kGettingReady);
  if (task.started && !task.never_ready.empty()) fill(task.start, task.end, kNeverReady);
  for (const TimelineMark& mark : task.marks) {
    cells[column_of(mark.t, span, columns)] = kLine;
  }
  if (task.started && task.ready_at) cells[column_of(*task.ready_at, span, columns)] = kReady;
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

/// The run's figures in `width` columns: without their details in brackets when too wide, then
/// on two lines (speedup, cores busy), each cut to fit.
std::string fitted_figures(std::string figures, std::size_t width) {
  if (figures.empty()) return {};
  if (display_width(figures) > width && figures.ends_with(')')) {
    figures.erase(figures.rfind(" ("));
  }
  if (display_width(figures) <= width) return figures + '\n';
  const std::size_t split = figures.rfind("; ");
  if (split == std::string::npos) return figures.substr(0, width_cut(figures, width)) + '\n';
  std::string out;
  for (std::string_view line :
       {std::string_view(figures).substr(0, split), std::string_view(figures).substr(split + 2)}) {
    out += line.substr(0, width_cut(line, width));
    out += '\n';
  }
  return out;
}

/// The first line (the wall time, the scale, what a column is, the bars' legend when it fits;
/// else, when the picture has more to read than the bars, the legend on a line of its own).
std::string header(const Timeline& timeline, const TimelineStyle& style, const detail::Axis& axis,
                   std::size_t columns, std::size_t width, bool states) {
  const Glyphs& g = style.unicode ? kUnicode : kAscii;
  std::string out = fmt::format("timeline: {}", human_duration(timeline.wall));
  if (style.scale.count() > 0) {
    out += axis.beyond_scale ? fmt::format(" (longer than the {} scale: drawn to its end)",
                                           human_duration(style.scale))
                             : fmt::format(" on a {} scale", human_duration(style.scale));
  }
  out += fmt::format(", one column = {}",
                     human_duration(axis.span / static_cast<std::int64_t>(columns)));
  const std::string legend =
      fmt::format("{} a line came out, {} {}", g.line, g.alive, states ? "alive" : "running");
  if (display_width(out) + 2 + display_width(legend) <= width) return out + "; " + legend + '\n';
  if (states || style.scale.count() > 0) return out + '\n' + legend + '\n';
  return out + '\n';
}

}  // namespace

// ---- the terminal picture ------------------------------------------------------------------

std::string render_timeline(const Timeline& timeline, const TimelineStyle& style) {
  const Glyphs& g = style.unicode ? kUnicode : kAscii;
  const detail::Axis axis = detail::axis_of(timeline, style.scale);
  const bool states = detail::has_states(timeline);
  const std::vector<std::string> keys = detail::task_keys(timeline);
  std::size_t name_width = 0;
  std::size_t pid_width = 1;
  for (const TimelineTask& t : timeline.tasks) {
    name_width = std::max(name_width, display_width(t.name));
    if (t.started) pid_width = std::max(pid_width, std::to_string(t.pid).size());
  }
  const std::size_t width = std::max(style.width, kMinWidth);
  std::size_t indent = name_width + pid_width + 2;
  int last_cpu = -1;
  for (const TimelineTask& t : timeline.tasks) {
    for (const CpuSpan& span : t.spans) last_cpu = std::max(last_cpu, span.cpu);
  }
  if (last_cpu >= 0) {
    // The CPU rows' labels ("CPU 12") stand where names and PIDs do.
    const std::size_t label = fmt::format("CPU {} ", last_cpu).size();
    if (label > indent) name_width += label - indent;
    indent = std::max(indent, label);
  }
  const std::size_t columns = width > indent + 2 + 10 ? width - indent - 2 : 10;
  const std::vector<detail::CpuRow> cpus =
      detail::cpu_rows(timeline, keys, axis.span, columns, style.color);

  std::string out = header(timeline, style, axis, columns, width, states);
  out += detail::states_legend(timeline, keys, style.unicode, width, !cpus.empty());
  out += needs_legend(timeline, g, width);
  for (const TimelineTask& t : timeline.tasks) {
    const std::string_view color = style.color ? task_colour(t.index) : std::string_view();
    const std::string_view reset = style.color ? kReset : std::string_view();
    out +=
        fmt::format("{}{}{}{}{}", color, label_of(t, name_width, pid_width), reset, g.left, color);
    append_bar(out, t, axis.span, columns, g);
    out += fmt::format("{}{}\n", reset, g.right);
    if (!t.spans.empty()) {
      out += fmt::format("{:{}}{}{}{}{}{}\n", "", indent, g.left, color,
                         detail::state_strip(t, axis.span, columns, style.unicode), reset, g.right);
    }
  }
  for (const detail::CpuRow& row : cpus) {
    out += row.label;
    out.append(indent - row.label.size(), ' ');
    out += fmt::format("{}{}{}\n", g.left, row.cells, g.right);
  }
  append_axis(out, indent, columns, axis.span, g);
  out += fitted_figures(detail::figures_text(timeline), width);
  return out;
}

}  // namespace mtask
