#pragma once
// The monotonic clock of absolute schedules. Async-signal-safe: children use it after fork.

#include <time.h>

#include <cerrno>
#include <cstdint>

namespace mtask::detail {

/// `base` plus `nanos` on the monotonic clock; never overflows for any DURATION x COUNT.
inline timespec add_nanos(timespec base, std::int64_t nanos) noexcept {
  constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
  const std::int64_t total = base.tv_nsec + nanos % kNanosPerSecond;
  base.tv_sec += static_cast<time_t>(nanos / kNanosPerSecond + total / kNanosPerSecond);
  base.tv_nsec = static_cast<long>(total % kNanosPerSecond);
  return base;
}

/// Sleeps until an absolute time of the monotonic clock, through any interruption.
inline void sleep_until(const timespec& when) noexcept {
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &when, nullptr) == EINTR) {
  }
}

/// The monotonic clock now.
inline timespec monotonic_now() noexcept {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now;
}

}  // namespace mtask::detail
