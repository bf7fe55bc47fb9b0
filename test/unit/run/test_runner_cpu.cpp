// The runner measures how tasks took turns on the CPU: real processes, pinned to CPUs, events
// received through the EventSink interface. Bounds are generous: timing lives in bench/.
#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/grammar/cpu_set.hpp"
#include "mtask/run/runner.hpp"

using namespace std::chrono_literals;

namespace {

class Recorder final : public mtask::EventSink {
 public:
  void on_exit(const mtask::ExitEvent& e) override { exits.push_back(e.result); }
  void on_cpu_sample(const mtask::CpuSampleEvent& e) override { samples.push_back(e); }
  void on_summary(const mtask::SummaryEvent& e) override {
    summary.emplace(e);
    for (const mtask::TaskResult& r : e.results) walls.push_back(r.wall);  // held only till then
  }

  std::vector<mtask::TaskResult> exits;
  std::vector<mtask::CpuSampleEvent> samples;
  std::optional<mtask::SummaryEvent> summary;
  std::vector<mtask::Duration> walls;  ///< each task's, in the order of the tasks
};

std::vector<mtask::Task> two_builtins() {
  return {mtask::Task{.name = "a", .count = 2, .interval = 200ms, .index = 0},
          mtask::Task{.name = "b", .count = 2, .interval = 200ms, .index = 1}};
}

mtask::RunOptions on_cpus(std::vector<int> cpus, bool busy) {
  mtask::RunOptions options;
  options.busy = busy;
  options.cpus = std::move(cpus);
  return options;
}

bool two_cpus() { return mtask::allowed_cpus().size() >= 2; }

/// Other processes took more than a quarter of the run's CPUs: then no run can show the tasks
/// in parallel, and the test says so instead of failing (the measure itself is what tells).
bool machine_busy(const mtask::SummaryEvent& s) {
  const double others = s.others_cpu ? mtask::to_seconds(*s.others_cpu) : 0.0;
  if (others <= 0.25 * static_cast<double>(s.cores) * mtask::to_seconds(s.wall)) return false;
  WARN("other processes used " << others << " s of CPU during the run: not checked");
  return true;
}

/// The CPU each task ran on most, by its samples' running time.
std::map<std::size_t, int> main_cpu(const std::vector<mtask::CpuSampleEvent>& samples) {
  std::map<std::size_t, std::map<int, mtask::Duration>> ran;
  for (const auto& s : samples) ran[s.index][s.cpu] += s.running;
  std::map<std::size_t, int> most;
  for (const auto& [task, per_cpu] : ran) {
    most[task] = std::max_element(per_cpu.begin(), per_cpu.end(), [](auto& x, auto& y) {
                   return x.second < y.second;
                 })->first;
  }
  return most;
}

/// Per task: the time its samples left for sleep (span less running and waiting, never below 0).
std::map<std::size_t, mtask::Duration> asleep(const std::vector<mtask::CpuSampleEvent>& samples) {
  std::map<std::size_t, mtask::Duration> slept;
  for (const auto& s : samples) {
    slept[s.index] += std::max(mtask::Duration(0), s.to - s.from - s.running - s.waiting);
  }
  return slept;
}

}  // namespace

TEST_CASE("runner cpu: busy tasks on one CPU take turns: each waits, nothing is saved",
          "[runner][task_cpu]") {
  const int cpu = mtask::allowed_cpus().front();
  Recorder recorder;
  REQUIRE(mtask::run_tasks(two_builtins(), on_cpus({cpu}, true), recorder) == 0);
  REQUIRE(recorder.summary);
  const mtask::SummaryEvent& s = *recorder.summary;
  CHECK(s.speedup < 1.4);
  CHECK(s.cores == 1);
  CHECK_FALSE(s.sequential_upper_bound);
  CHECK(s.cpu_sum >= 700ms);
  for (const mtask::TaskResult& r : recorder.exits) {
    REQUIRE(r.cpu_wait);
    CHECK(*r.cpu_wait >= 100ms);
    CHECK_FALSE(r.cpu_wait_partial);
    CHECK(r.ivcsw > 0);  // preempted to let the other run
  }
}

// It needs both CPUs to itself: hidden from discovery ([.serial]), it runs alone, never beside
// another test (a test pinned beside it made it wait, seen as 1.42x).
TEST_CASE("runner cpu: busy tasks on two CPUs run in parallel", "[runner][task_cpu][.serial]") {
  if (!two_cpus()) return;  // nothing to compare with on one CPU
  const std::vector<int> allowed = mtask::allowed_cpus();
  Recorder recorder;
  REQUIRE(mtask::run_tasks(two_builtins(), on_cpus({allowed[0], allowed[1]}, true), recorder) == 0);
  REQUIRE(recorder.summary);
  if (machine_busy(*recorder.summary)) return;
  INFO("wall " << recorder.summary->wall.count() << " sequential "
               << recorder.summary->sequential.count() << " wait "
               << recorder.summary->cpu_wait_sum.count());
  CHECK(recorder.summary->speedup > 1.5);
  CHECK(recorder.summary->cores == 2);
}

TEST_CASE("runner cpu: sleepers overlap even on one CPU", "[runner][task_cpu]") {
  Recorder recorder;
  REQUIRE(mtask::run_tasks(two_builtins(), on_cpus({mtask::allowed_cpus().front()}, false),
                           recorder) == 0);
  REQUIRE(recorder.summary);
  CHECK(recorder.summary->speedup > 1.6);
  CHECK(recorder.summary->cpu_sum < 200ms);
  CHECK(recorder.summary->others_cpu.has_value());                       // /proc/stat is there
  for (const mtask::TaskResult& r : recorder.exits) CHECK(r.vcsw >= 2);  // it slept twice
}

namespace {

/// Task `name` running `command` (a command task).
mtask::Task command_task(const char* name, std::string command, std::size_t index) {
  return mtask::Task{
      .name = name, .count = 1, .interval = 0ns, .command = std::move(command), .index = index};
}

const char* const kBusySecond = "python3 -c 'import time\nwhile time.process_time() < 1: pass'";

/// Runs the command task `first` beside one busy for 1 s of CPU, both on the same CPU (with
/// `options` else), and checks that each was seen waiting at least `least` for it while the
/// other ran (all of its wait seen, when `whole`). What the run recorded, for more checks.
Recorder check_took_turns(const std::string& first, mtask::RunOptions options,
                          mtask::Duration least, bool whole = true) {
  const std::vector<mtask::Task> tasks = {command_task("a", first, 0),
                                          command_task("b", kBusySecond, 1)};
  options.cpus = {mtask::allowed_cpus().front()};
  Recorder recorder;
  REQUIRE(mtask::run_tasks(tasks, options, recorder) == 0);
  REQUIRE(recorder.exits.size() == 2);
  for (const mtask::TaskResult& r : recorder.exits) {
    REQUIRE(r.cpu_wait);
    INFO("wait " << r.cpu_wait->count() << " ns, cpu " << (r.user_cpu + r.sys_cpu).count());
    CHECK(*r.cpu_wait >= least);
    if (whole) CHECK_FALSE(r.cpu_wait_partial);
  }
  REQUIRE(recorder.summary);
  return recorder;
}

}  // namespace

TEST_CASE("runner cpu: a command's wait comes from what its shell started", "[runner][task_cpu]") {
  // dash does not exec the last command: python3 is a child of sh, which only waits.
  const Recorder recorder = check_took_turns(std::string(kBusySecond) + "; :", {}, 100ms);
  CHECK(recorder.summary->speedup < 1.4);
  CHECK_FALSE(recorder.summary->sequential_upper_bound);
}

TEST_CASE("runner cpu: what a command's thread started is the task's too", "[runner][task_cpu]") {
  // The busy child is forked by a thread other than python's main one.
  const std::string threaded =
      "exec python3 -c 'import threading, subprocess\n"
      "child = [\"python3\", \"-c\", \"import time\\nwhile time.process_time() < 1: pass\"]\n"
      "t = threading.Thread(target=lambda: subprocess.run(child))\nt.start(); t.join()'";
  check_took_turns(threaded, {}, 300ms);  // about 1 s each: they took turns
}

TEST_CASE("runner cpu: an orphan still in the task's group is the task's", "[runner][task_cpu]") {
  // The subshell exits at once: the busy python is orphaned, and mtask adopts it.
  mtask::RunOptions options;
  options.adopt_orphans = true;
  const Recorder recorder =
      check_took_turns(std::string("(") + kBusySecond + " &) ; sleep 3", options, 300ms, false);
  CHECK(recorder.summary->cpu_sum >= 1500ms);
}

TEST_CASE("runner cpu: a task stopped by its timeout counts its child's CPU",
          "[runner][task_cpu]") {
  // sh waits for python, which is killed with it: wait4 never counts python's CPU.
  mtask::Task task = command_task("c", "python3 -c 'while 1: pass'; :", 0);
  task.timeout = 1500ms;
  Recorder recorder;
  CHECK(mtask::run_tasks({task}, on_cpus({mtask::allowed_cpus().front()}, false), recorder) != 0);
  REQUIRE(recorder.exits.size() == 1);
  const mtask::Duration waited = recorder.exits[0].user_cpu + recorder.exits[0].sys_cpu;
  CHECK(waited < 300ms);  // wait4's, as it is: sh's own
  REQUIRE(recorder.summary);
  INFO("cpu_sum " << recorder.summary->cpu_sum.count() << " ns");
  // python ran for most of 1.5 s (less on a loaded machine).
  CHECK(recorder.summary->cpu_sum >= waited + 300ms);
}

TEST_CASE("runner cpu: samples say who ran where", "[runner][task_cpu]") {
  const std::vector<int> allowed = mtask::allowed_cpus();
  SECTION("on one CPU both ran there, and both waited") {
    mtask::RunOptions options = on_cpus({allowed[0]}, true);
    options.sample_every = 5ms;
    Recorder recorder;
    REQUIRE(mtask::run_tasks(two_builtins(), options, recorder) == 0);
    REQUIRE(recorder.samples.size() > 20);
    std::map<std::size_t, mtask::Duration> waited;
    for (const auto& s : recorder.samples) {
      CHECK(s.cpu == allowed[0]);
      CHECK(s.to > s.from);
      waited[s.index] += s.waiting;
    }
    CHECK(waited[0] > 0ns);
    CHECK(waited[1] > 0ns);
  }
  SECTION("on two CPUs they ran on different ones") {
    if (!two_cpus()) return;
    mtask::RunOptions options = on_cpus({allowed[0], allowed[1]}, true);
    options.sample_every = 5ms;
    Recorder recorder;
    REQUIRE(mtask::run_tasks(two_builtins(), options, recorder) == 0);
    REQUIRE(recorder.summary);
    if (machine_busy(*recorder.summary)) return;
    const auto most = main_cpu(recorder.samples);
    REQUIRE(most.size() == 2);
    CHECK(most.at(0) != most.at(1));
  }
  SECTION("no sampling unless asked") {
    Recorder recorder;
    REQUIRE(mtask::run_tasks(two_builtins(), on_cpus({allowed[0]}, true), recorder) == 0);
    CHECK(recorder.samples.empty());
  }
}

TEST_CASE("runner cpu: samples tell waiting for a CPU from sleep", "[runner][task_cpu]") {
  // Busy tasks on one CPU are hardly ever taken for asleep; sleepers are still mostly asleep.
  const bool busy = GENERATE(true, false);
  mtask::RunOptions options = on_cpus({mtask::allowed_cpus().front()}, busy);
  options.sample_every = 5ms;
  Recorder recorder;
  REQUIRE(mtask::run_tasks(two_builtins(), options, recorder) == 0);
  REQUIRE(recorder.walls.size() == 2);
  auto slept = asleep(recorder.samples);
  for (std::size_t i = 0; i < 2; ++i) {
    const mtask::Duration wall = recorder.walls.at(i);
    INFO((busy ? "busy" : "sleeping") << " task " << i << ": wall " << wall.count()
                                      << " ns, asleep " << slept[i].count() << " ns");
    if (busy) {
      CHECK(slept[i] * 10 < wall);
    } else {
      CHECK(slept[i] * 10 > wall * 7);
    }
  }
}
