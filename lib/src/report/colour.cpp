#include "mtask/report/colour.hpp"

#include <array>
#include <string>

namespace mtask {

bool use_colour(ColourMode mode, bool is_terminal, const char* clicolor_force,
                const char* no_color) {
  if (mode != ColourMode::kAuto) return mode == ColourMode::kAlways;
  if (clicolor_force != nullptr && *clicolor_force != '\0' &&
      std::string_view(clicolor_force) != "0") {
    return true;
  }
  if (no_color != nullptr && *no_color != '\0') return false;
  return is_terminal;
}

std::string_view task_colour(std::size_t index) {
  // Plain yellow reads poorly on a light background: it comes last.
  static constexpr std::array<std::string_view, 8> kPalette{"\x1b[36m", "\x1b[35m", "\x1b[32m",
                                                            "\x1b[34m", "\x1b[96m", "\x1b[95m",
                                                            "\x1b[92m", "\x1b[33m"};
  return kPalette[index % kPalette.size()];
}

}  // namespace mtask
