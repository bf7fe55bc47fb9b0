// The built-in task: NAME... (i/N), print then sleep (or, with --busy, print then work), on an
// absolute schedule.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstring>

#include "posix/clock.hpp"
#include "posix/fd.hpp"
#include "run/child.hpp"

namespace mtask::detail {
namespace {

std::int64_t cpu_now_nanos() noexcept {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

/// Real computation the compiler must keep: every step goes through a volatile.
void crunch() noexcept {
  static volatile std::uint64_t state = 1;
  for (int i = 0; i < 50'000; ++i) {
    state = state * 6364136223846793005u + 1442695040888963407u;
  }
}

/// Keeps the CPU busy until this thread has used `cpu_target` nanoseconds of CPU time. On a
/// core of its own that is the same as the monotonic clock's schedule; on a shared core the
/// task gets less CPU per second, so the same work takes longer in wall time.
void work_until(std::int64_t cpu_target) noexcept {
  while (cpu_now_nanos() < cpu_target) crunch();
}

}  // namespace

void run_builtin_task(const Task& task, bool busy) noexcept {
  const std::int64_t interval = task.interval.count();
  timespec next = monotonic_now();
  std::int64_t next_cpu = busy ? cpu_now_nanos() : 0;
  // "NAME... (" is the same on every line; only "i/N)\n" changes. A NAME is at most 32 code
  // points (128 bytes), and the numbers at most 10 digits each.
  char line[256];
  const std::size_t name_size = std::min(task.name.size(), std::size_t{128});
  std::memcpy(line, task.name.data(), name_size);
  std::memcpy(line + name_size, "... (", 5);
  char* const numbers = line + name_size + 5;
  constexpr std::size_t kDigits = 20;  // enough for any 64-bit number
  static_assert(128 + 5 + kDigits + 1 + kDigits + 2 <= sizeof line);
  for (std::uint64_t i = 1; i <= task.count; ++i) {
    char* p = std::to_chars(numbers, numbers + kDigits, i).ptr;
    *p++ = '/';
    p = std::to_chars(p, p + kDigits, task.count).ptr;
    *p++ = ')';
    *p++ = '\n';
    if (!posix::write_all(STDOUT_FILENO, line, static_cast<std::size_t>(p - line)))
      _exit(128 + SIGPIPE);
    if (interval <= 0) continue;
    // Iteration i+1 starts at start + i x INTERVAL, counted from the schedule rather than
    // from the clock, so no drift accumulates. Busy work follows the same schedule in CPU time
    // received, which on a free core is the monotonic clock's.
    if (busy) {
      next_cpu += interval;
      work_until(next_cpu);
    } else {
      next = add_nanos(next, interval);
      sleep_until(next);
    }
  }
  _exit(0);
}

}  // namespace mtask::detail
