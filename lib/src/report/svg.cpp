// The timeline as a standalone SVG picture, for slides and docs.
#include <algorithm>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "mtask/report/timeline.hpp"
#include "mtask/text/human.hpp"
#include "mtask/text/xml.hpp"
#include "report/timeline_scale.hpp"

namespace mtask {
namespace {

/// Row colours by task index, the hues of the terminal's palette (task_colour): cyan, yellow,
/// green, magenta, blue, then lighter cyan, yellow and green.
constexpr std::string_view kFills[] = {"#00838f", "#f9a825", "#2e7d32", "#ad1457",
                                       "#1565c0", "#26c6da", "#fdd835", "#66bb6a"};
constexpr double kWidth = 900;
constexpr double kLabelWidth = 230;
constexpr double kBarLeft = kLabelWidth + 10;
constexpr double kBarWidth = kWidth - kBarLeft - 30;
constexpr double kTop = 44;
constexpr double kRowHeight = 28;
constexpr double kBarHeight = 18;
/// Fewest pixels between two labels of the time axis.
constexpr double kTickSpacing = 70;

/// `text` made safe inside an element or a double-quoted attribute.
std::string escaped(std::string_view text) {
  std::string out;
  append_xml_escaped(out, text, true);
  return out;
}

class Picture {
 public:
  explicit Picture(const Timeline& timeline) : timeline_(timeline) {}

  std::string draw() {
    const double rows = static_cast<double>(timeline_.tasks.size() + 1);
    const double height = kTop + rows * kRowHeight + 40;
    svg_ = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
        "viewBox=\"0 0 {0} {1}\" font-family=\"DejaVu Sans Mono, monospace\" font-size=\"13\">\n"
        "<title>mtask timeline: {2} tasks in {3}</title>\n"
        "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        "<text x=\"10\" y=\"22\" font-size=\"14\">mtask: {2} tasks in {3} "
        "(bar: alive, from fork to wait; ticks: lines of output{4})</text>\n",
        kWidth, height, timeline_.tasks.size(), human_duration(timeline_.wall), needs_legend());
    draw_parent();
    for (std::size_t row = 0; row < timeline_.tasks.size(); ++row) {
      draw_task(timeline_.tasks[row], row + 1);
    }
    draw_axis(kTop + rows * kRowHeight + 4);
    svg_ += "</svg>\n";
    return std::move(svg_);
  }

 private:
  double x_of(Duration t) const {
    if (timeline_.wall.count() <= 0) return kBarLeft;
    const double f = static_cast<double>(t.count()) / static_cast<double>(timeline_.wall.count());
    return kBarLeft + std::clamp(f, 0.0, 1.0) * kBarWidth;
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
        kBarLeft, y + 2, std::max(x_of(task.waited_until) - kBarLeft, 1.0), kBarHeight, fill, name,
        human_duration(task.waited_until));
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

  double row_y(std::size_t row) const { return kTop + static_cast<double>(row) * kRowHeight; }

  void draw_parent() {
    const double y = row_y(0);
    svg_ += fmt::format(
        "<g class=\"parent\" data-pid=\"{0}\">\n"
        "<text x=\"10\" y=\"{1:.1f}\">mtask (pid {0})</text>\n"
        "<rect x=\"{2:.1f}\" y=\"{3:.1f}\" width=\"{4:.1f}\" height=\"{5}\" fill=\"#9e9e9e\" "
        "fill-opacity=\"0.35\" stroke=\"#616161\"><title>parent {0}: forks, reads, waits for "
        "0 to {6}</title></rect>\n</g>\n",
        timeline_.parent_pid, y + 14, kBarLeft, y + 2, kBarWidth, kBarHeight,
        human_duration(timeline_.wall));
  }

  /// `row`: the task's place in the picture, below the parent's (under --shard its index may be
  /// larger).
  void draw_task(const TimelineTask& task, std::size_t row) {
    const double y = row_y(row);
    const std::string_view fill = kFills[task.index % std::size(kFills)];
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
                        fill, name, task.pid);
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
        kBarLeft, y, kBarLeft + kBarWidth);
    const double wall = static_cast<double>(timeline_.wall.count());
    const std::int64_t step = detail::nice_step(std::max(wall * kTickSpacing / kBarWidth, 1.0));
    for (std::int64_t t = 0; static_cast<double>(t) <= wall; t += step) {
      const double x = x_of(Duration(t));
      svg_ += fmt::format(
          "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#424242\"/>"
          "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
          x, y, y + 5, y + 20, detail::tick_label(t));
      if (wall <= 0) break;
    }
    svg_ += "</g>\n";
  }

  const Timeline& timeline_;
  std::string svg_;
};

}  // namespace

std::string render_timeline_svg(const Timeline& timeline) { return Picture(timeline).draw(); }

}  // namespace mtask
