#include "posix/cpu_clock.hpp"

#include <time.h>

namespace mtask::posix {

std::optional<Duration> read_cpu_clock(pid_t pid) noexcept {
  clockid_t clock{};
  if (clock_getcpuclockid(pid, &clock) != 0) return std::nullopt;
  timespec now{};
  if (clock_gettime(clock, &now) != 0) return std::nullopt;
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

}  // namespace mtask::posix
