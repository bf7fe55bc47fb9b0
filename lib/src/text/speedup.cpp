// The verdict on a run's speedup: from the summary's numbers to a phrase (docs/output.md,
// "Speedup").
#include "mtask/text/speedup.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "mtask/text/human.hpp"

namespace mtask {
namespace {

// Below this the tasks saved nothing worth naming by running together.
constexpr double kSaved = 1.15;
// Tasks "waited a lot" for a CPU when their CPU wait is this share of their wall times.
constexpr double kMuchWait = 0.25;
// Tasks were CPU-bound when their CPU time is this share of the time they would take alone.
constexpr double kCpuBound = 0.5;
// Other processes count as a cause when they used this share of the tasks' CPUs' time.
constexpr double kOthersBusy = 0.25;

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

std::size_t tasks_that_ran(const SummaryEvent& e) {
  return static_cast<std::size_t>(
      std::count_if(e.results.begin(), e.results.end(),
                    [](const TaskResult& r) { return r.outcome != Outcome::kNotStarted; }));
}

bool has_speedup(const SummaryEvent& e) {
  return tasks_that_ran(e) > 0 && e.wall.count() > 0 && std::isfinite(e.speedup) && e.speedup > 0;
}

// "on 1 CPU", "on 2 CPUs"; nothing when the run did not know on how many.
std::string on_cpus(std::size_t cores) {
  return cores == 0 ? std::string() : " on " + count_of(cores, "CPU");
}

std::string parallel(const SummaryEvent& e) { return "ran in parallel" + on_cpus(e.cores); }

// The speedup is small: the tasks took turns (with each other, or with other processes), or
// ran one at a time.
std::string nothing_saved(const SummaryEvent& e) {
  const double wall = seconds(e.wall);
  const bool waited = seconds(e.cpu_wait_sum) >= kMuchWait * seconds(e.task_wall_sum);
  if (waited && e.task_wall_sum.count() > 0) {
    const bool others_busy =
        e.others_cpu.has_value() && e.cores > 0 &&
        seconds(*e.others_cpu) >= kOthersBusy * wall * static_cast<double>(e.cores);
    if (others_busy) {
      return fmt::format("CPU wait came partly from other processes ({} of CPU)",
                         human_duration(*e.others_cpu));
    }
    return fmt::format("took turns{}: nothing saved", on_cpus(e.cores));
  }
  if (tasks_that_ran(e) == 1) return "one task: nothing to overlap";
  return "ran one at a time";
}

}  // namespace

std::string speedup_figure(const SummaryEvent& e) {
  if (!has_speedup(e)) return {};
  return fmt::format("{}{:.2f}x", e.sequential_upper_bound ? "at most " : "", e.speedup);
}

std::string speedup_verdict(const SummaryEvent& e) {
  if (!has_speedup(e)) return {};
  const bool cpu_bound = seconds(e.cpu_sum) >= kCpuBound * seconds(e.sequential);
  if (e.sequential_upper_bound && e.speedup >= kSaved) {
    // The true sequential time is at least the CPU time the tasks used: that much is sure.
    // An upper bound inflated by a wait mtask could not see cannot tell CPU-bound tasks that
    // took turns from tasks that waited together, unless the CPU time alone tells.
    const double busy = seconds(e.cpu_sum) / seconds(e.wall);
    if (busy >= kSaved) return parallel(e);
    if (busy < kCpuBound) return "waited together: no CPU needed";
    return "CPU wait not fully known";
  }
  if (e.speedup < kSaved) return nothing_saved(e);
  return cpu_bound ? parallel(e) : std::string("waited together: no CPU needed");
}

}  // namespace mtask
