#pragma once
// The time axis shared by the terminal and SVG pictures of a timeline.

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace mtask::detail {

/// The smallest of 1, 2, 5 x 10^k nanoseconds that is at least `least`.
inline std::int64_t nice_step(double least) {
  std::int64_t decade = 1;
  for (; decade < 1'000'000'000'000'000; decade *= 10) {
    for (const std::int64_t m : {1, 2, 5}) {
      if (static_cast<double>(m * decade) >= least) return m * decade;
    }
  }
  return decade;
}

/// A label of the time axis at `nanos`: "0", "500ms", "1s", "1.5s".
inline std::string tick_label(std::int64_t nanos) {
  if (nanos == 0) return "0";
  if (nanos >= 1'000'000'000) return fmt::format("{:g}s", static_cast<double>(nanos) / 1e9);
  if (nanos >= 1'000'000) return fmt::format("{:g}ms", static_cast<double>(nanos) / 1e6);
  return fmt::format("{:g}us", static_cast<double>(nanos) / 1e3);
}

}  // namespace mtask::detail
