#include "mtask/text/human.hpp"

#include <fmt/format.h>

namespace mtask {

std::string human_duration(std::chrono::nanoseconds d) {
  // Below a tenth of a millisecond one decimal would say 0.0: three keep what there is (a
  // timeline column, the CPU time of a task that only slept).
  if (d.count() > 0 && d.count() < 100'000) {
    return fmt::format("{:.3f} ms", static_cast<double>(d.count()) / 1e6);
  }
  if (d.count() < 999'950'000) {
    return fmt::format("{:.1f} ms", static_cast<double>(d.count()) / 1e6);
  }
  return fmt::format("{:.2f} s", std::chrono::duration<double>(d).count());
}

std::string seconds_3(std::chrono::nanoseconds d) {
  return fmt::format("{:.3f}", std::chrono::duration<double>(d).count());
}

std::string human_size(std::int64_t kib) {
  constexpr std::int64_t kMib = 1024;
  constexpr std::int64_t kGib = 1024 * 1024;
  if (kib < kMib) return fmt::format("{} KiB", kib);
  if (kib < kGib) return fmt::format("{:.1f} MiB", static_cast<double>(kib) / kMib);
  return fmt::format("{:.2f} GiB", static_cast<double>(kib) / kGib);
}

std::string count_of(std::size_t n, std::string_view noun, std::string_view plural_noun) {
  if (n == 1) return fmt::format("1 {}", noun);
  if (plural_noun.empty()) return fmt::format("{} {}s", n, noun);
  return fmt::format("{} {}", n, plural_noun);
}

}  // namespace mtask
