#pragma once
// The CPU parts of the SVG timeline: state strips under the bars, a row per CPU, their legend
// (docs/output.md, "Who ran where").

#include <algorithm>
#include <string>

#include "mtask/report/timeline.hpp"

namespace mtask::detail {

inline constexpr double kBarWidth = 630;
inline constexpr double kBarHeight = 18;
inline constexpr double kStripHeight = 16;  ///< a task's state strip, under its bar
inline constexpr double kLaneHeight = 20;   ///< a CPU's row
/// Pixels a CPU-row stretch needs besides its text to have the task's name or key in it.
inline constexpr double kKeyMargin = 4;

/// Where the bars stand and the time they cover.
struct SvgGeometry {
  double bar_left = 0;
  Duration span{0};  ///< the time axis: 0 to span
  double x_of(Duration t) const {
    if (span.count() <= 0) return bar_left;
    const double f = static_cast<double>(t.count()) / static_cast<double>(span.count());
    return bar_left + std::clamp(f, 0.0, 1.0) * kBarWidth;
  }
};

/// The patterns the parts use (the hatching of waiting), for the document's start.
std::string svg_defs();

/// `task`'s state strip from `y`: running on CPU n in the CPU's colour, waiting for a CPU
/// hatched, asleep a thin line.
void draw_states(std::string& svg, const TimelineTask& task, const SvgGeometry& g, double y);

/// One row per CPU a task ran on, from `y`, each stretch in the colour of the task that ran
/// there, with its name or key written in it where it fits. Returns the y below them.
double draw_cpu_lanes(std::string& svg, const Timeline& timeline, const SvgGeometry& g, double y);

/// The legend of the states and CPU rows from `y`, when there are some, in lines that end
/// before `right`: what colour means in the strips (the CPU) and in the CPU rows (the task).
/// Returns the y below it.
double draw_states_legend(std::string& svg, const Timeline& timeline, double y, double right);

}  // namespace mtask::detail
