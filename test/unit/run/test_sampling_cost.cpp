// What sampling the tasks' CPU use costs mtask (docs/performance.md, "Sampling"). Hidden: a
// measurement, not a check. Run it with
//   build/dev/test/unit/run_tests '[sampling-cost]' -s
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/run/runner.hpp"
#include "posix/proc_scan.hpp"

using namespace std::chrono_literals;

namespace {

class Counter final : public mtask::EventSink {
 public:
  void on_cpu_sample(const mtask::CpuSampleEvent&) override { ++samples; }
  std::size_t samples = 0;
};

double own_cpu_ms() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

/// The parent's own CPU time (ms) for `sing:3 dance:3`, sampled every `every` (0: not), its
/// loop woken every `wake` (0: only when something happens).
double parent_cpu(mtask::Duration every, mtask::Duration wake, std::size_t& samples) {
  const std::vector<mtask::Task> tasks = {
      mtask::Task{.name = "sing", .count = 3, .interval = 500ms, .index = 0},
      mtask::Task{.name = "dance", .count = 3, .interval = 500ms, .index = 1}};
  mtask::RunOptions options;
  options.sample_every = every;
  options.wake_every = wake;
  Counter counter;
  const double before = own_cpu_ms();
  mtask::run_tasks(tasks, options, counter);
  samples = counter.samples;
  return own_cpu_ms() - before;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

TEST_CASE("sampling cost: the parent's CPU time with and without sampling every 5 ms",
          "[.][sampling-cost]") {
  std::vector<double> without;
  std::vector<double> woken;
  std::vector<double> with;
  std::size_t samples = 0;
  for (int i = 0; i < 5; ++i) {
    without.push_back(parent_cpu(0ms, 0ms, samples));
    woken.push_back(parent_cpu(0ms, 5ms, samples));
    with.push_back(parent_cpu(5ms, 0ms, samples));
  }
  const double base = median(without);
  const double wake = median(woken);
  const double sampled = median(with);
  std::printf(
      "sing:3 dance:3, parent CPU (median of 5): %.2f ms without sampling, %.2f ms with the "
      "loop woken every 5 ms, %.2f ms sampling every 5 ms (%zu samples): %.2fx; %.1f us per "
      "sample, %.1f us of it reading /proc\n",
      base, wake, sampled, samples, sampled / base,
      (sampled - base) * 1e3 / static_cast<double>(samples),
      (sampled - wake) * 1e3 / static_cast<double>(samples));
  CHECK(samples > 0);
}

TEST_CASE("sampling cost: one look through all of /proc, as the group scan's fallback",
          "[.][sampling-cost]") {
  // What the group scan does every 100 ms where the kernel cannot tell a process's children:
  // read /proc/PID/stat of every process.
  std::vector<char> buffer(32 * 1024);
  std::size_t processes = 0;
  const auto start = std::chrono::steady_clock::now();
  const double before = own_cpu_ms();
  for (int i = 0; i < 50; ++i) {
    processes = 0;
    mtask::posix::for_each_process(
        buffer,
        [](pid_t pid, void* count) {
          mtask::posix::ProcStat stat;
          if (mtask::posix::read_stat(pid, stat)) ++*static_cast<std::size_t*>(count);
        },
        &processes);
  }
  const double cpu = (own_cpu_ms() - before) / 50;
  const double wall =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
      50;
  std::printf(
      "group scan through /proc: %zu processes, %.3f ms of CPU per look (%.3f ms wall): %.1f %% of "
      "a "
      "CPU at one look per 100 ms\n",
      processes, cpu, wall, cpu / 100 * 100);
  CHECK(processes > 0);
}
