#pragma once
// The look of the SVG timeline: its geometry, fonts and colours, shared by its parts.

#include <cstddef>
#include <string_view>

namespace mtask::detail {

/// Fills of the bars by task index, the hues of the terminal's palette (task_colour): cyan,
/// yellow, green, magenta, blue, then lighter cyan, yellow and green.
inline constexpr std::string_view kSvgFills[] = {"#00838f", "#f9a825", "#2e7d32", "#ad1457",
                                                 "#1565c0", "#26c6da", "#fdd835", "#66bb6a"};
/// Text in the same hues, dark enough to read on white: a contrast of at least 4.5:1.
inline constexpr std::string_view kSvgTextFills[] = {"#006064", "#7a5c00", "#2e7d32", "#ad1457",
                                                     "#1565c0", "#00695c", "#6d5d00", "#33691e"};
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
inline std::string_view svg_text_fill(std::size_t index) {
  return kSvgTextFills[index % std::size(kSvgTextFills)];
}
inline std::string_view svg_cpu_fill(int cpu) {
  return kSvgCpuFills[static_cast<std::size_t>(cpu < 0 ? 0 : cpu) % std::size(kSvgCpuFills)];
}

}  // namespace mtask::detail
