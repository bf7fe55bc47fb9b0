#pragma once

#include <cstddef>
#include <string_view>

namespace mtask {

/// `--color`: when mtask writes escape sequences (docs/usage.md).
enum class ColourMode { kAuto, kAlways, kNever };

/// Whether to colour what goes to a descriptor. kAlways and kNever decide alone. In kAuto:
/// CLICOLOR_FORCE set to something other than "" or "0" turns colour on; else NO_COLOR set to
/// anything but "" turns it off; else colour is on only when `is_terminal`.
/// `clicolor_force` and `no_color` are the variables' values (nullptr when unset).
bool use_colour(ColourMode mode, bool is_terminal, const char* clicolor_force,
                const char* no_color);

/// The escape sequence that starts the colour of the task at `index`: a fixed palette of
/// eight, without red (red means failure), repeated.
std::string_view task_colour(std::size_t index);

inline constexpr std::string_view kRed = "\x1b[31m";
inline constexpr std::string_view kBold = "\x1b[1m";
inline constexpr std::string_view kReset = "\x1b[0m";

}  // namespace mtask
