#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace mtask {

/// An unsigned decimal number read from text, saturated at a maximum.
struct Decimal {
  std::uint64_t value = 0;  ///< the number, or the maximum when `over`
  bool over = false;        ///< the digits stood for more than the maximum
};

/// Reads `text` as an unsigned decimal number: one or more of the digits 0-9 and nothing else
/// (no sign, no space, no base prefix); leading zeros are fine. Returns nullopt for anything
/// else. A number above `max` never wraps: it comes back as `max` with `over` set. The one
/// number reader of the grammar (COUNT, the parts of a DURATION, CPU numbers).
std::optional<Decimal> parse_decimal(std::string_view text,
                                     std::uint64_t max = std::numeric_limits<std::uint64_t>::max());

}  // namespace mtask
