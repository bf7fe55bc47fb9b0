// The built-in task: NAME... (i/N), print then sleep, on an absolute schedule.
#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>

#include "child.hpp"
#include "schedule.hpp"

namespace mtask::detail {

void run_builtin_task(const Task& task) {
  const std::int64_t interval = task.interval.count();
  timespec next = monotonic_now();
  char line[256];  // a NAME is at most 32 code points: 128 bytes
  for (std::uint64_t i = 1; i <= task.count; ++i) {
    const auto result = fmt::format_to_n(line, sizeof line, "{}... ({}/{})\n", task.name, i,
                                         task.count);
    const std::size_t size = std::min(result.size, sizeof line);
    if (!write_all(STDOUT_FILENO, line, size)) _exit(128 + SIGPIPE);
    // Iteration i+1 starts at start + i x INTERVAL, counted from the schedule rather than
    // from the clock, so no drift accumulates.
    if (interval > 0) {
      next = add_nanos(next, interval);
      sleep_until(next);
    }
  }
  _exit(0);
}

}  // namespace mtask::detail
