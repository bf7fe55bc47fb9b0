// The timeline as a standalone SVG picture, for slides and docs.
#include <algorithm>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "mtask/report/timeline.hpp"
#include "mtask/text/human.hpp"
#include "mtask/text/width.hpp"
#include "mtask/text/xml.hpp"
#include "report/cpu_spans.hpp"
#include "report/svg_parts.hpp"
#include "report/svg_style.hpp"
#include "report/timeline_cpu.hpp"
#include "report/timeline_scale.hpp"

namespace mtask {
namespace {

using detail::kBarHeight;
using detail::kBarWidth;
/// Fewest pixels for the labels left of the bars.
constexpr double kLabelWidth = 230;
constexpr double kTop = 52;
constexpr double kRowHeight = 28;
/// Fewest pixels between two labels of the time axis.
constexpr double kTickSpacing = 70;

/// `text` made safe inside an element or a double-quoted attribute.
std::string escaped(std::string_view text) {
  std::string out;
  append_xml_escaped(out, text, true);
  return out;
}

/// The width of `text` in pixels: wide characters (Chinese) count as two columns.
double text_width(std::string_view text, double column = detail::kSvgColumn) {
  return static_cast<double>(display_width(text)) * column;
}

class Picture {
 public:
  Picture(const Timeline& timeline, const SvgStyle& style)
      : timeline_(timeline), style_(style), axis_(detail::axis_of(timeline, style.scale)) {
    double labels = text_width(fmt::format("mtask (pid {})", timeline.parent_pid));
    for (const TimelineTask& task : timeline.tasks) {
      labels = std::max(labels, text_width(fmt::format("{} (pid {})", task.name, task.pid)));
      labels = std::max(labels, text_width(fmt::format("{} (not started)", task.name)));
    }
    geometry_.bar_left = std::max(kLabelWidth, labels + 20) + 10;
  }

  std::string draw() {
    const std::string title = fmt::format(
        "mtask: {} tasks in {} (bar: alive, from fork to wait; "
        "ticks: lines of output{}{})",
        timeline_.tasks.size(), human_duration(timeline_.wall), needs_legend(), scale_note());
    const std::string figures = detail::figures_text(timeline_);
    double y = kTop;
    draw_parent(y);
    y += kRowHeight;
    for (const TimelineTask& task : timeline_.tasks) {
      draw_task(task, y);
      y += kRowHeight;
      if (!task.spans.empty()) {
        detail::draw_states(svg_, task, geometry_, y);
        y += detail::kStripHeight;
      }
    }
    y = detail::draw_cpu_lanes(svg_, timeline_, geometry_, y);
    draw_axis(y + 4);
    y = detail::draw_states_legend(svg_, timeline_, y + (axis_.beyond_scale ? 58 : 44),
                                   geometry_.bar_left + kBarWidth);
    const double width = std::max({geometry_.bar_left + kBarWidth + 30, 20 + text_width(title, 8.5),
                                   20 + text_width(figures)});
    const double height = y + 12;
    std::string head = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
        "viewBox=\"0 0 {0:.0f} {1:.0f}\" font-family=\"{2}\" font-size=\"13\" fill=\"{3}\">\n"
        "<title>mtask timeline: {4} tasks in {5}</title>\n{6}"
        "<rect class=\"background\" width=\"100%\" height=\"100%\" fill=\"{7}\"/>\n"
        "<text x=\"10\" y=\"22\" font-size=\"14\" fill=\"{3}\">{8}</text>\n",
        width, height, detail::kSvgFonts, detail::kSvgText, timeline_.tasks.size(),
        human_duration(timeline_.wall),
        detail::has_states(timeline_) ? detail::svg_defs() : std::string(), detail::kSvgBackground,
        escaped(title));
    if (!figures.empty()) {
      head += fmt::format("<text class=\"figures\" x=\"10\" y=\"40\" fill=\"{}\">{}</text>\n",
                          detail::kSvgText, escaped(figures));
    }
    return head + svg_ + "</svg>\n";
  }

 private:
  double x_of(Duration t) const { return geometry_.x_of(t); }

  /// Where a fixed scale (--timeline-scale) was asked for: what the axis is.
  std::string scale_note() const {
    if (style_.scale.count() <= 0) return {};
    if (axis_.beyond_scale) {
      return fmt::format("; longer than the {} scale: drawn to its end",
                         human_duration(style_.scale));
    }
    return fmt::format("; on a {} scale", human_duration(style_.scale));
  }
  /// More legend for a run in which tasks waited for needs, got ready or never did; empty
  /// otherwise.
  std::string needs_legend() const {
    const auto& tasks = timeline_.tasks;
    std::string legend;
    if (std::any_of(tasks.begin(), tasks.end(), [](const TimelineTask& t) { return t.waited; })) {
      legend += "; dashed: waiting for needs";
    }
    if (std::any_of(tasks.begin(), tasks.end(),
                    [](const TimelineTask& t) { return t.ready_at.has_value(); })) {
      legend += "; striped: getting ready; diamond: ready";
    }
    if (std::any_of(tasks.begin(), tasks.end(),
                    [](const TimelineTask& t) { return !t.never_ready.empty(); })) {
      legend += "; red striped: never ready";
    }
    return legend;
  }

  /// The wait for its needs, from the run's start: a dashed outline.
  void draw_waiting(const TimelineTask& task, double y, std::string_view fill,
                    const std::string& name) {
    if (!task.waited) return;
    svg_ += fmt::format(
        "<rect class=\"span waiting\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
        "height=\"{}\" fill=\"none\" stroke=\"{}\" stroke-dasharray=\"2 3\"><title>{} waited "
        "for its needs: 0 to {}</title></rect>\n",
        geometry_.bar_left, y + 2, std::max(x_of(task.waited_until) - geometry_.bar_left, 1.0),
        kBarHeight, fill, name, human_duration(task.waited_until));
  }

  /// From its start until it was ready: a striped span; then a diamond where it became ready.
  void draw_ready(const TimelineTask& task, double y, std::string_view fill,
                  const std::string& name) {
    if (!task.never_ready.empty()) {
      // Getting ready in vain, from its start to its end: in the colour of failure.
      const double from = x_of(task.start);
      svg_ += fmt::format(
          "<rect class=\"span never-ready\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
          "height=\"{}\" fill=\"#d32f2f\" fill-opacity=\"0.6\" stroke=\"none\"><title>{} never "
          "ready: {} to {}: {}</title></rect>\n",
          from, y + 2 + kBarHeight / 3, std::max(x_of(task.end) - from, 1.0), kBarHeight / 3, name,
          human_duration(task.start), human_duration(task.end), escaped(task.never_ready));
    }
    if (!task.ready_at) return;
    const double from = x_of(task.start);
    const double at = x_of(*task.ready_at);
    const std::string probe = escaped(task.probe);
    svg_ += fmt::format(
        "<rect class=\"span getting-ready\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
        "height=\"{}\" fill=\"{}\" fill-opacity=\"0.25\" stroke=\"none\"><title>{} getting "
        "ready ({}): {} to {}</title></rect>\n",
        from, y + 2 + kBarHeight / 3, std::max(at - from, 1.0), kBarHeight / 3, fill, name, probe,
        human_duration(task.start), human_duration(*task.ready_at));
    const double mid = y + 2 + kBarHeight / 2;
    svg_ += fmt::format(
        "<polygon class=\"ready\" points=\"{0:.1f},{1:.1f} {2:.1f},{3:.1f} {0:.1f},{4:.1f} "
        "{5:.1f},{3:.1f}\" fill=\"#ffffff\" stroke=\"{6}\" stroke-width=\"2\"><title>{7} ready "
        "after {8} ({9})</title></polygon>\n",
        at, mid - 6, at + 6, mid, mid + 6, at - 6, fill, name,
        human_duration(*task.ready_at - task.start), probe);
  }

  void draw_parent(double y) {
    svg_ += fmt::format(
        "<g class=\"parent\" data-pid=\"{0}\">\n"
        "<text x=\"10\" y=\"{1:.1f}\">mtask (pid {0})</text>\n"
        "<rect x=\"{2:.1f}\" y=\"{3:.1f}\" width=\"{4:.1f}\" height=\"{5}\" fill=\"#9e9e9e\" "
        "fill-opacity=\"0.35\" stroke=\"#616161\"><title>parent {0}: forks, reads, waits for "
        "0 to {6}</title></rect>\n</g>\n",
        timeline_.parent_pid, y + 14, geometry_.bar_left, y + 2, kBarWidth, kBarHeight,
        human_duration(timeline_.wall));
  }

  /// `y`: the top of the task's row, below the parent's and those of the tasks before it.
  void draw_task(const TimelineTask& task, double y) {
    const std::string_view fill = detail::svg_fill(task.index);
    const std::string name = escaped(task.name);
    svg_ += fmt::format(
        "<g class=\"task\" data-name=\"{}\" data-index=\"{}\" data-pid=\"{}\" data-ppid=\"{}\" "
        "data-lines=\"{}\">\n",
        name, task.index, task.pid, task.ppid, task.lines);
    draw_waiting(task, y, fill, name);
    if (!task.started) {
      svg_ +=
          fmt::format("<text x=\"10\" y=\"{:.1f}\">{} (not started)</text>\n</g>\n", y + 14, name);
      return;
    }
    svg_ += fmt::format("<text x=\"10\" y=\"{:.1f}\" fill=\"{}\">{} (pid {})</text>\n", y + 14,
                        detail::svg_text_fill(task.index), name, task.pid);
    for (std::size_t i = 0; i < task.earlier.size(); ++i) {
      const TimelineAttempt& attempt = task.earlier[i];
      const double from = x_of(attempt.start);
      svg_ += fmt::format(
          "<rect class=\"span attempt\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
          "height=\"{}\" fill=\"{}\" fill-opacity=\"0.15\" stroke=\"{}\" "
          "stroke-dasharray=\"4 2\"><title>{}, attempt {}, pid {}: {} to {}, {}</title></rect>\n",
          from, y + 2, std::max(x_of(attempt.end) - from, 1.0), kBarHeight, fill, fill, name,
          attempt.attempt, attempt.pid, human_duration(attempt.start), human_duration(attempt.end),
          escaped(attempt.status));
    }
    // Only the latest failed attempts are kept (kTimelineEarlierKept): say how many are not.
    const std::string not_drawn =
        task.earlier_not_kept == 0
            ? std::string()
            : fmt::format("; {} not drawn", count_of(task.earlier_not_kept, "earlier attempt"));
    const double left = x_of(task.start);
    const double width = std::max(x_of(task.end) - left, 1.0);
    svg_ += fmt::format(
        "<rect class=\"span\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" "
        "fill=\"{}\" fill-opacity=\"0.3\" stroke=\"{}\"><title>{}, pid {}, ppid {}: {} to {}, "
        "{}, {} CPU, {}{}</title></rect>\n",
        left, y + 2, width, kBarHeight, fill, fill, name, task.pid, task.ppid,
        human_duration(task.start), human_duration(task.end), escaped(task.status),
        human_duration(task.cpu), count_of(task.lines, "line"), not_drawn);
    for (const TimelineMark& mark : task.marks) {
      svg_ += fmt::format(
          "<rect class=\"mark\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"3\" height=\"{}\" "
          "fill=\"{}\"/>\n",
          x_of(mark.t) - 1.5, y + 2, kBarHeight, fill);
    }
    draw_ready(task, y, fill, name);
    svg_ += "</g>\n";
  }

  void draw_axis(double y) {
    svg_ += fmt::format(
        "<g class=\"axis\">\n<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" "
        "stroke=\"#424242\"/>\n",
        geometry_.bar_left, y, geometry_.bar_left + kBarWidth);
    const double span = static_cast<double>(axis_.span.count());
    const std::int64_t step = detail::nice_step(std::max(span * kTickSpacing / kBarWidth, 1.0));
    for (std::int64_t t = 0; static_cast<double>(t) <= span; t += step) {
      const double x = x_of(Duration(t));
      svg_ += fmt::format(
          "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#424242\"/>"
          "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\" fill=\"{5}\">{4}</text>\n",
          x, y, y + 5, y + 20, detail::tick_label(t), detail::kSvgText);
      if (span <= 0) break;
    }
    if (axis_.beyond_scale) {
      // Where the scale asked for ends: the run goes on past it.
      const double x = x_of(style_.scale);
      svg_ += fmt::format(
          "<line class=\"scale-end\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" "
          "y2=\"{2:.1f}\" stroke=\"#424242\" stroke-dasharray=\"3 3\"/>"
          "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\" fill=\"{4}\">{5} scale"
          "</text>\n",
          x, kTop, y, y + 34, detail::kSvgQuietText, human_duration(style_.scale));
    }
    svg_ += "</g>\n";
  }

  const Timeline& timeline_;
  const SvgStyle& style_;
  const detail::Axis axis_;
  detail::SvgGeometry geometry_{0, axis_.span};
  std::string svg_;
};

}  // namespace

std::string render_timeline_svg(const Timeline& timeline, const SvgStyle& style) {
  return Picture(timeline, style).draw();
}

}  // namespace mtask
