// The CPU parts of the SVG timeline: state strips, CPU rows and their legend.
#include "report/svg_parts.hpp"

#include <fmt/format.h>

#include "mtask/text/human.hpp"
#include "mtask/text/xml.hpp"
#include "report/cpu_spans.hpp"
#include "report/svg_style.hpp"

namespace mtask::detail {
namespace {

/// Columns of two pixels: the strips stay small however long the run.
constexpr std::size_t kColumns = static_cast<std::size_t>(kBarWidth / 2);

std::string escaped(std::string_view text) {
  std::string out;
  append_xml_escaped(out, text, true);
  return out;
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
        const TimelineTask& task = timeline.tasks[row];
        const double x = g.x_of(time_of(first, g.span));
        svg += fmt::format(
            "<rect class=\"ran\" data-name=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
            "height=\"14\" fill=\"{}\"><title>CPU {}: {} ran, {} to {}</title></rect>\n",
            escaped(task.name), x, y + 1, std::max(g.x_of(time_of(c, g.span)) - x, 1.0),
            svg_fill(task.index), lane.cpu, escaped(task.name),
            human_duration(time_of(first, g.span)), human_duration(time_of(c, g.span)));
      }
      first = c;
    }
    svg += "</g>\n";
    y += kLaneHeight;
  }
  return y;
}

double draw_states_legend(std::string& svg, const Timeline& timeline, double y) {
  const bool states = std::any_of(timeline.tasks.begin(), timeline.tasks.end(),
                                  [](const TimelineTask& t) { return !t.spans.empty(); });
  if (!states) return y - 20;
  svg += fmt::format(
      "<g class=\"legend\">\n"
      "<rect x=\"10\" y=\"{0:.1f}\" width=\"14\" height=\"10\" fill=\"{1}\"/>"
      "<text x=\"30\" y=\"{2:.1f}\" fill=\"{3}\">running on a CPU (its colour)</text>\n"
      "<rect x=\"270\" y=\"{0:.1f}\" width=\"14\" height=\"10\" fill=\"url(#waiting)\"/>"
      "<text x=\"290\" y=\"{2:.1f}\" fill=\"{3}\">waiting for a CPU</text>\n"
      "<rect x=\"440\" y=\"{4:.1f}\" width=\"14\" height=\"2\" fill=\"#9e9e9e\"/>"
      "<text x=\"460\" y=\"{2:.1f}\" fill=\"{3}\">asleep</text>\n"
      "<text x=\"530\" y=\"{2:.1f}\" fill=\"{3}\">CPU rows: the task that ran there{5}</text>\n"
      "</g>\n",
      y - 10, svg_cpu_fill(0), y, kSvgText, y - 6,
      timeline.coarsened_spans > 0 ? " (coarser than sampled)" : "");
  return y + 4;
}

}  // namespace mtask::detail
