// The CPU parts of the SVG timeline: state strips, CPU rows and their legend.
#include "report/svg_parts.hpp"

#include <set>

#include <fmt/format.h>

#include "mtask/text/human.hpp"
#include "mtask/text/width.hpp"
#include "mtask/text/xml.hpp"
#include "report/cpu_spans.hpp"
#include "report/svg_style.hpp"
#include "report/timeline_cpu.hpp"

namespace mtask::detail {
namespace {

/// Columns of two pixels: the strips stay small however long the run.
constexpr std::size_t kColumns = static_cast<std::size_t>(kBarWidth / 2);

std::string escaped(std::string_view text) {
  std::string out;
  append_xml_escaped(out, text, true);
  return out;
}

double text_width(std::string_view text) {
  return static_cast<double>(display_width(text)) * kSvgColumn;
}

Duration time_of(std::size_t column, Duration span) {
  return span * static_cast<std::int64_t>(column) / static_cast<std::int64_t>(kColumns);
}

std::string state_words(const ColumnState& s) {
  if (s.state == CpuState::kWaiting) return "waiting for a CPU";
  if (s.state == CpuState::kAsleep) return "asleep";
  return s.cpu >= 0 ? fmt::format("running on CPU {}", s.cpu) : "running";
}

/// A stretch of one state: a rect of `height` centred in the strip at `y`.
void draw_stretch(std::string& svg, const ColumnState& s, const std::string& name,
                  const SvgGeometry& g, double y, std::size_t first, std::size_t end) {
  const double x = g.x_of(time_of(first, g.span));
  const double width = std::max(g.x_of(time_of(end, g.span)) - x, 1.0);
  const std::string words = state_words(s);
  const auto [cls, fill, height] =
      s.state == CpuState::kRunning ? std::tuple{"running", std::string(svg_cpu_fill(s.cpu)), 10.0}
      : s.state == CpuState::kWaiting ? std::tuple{"waiting", std::string("url(#waiting)"), 10.0}
                                      : std::tuple{"asleep", std::string("#9e9e9e"), 2.0};
  svg += fmt::format(
      "<rect class=\"state {}\" data-cpu=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
      "height=\"{}\" fill=\"{}\"><title>{} {}: {} to {}</title></rect>\n",
      cls, s.state == CpuState::kRunning ? s.cpu : -1, x, y + (kStripHeight - height) / 2 - 1,
      width, height, fill, name, words, human_duration(time_of(first, g.span)),
      human_duration(time_of(end, g.span)));
}

/// A stretch of a CPU row from `x` to `right`: in the task's colour, with its name written in
/// it where the name fits, else its key where that fits, so that the row reads without the
/// colours (which in the strips mean CPUs).
void draw_ran(std::string& svg, const TimelineTask& task, const std::string& key, int cpu, double x,
              double right, double y, std::pair<Duration, Duration> when) {
  const double width = std::max(right - x, 1.0);
  const std::string name = escaped(task.name);
  svg += fmt::format(
      "<rect class=\"ran\" data-name=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
      "height=\"14\" fill=\"{}\"><title>CPU {}: {} ran, {} to {}</title></rect>\n",
      name, x, y + 1, width, svg_fill(task.index), cpu, name, human_duration(when.first),
      human_duration(when.second));
  // A string, not a view: the branches' common type is a std::string made for the statement.
  const std::string label = width >= text_width(task.name) + kKeyMargin ? task.name
                            : width >= text_width(key) + kKeyMargin     ? key
                                                                        : "";
  if (label.empty()) return;
  svg += fmt::format(
      "<text class=\"key\" data-name=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" "
      "fill=\"{}\">{}</text>\n",
      name, x + width / 2, y + 12, svg_on_fill(task.index), escaped(label));
}

/// Writes the legend's items left to right, starting a new line where one would pass `right`.
struct Legend {
  std::string& svg;
  double y;
  double right;
  double x = 10;

  void next_line() {
    y += 18;
    x = 10;
  }
  /// Room for `width` more pixels on this line, or a new (indented) line.
  void make_room(double width) {
    if (x > 30 && x + width > right) {
      next_line();
      x = 30;
    }
  }
  void heading(std::string_view text) {
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"{}\">{}:</text>\n", x, y, kSvgText,
                       escaped(text));
    x += text_width(text) + kSvgColumn + 12;
  }
  void swatch(std::string_view fill, double height, const std::string& text) {
    make_room(20 + text_width(text));
    svg += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"{}\" fill=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"{}\">{}</text>\n",
        x, y - 5 - height / 2, height, fill, x + 20, y, kSvgText, escaped(text));
    x += 20 + text_width(text) + 16;
  }
  void note(std::string_view text) {
    make_room(text_width(text));
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"{}\">{}</text>\n", x, y, kSvgText,
                       escaped(text));
    x += text_width(text) + 16;
  }
};

}  // namespace

std::string svg_defs() {
  return "<defs><pattern id=\"waiting\" patternUnits=\"userSpaceOnUse\" width=\"4\" "
         "height=\"4\"><rect width=\"4\" height=\"4\" fill=\"#eeeeee\"/><path d=\"M0,4 L4,0\" "
         "stroke=\"#616161\" stroke-width=\"1\"/></pattern></defs>\n";
}

void draw_states(std::string& svg, const TimelineTask& task, const SvgGeometry& g, double y) {
  const std::vector<ColumnState> states = column_states(task, g.span, kColumns);
  const std::string name = escaped(task.name);
  svg += fmt::format("<g class=\"states\" data-name=\"{}\">\n", name);
  std::size_t first = 0;
  for (std::size_t c = 1; c <= kColumns; ++c) {
    const ColumnState& s = states[first];
    if (c < kColumns && states[c].known == s.known && states[c].state == s.state &&
        states[c].cpu == s.cpu) {
      continue;
    }
    if (s.known) draw_stretch(svg, s, name, g, y, first, c);
    first = c;
  }
  svg += "</g>\n";
}

double draw_cpu_lanes(std::string& svg, const Timeline& timeline, const SvgGeometry& g, double y) {
  const std::vector<CpuLane> lanes = cpu_lanes(timeline, g.span, kColumns);
  if (lanes.empty()) return y;
  const std::vector<std::string> keys = task_keys(timeline);
  y += 6;
  for (const CpuLane& lane : lanes) {
    svg += fmt::format(
        "<g class=\"cpu\" data-cpu=\"{0}\">\n<rect x=\"10\" y=\"{1:.1f}\" width=\"10\" "
        "height=\"10\" fill=\"{2}\"/><text x=\"26\" y=\"{3:.1f}\" fill=\"{4}\">CPU {0}</text>\n",
        lane.cpu, y + 3, svg_cpu_fill(lane.cpu), y + 12, kSvgText);
    std::size_t first = 0;
    for (std::size_t c = 1; c <= kColumns; ++c) {
      const std::size_t row = lane.rows[first];
      if (c < kColumns && lane.rows[c] == row) continue;
      if (row != kNobody) {
        draw_ran(svg, timeline.tasks[row], row < keys.size() ? keys[row] : "", lane.cpu,
                 g.x_of(time_of(first, g.span)), g.x_of(time_of(c, g.span)), y,
                 {time_of(first, g.span), time_of(c, g.span)});
      }
      first = c;
    }
    svg += "</g>\n";
    y += kLaneHeight;
  }
  return y;
}

double draw_states_legend(std::string& svg, const Timeline& timeline, double y, double right) {
  if (!has_states(timeline)) return y - 20;
  std::set<int> cpus;
  for (const TimelineTask& task : timeline.tasks) {
    for (const CpuSpan& span : task.spans) {
      if (span.state == CpuState::kRunning && span.cpu >= 0) cpus.insert(span.cpu);
    }
  }
  Legend legend{svg, y, right};
  svg += "<g class=\"legend\">\n";
  // Colour means the CPU in the strips and the task in the CPU rows: each line says which.
  legend.heading("strips: colour = CPU");
  for (const int cpu : cpus) legend.swatch(svg_cpu_fill(cpu), 10, fmt::format("CPU {}", cpu));
  legend.swatch("url(#waiting)", 10, "waiting for a CPU");
  legend.swatch("#9e9e9e", 2, "asleep");
  if (timeline.coarsened_spans > 0) legend.note("(coarser than sampled)");
  legend.next_line();
  legend.heading("CPU rows: colour = task");
  const std::vector<std::string> keys = task_keys(timeline);
  for (std::size_t row = 0; row < timeline.tasks.size() && row < keys.size(); ++row) {
    const TimelineTask& task = timeline.tasks[row];
    legend.swatch(svg_fill(task.index), 10,
                  keys[row] == task.name ? task.name : keys[row] + " " + task.name);
  }
  svg += "</g>\n";
  return legend.y + 4;
}

}  // namespace mtask::detail
