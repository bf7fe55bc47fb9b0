// Concurrency against parallelism with CPU-bound tasks: two tasks that each need 0.5 s of
// CPU time, first pinned to one core (they take turns: about 1 s), then to two (each has a
// core of its own: about 0.5 s). The same as `mtask run --busy --cores N a:2@250ms b:2@250ms`.
#include <chrono>
#include <cstdio>
#include <vector>

#include "mtask/events.hpp"
#include "mtask/grammar/cpu_set.hpp"
#include "mtask/grammar/task.hpp"
#include "mtask/run/runner.hpp"

namespace {

using namespace std::chrono_literals;

/// Prints the CPU time each task got, and the whole run's wall time.
class CpuPrinter final : public mtask::EventSink {
 public:
  void on_exit(const mtask::ExitEvent& e) override {
    std::printf("  %s (pid %d): %.2f s CPU in %.2f s of wall time\n", e.task.name.c_str(),
                e.result.pid, mtask::to_seconds(e.result.user_cpu + e.result.sys_cpu),
                mtask::to_seconds(e.result.wall));
  }
  void on_summary(const mtask::SummaryEvent& e) override {
    std::printf("  the run: %.2f s of wall time\n", mtask::to_seconds(e.wall));
  }
  bool flush() override { return std::fflush(stdout) == 0; }
};

void run_on(const std::vector<int>& cpus) {
  const std::vector<mtask::Task> tasks{{.name = "a", .count = 2, .interval = 250ms, .index = 0},
                                       {.name = "b", .count = 2, .interval = 250ms, .index = 1}};
  CpuPrinter printer;
  std::printf("on CPU %s:\n", mtask::format_cpus(cpus).c_str());
  mtask::RunOptions options;
  options.busy = true;  // compute for each interval instead of sleeping
  options.cpus = cpus;  // every task may run on these CPUs only
  mtask::run_tasks(tasks, options, printer);
}

}  // namespace

int main() {
  const std::vector<int> allowed = mtask::allowed_cpus();
  if (allowed.empty()) return 1;
  std::printf("concurrency: two tasks take turns on one core\n");
  run_on({allowed[0]});
  if (allowed.size() < 2) {
    std::printf("only one CPU here: parallelism cannot be shown\n");
    return 0;
  }
  std::printf("parallelism: each task has a core of its own\n");
  run_on({allowed[0], allowed[1]});
  return 0;
}
