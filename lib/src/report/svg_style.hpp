#pragma once
// The look of the SVG timeline: its geometry, fonts and colours, shared by its parts.

#include <cstddef>
#include <string_view>

namespace mtask::detail {

/// Fills of the bars by task index, in the hues of the terminal's palette (task_colour): cyan,
/// magenta, green, blue, then lighter cyan, magenta and green, then amber. Their lightness
/// alternates too, so that any two of the first six differ by a contrast of at least 1.3:1 and
/// tell apart at a glance even without colour vision (docs/output.md, "Who ran where").
inline constexpr std::string_view kSvgFills[] = {"#006064", "#d81b60", "#43a047", "#283593",
                                                 "#80deea", "#ce93d8", "#9ccc65", "#f9a825"};
/// Text written on those fills (a task's key in the CPU rows): white on the dark ones, dark
/// on the light ones, a contrast of at least 4.5:1.
inline constexpr std::string_view kSvgOnFills[] = {"#ffffff", "#ffffff", "#212121", "#ffffff",
                                                   "#212121", "#212121", "#212121", "#212121"};
/// Text in the same hues, dark enough to read on white: a contrast of at least 4.5:1.
inline constexpr std::string_view kSvgTextFills[] = {"#006064", "#ad1457", "#2e7d32", "#283593",
                                                     "#00838f", "#8e24aa", "#33691e", "#7a5c00"};
/// The colours of the CPUs in the state strips and CPU rows.
inline constexpr std::string_view kSvgCpuFills[] = {"#3949ab", "#e65100", "#00897b", "#8e24aa",
                                                    "#6d4c41", "#d81b60", "#546e7a", "#9e9d24"};
inline constexpr std::string_view kSvgBackground = "#ffffff";
inline constexpr std::string_view kSvgText = "#212121";       ///< labels, axis, legend
inline constexpr std::string_view kSvgQuietText = "#616161";  ///< notes
/// Latin first, then fonts that cover Chinese names, then whatever the viewer has.
inline constexpr std::string_view kSvgFonts =
    "'DejaVu Sans Mono', 'Noto Sans Mono CJK SC', 'Noto Sans CJK SC', 'Source Han Sans SC', "
    "'WenQuanYi Micro Hei', 'PingFang SC', 'Microsoft YaHei', monospace, sans-serif";
/// The width of a column of text at font-size 13 (an East Asian wide character takes two).
inline constexpr double kSvgColumn = 7.9;

inline std::string_view svg_fill(std::size_t index) {
  return kSvgFills[index % std::size(kSvgFills)];
}
inline std::string_view svg_on_fill(std::size_t index) {
  return kSvgOnFills[index % std::size(kSvgOnFills)];
}
inline std::string_view svg_text_fill(std::size_t index) {
  return kSvgTextFills[index % std::size(kSvgTextFills)];
}
inline std::string_view svg_cpu_fill(int cpu) {
  return kSvgCpuFills[static_cast<std::size_t>(cpu < 0 ? 0 : cpu) % std::size(kSvgCpuFills)];
}

}  // namespace mtask::detail
