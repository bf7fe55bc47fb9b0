#pragma once
// A run of two CPU-bound tasks, a and b, as a timeline recorder sees it: for the tests of the
// CPU pictures (test_cpu_picture.cpp, test_cpu_svg_trace.cpp).

#include <string>
#include <vector>

#include "mtask/report/timeline.hpp"
#include "report_test.hpp"

namespace cpu_test {

using namespace std::chrono_literals;
using mtask::Duration;
using mtask::Outcome;
using mtask::TaskResult;

using report_test::lines_of;

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Two CPU-bound tasks a and b for `wall`, sampled every 5 ms: on one core they take turns (one
/// runs while the other waits, swapping every 50 ms), on two each has a core of its own.
class CpuRun {
 protected:
  std::vector<mtask::Task> tasks{{.name = "a", .index = 0}, {.name = "b", .index = 1}};
  std::vector<TaskResult> results{2};
  mtask::TimelineRecorder recorder;

  void sample(std::size_t i, Duration from, Duration running, Duration waiting, int cpu) {
    recorder.on_cpu_sample(
        {tasks[i], i, 100 + static_cast<int>(i), from, from + 5ms, running, waiting, cpu});
  }

  void run(bool one_core, Duration wall = 2000ms) {
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      recorder.on_start({tasks[i], 100 + static_cast<int>(i), 99, 0ms});
    }
    int k = 0;
    for (Duration t = 0ms; t < wall; t += 5ms, ++k) {
      if (one_core) {
        const bool a_runs = k / 10 % 2 == 0;
        sample(0, t, a_runs ? 5ms : 0ms, a_runs ? 0ms : 5ms, 0);
        sample(1, t, a_runs ? 0ms : 5ms, a_runs ? 5ms : 0ms, 0);
      } else {
        sample(0, t, 5ms, 0ms, 0);
        sample(1, t, 5ms, 0ms, 1);
      }
    }
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      results[i] = TaskResult{.outcome = Outcome::kExited,
                              .pid = 100 + static_cast<int>(i),
                              .ppid = 99,
                              .wall = wall,
                              .user_cpu = one_core ? wall / 2 : wall};
      recorder.on_exit({tasks[i], results[i], wall});
    }
    mtask::SummaryEvent summary{99, tasks, results, 0, wall, 2 * wall, one_core ? 1.0 : 2.0,
                                0,  wall};
    summary.sequential = one_core ? wall : 2 * wall;
    summary.cpu_sum = one_core ? wall : 2 * wall;
    summary.cpu_wait_sum = one_core ? wall : Duration{0};  // on one CPU, each waited half
    summary.cores = one_core ? 1 : 2;
    recorder.on_summary(summary);
  }
};

}  // namespace cpu_test
