#pragma once
// What the report tests share: a run's summary event as the runner makes it, and the lines of
// a text.

#include <chrono>
#include <string>
#include <vector>

#include "mtask/events.hpp"

namespace report_test {

/// The lines of `text`, without their '\n'.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = text.find('\n', begin);
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

/// The summary of a run of `tasks` that ended with `results` after `wall`, as the runner makes
/// it (run/results.cpp): mtask is pid 4241, the failed tasks are counted, the CPU is their
/// user + system time, one after another they would take `task_wall_sum` (no CPU wait), and
/// the summary comes at the end of the run. A test sets what else it needs on what it returns.
inline mtask::SummaryEvent summary_of(const std::vector<mtask::Task>& tasks,
                                      const std::vector<mtask::TaskResult>& results,
                                      mtask::Duration wall, mtask::Duration task_wall_sum) {
  mtask::SummaryEvent e{4241, tasks, results, 0, wall, task_wall_sum, 0.0, 0, wall};
  for (const mtask::TaskResult& r : results) {
    if (r.failed()) ++e.failed;
    e.cpu_sum += r.user_cpu + r.sys_cpu;
  }
  e.exit_code = e.failed > 0 ? 1 : 0;
  e.sequential = task_wall_sum;
  using Seconds = std::chrono::duration<double>;
  e.speedup = wall.count() > 0 ? Seconds(task_wall_sum) / Seconds(wall) : 0.0;
  return e;
}

}  // namespace report_test
