#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/text/speedup.hpp"

using namespace std::chrono_literals;
using mtask::Duration;
using mtask::Outcome;
using mtask::TaskResult;

namespace {

// Two tasks' summary, as the runner would give it: sequential = task walls - CPU waits.
struct Run {
  std::vector<mtask::Task> tasks{{.name = "a", .index = 0}, {.name = "b", .index = 1}};
  std::vector<TaskResult> results{{.outcome = Outcome::kExited}, {.outcome = Outcome::kExited}};
  Duration wall{0};
  Duration task_wall_sum{0};
  Duration cpu_wait_sum{0};
  Duration cpu_sum{0};
  std::size_t cores = 1;
  std::optional<Duration> others_cpu{};
  bool upper_bound = false;

  mtask::SummaryEvent event() const {
    const Duration sequential = task_wall_sum - cpu_wait_sum;
    return {
        .parent_pid = 1,
        .tasks = tasks,
        .results = results,
        .failed = 0,
        .wall = wall,
        .task_wall_sum = task_wall_sum,
        .speedup = std::chrono::duration<double>(sequential) / std::chrono::duration<double>(wall),
        .exit_code = 0,
        .t = wall,
        .sequential = sequential,
        .sequential_upper_bound = upper_bound,
        .cpu_wait_sum = cpu_wait_sum,
        .cpu_sum = cpu_sum,
        .cores = cores,
        .others_cpu = others_cpu};
  }
};

}  // namespace

TEST_CASE("speedup: CPU-bound tasks on one core took turns and saved nothing", "[speedup]") {
  // --busy --cores 1 a:2@1s b:2@1s: each worked 2 s and waited 2 s for the core.
  const Run run{.wall = 4s, .task_wall_sum = 8s, .cpu_wait_sum = 4s, .cpu_sum = 4s, .cores = 1};
  CHECK(mtask::speedup_figure(run.event()) == "1.00x");
  CHECK(mtask::speedup_verdict(run.event()) == "took turns on 1 CPU: nothing saved");
}

TEST_CASE("speedup: CPU-bound tasks on two cores ran in parallel", "[speedup]") {
  const Run run{.wall = 2s, .task_wall_sum = 4s, .cpu_wait_sum = 5ms, .cpu_sum = 4s, .cores = 2};
  CHECK(mtask::speedup_figure(run.event()) == "2.00x");
  CHECK(mtask::speedup_verdict(run.event()) == "ran in parallel on 2 CPUs");
}

TEST_CASE("speedup: three CPU-bound tasks on two cores are parallel, not 3x", "[speedup]") {
  Run run{.wall = 3s, .task_wall_sum = 9s, .cpu_wait_sum = 3s, .cpu_sum = 6s, .cores = 2};
  run.tasks.push_back({.name = "c", .index = 2});
  run.results.push_back({.outcome = Outcome::kExited});
  CHECK(mtask::speedup_figure(run.event()) == "2.00x");
  CHECK(mtask::speedup_verdict(run.event()) == "ran in parallel on 2 CPUs");
}

TEST_CASE("speedup: sleeping tasks overlap even on one core", "[speedup]") {
  // --cores 1 sing:3 dance:3: 1.5 s each, hardly any CPU.
  const Run run{
      .wall = 1500ms, .task_wall_sum = 3s, .cpu_wait_sum = 10us, .cpu_sum = 1ms, .cores = 1};
  CHECK(mtask::speedup_figure(run.event()) == "2.00x");
  CHECK(mtask::speedup_verdict(run.event()) == "waited together: no CPU needed");
}

TEST_CASE("speedup: -j 1 runs one at a time", "[speedup]") {
  const Run run{.wall = 4s, .task_wall_sum = 4s, .cpu_wait_sum = 1ms, .cpu_sum = 4s, .cores = 2};
  CHECK(mtask::speedup_figure(run.event()) == "1.00x");
  CHECK(mtask::speedup_verdict(run.event()) == "ran one at a time");
}

TEST_CASE("speedup: a single task has nothing to overlap", "[speedup]") {
  Run run{.wall = 2s, .task_wall_sum = 2s, .cpu_sum = 2s, .cores = 2};
  run.tasks.pop_back();
  run.results.pop_back();
  CHECK(mtask::speedup_verdict(run.event()) == "one task: nothing to overlap");
}

TEST_CASE("speedup: a wait caused by other processes is not blamed on taking turns", "[speedup]") {
  // -j 1 on a loaded core: the tasks waited, but for other processes, not for each other.
  const Run loaded{.wall = 6s,
                   .task_wall_sum = 6s,
                   .cpu_wait_sum = 2s,
                   .cpu_sum = 4s,
                   .cores = 1,
                   .others_cpu = 3100ms};
  CHECK(mtask::speedup_figure(loaded.event()) == "0.67x");
  CHECK(mtask::speedup_verdict(loaded.event()) ==
        "CPU wait came partly from other processes (3.10 s of CPU)");
  // The same wait on an idle machine: the tasks took turns with each other.
  Run idle = loaded;
  idle.others_cpu = 50ms;
  CHECK(mtask::speedup_verdict(idle.event()) == "took turns on 1 CPU: nothing saved");
}

TEST_CASE("speedup: an unknown CPU wait makes the figure an upper bound", "[speedup]") {
  // Two CPU-bound commands whose wait could not be measured, on one core: sequential is the
  // sum of their walls, the speedup at most 2.00x; nothing says whether they took turns.
  Run run{.wall = 4s, .task_wall_sum = 8s, .cpu_sum = 4s, .cores = 1, .upper_bound = true};
  CHECK(mtask::speedup_figure(run.event()) == "at most 2.00x");
  CHECK(mtask::speedup_verdict(run.event()) == "CPU wait not fully known");
  // Their CPU time alone, 7.6 s in 4 s, already shows two CPUs at work.
  run.cpu_sum = 7600ms;
  run.cores = 2;
  CHECK(mtask::speedup_verdict(run.event()) == "ran in parallel on 2 CPUs");
  // Its processes hidden from mtask (another process group): 1.00 s of CPU in 1.02 s on one
  // core, the walls 2.03 s. CPU under half of the upper bound says nothing: the core was busy.
  run = Run{.wall = 1020ms, .task_wall_sum = 2030ms, .cpu_sum = 1000ms, .upper_bound = true};
  CHECK(mtask::speedup_verdict(run.event()) == "CPU wait not fully known");
  // Tasks that hardly used a CPU waited together, whatever the unknown part of the wait.
  run.cpu_sum = 100ms;
  CHECK(mtask::speedup_verdict(run.event()) == "waited together: no CPU needed");
  // A small upper bound needs no more knowledge: nothing was saved.
  run = Run{.wall = 4s, .task_wall_sum = 4s, .cpu_sum = 4s, .cores = 2, .upper_bound = true};
  CHECK(mtask::speedup_figure(run.event()) == "at most 1.00x");
  CHECK(mtask::speedup_verdict(run.event()) == "ran one at a time");
}

TEST_CASE("speedup: nothing to say when no task ran or no time passed", "[speedup]") {
  Run none{.wall = 1ms};
  none.results = {TaskResult{}, TaskResult{}};
  CHECK(mtask::speedup_figure(none.event()).empty());
  CHECK(mtask::speedup_verdict(none.event()).empty());
  const Run instant{.wall = 0s, .task_wall_sum = 0s};
  CHECK(mtask::speedup_figure(instant.event()).empty());
  CHECK(mtask::speedup_verdict(instant.event()).empty());
}
