// The built-in task: NAME... (i/N), print then sleep, on an absolute schedule.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstring>

#include "child.hpp"
#include "schedule.hpp"

namespace mtask::detail {

void run_builtin_task(const Task& task) {
  const std::int64_t interval = task.interval.count();
  timespec next = monotonic_now();
  // "NAME... (" is the same on every line; only "i/N)\n" changes. A NAME is at most 32 code
  // points (128 bytes), and the numbers at most 10 digits each.
  char line[256];
  const std::size_t name_size = std::min(task.name.size(), std::size_t{128});
  std::memcpy(line, task.name.data(), name_size);
  std::memcpy(line + name_size, "... (", 5);
  char* const numbers = line + name_size + 5;
  char* const end = line + sizeof line;
  for (std::uint64_t i = 1; i <= task.count; ++i) {
    char* p = std::to_chars(numbers, end, i).ptr;
    *p++ = '/';
    p = std::to_chars(p, end, task.count).ptr;
    *p++ = ')';
    *p++ = '\n';
    if (!write_all(STDOUT_FILENO, line, static_cast<std::size_t>(p - line))) _exit(128 + SIGPIPE);
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
