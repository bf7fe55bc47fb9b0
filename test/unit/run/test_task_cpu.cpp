// A task's CPU wait from the scheduler's accounting, and what the summary makes of it.
#include <sys/wait.h>

#include <chrono>
#include <vector>

#include <catch2/catch.hpp>

#include "run/results.hpp"
#include "run/run_cpu.hpp"
#include "run/task_cpu.hpp"

using namespace std::chrono_literals;
using mtask::detail::measure_wait;
using mtask::detail::Results;
using mtask::detail::Slot;
using mtask::detail::TaskCpu;
using mtask::posix::SchedStat;

namespace {

/// A slot whose process exited 0 after `wall`, with `cpu` of user time.
void ended(Slot& slot, mtask::Duration wall, std::chrono::microseconds cpu) {
  slot.exited = true;
  slot.reaped = true;
  slot.wait_status = 0;
  slot.forked_at = mtask::detail::TimePoint{} + 1s;
  slot.reaped_at = slot.forked_at + wall;
  slot.usage.ru_utime.tv_sec = cpu.count() / 1000000;
  slot.usage.ru_utime.tv_usec = cpu.count() % 1000000;
}

}  // namespace

TEST_CASE("task cpu: the wait is its own process's plus its descendants'", "[run][task_cpu]") {
  TaskCpu cpu;
  CHECK_FALSE(measure_wait(cpu, 1s).wait);  // nothing read: unknown
  cpu.own = SchedStat{10ms, 5ms, 3};
  cpu.seen(200, SchedStat{500ms, 100ms, 40});
  cpu.seen(201, SchedStat{400ms, 200ms, 30});
  cpu.seen(200, SchedStat{990ms, 300ms, 80});  // the latest of 200 replaces what was seen
  const auto wait = measure_wait(cpu, 1400ms);
  REQUIRE(wait.wait);
  CHECK(*wait.wait == 5ms + 300ms + 200ms);
  CHECK_FALSE(wait.partial);
}

TEST_CASE("task cpu: CPU time not seen in the accounting makes the wait partial",
          "[run][task_cpu]") {
  TaskCpu cpu;
  cpu.own = SchedStat{100ms, 50ms, 3};
  CHECK_FALSE(measure_wait(cpu, 105ms).partial);  // within 10 ms
  CHECK(measure_wait(cpu, 115ms).partial);
  cpu.own = SchedStat{1s, 50ms, 3};
  CHECK_FALSE(measure_wait(cpu, 1090ms).partial);  // within 10 %
  CHECK(measure_wait(cpu, 1200ms).partial);
}

TEST_CASE("results: switches and CPU wait of a task; the summary's sequential time",
          "[run][results][task_cpu]") {
  const std::vector<mtask::Task> tasks = {
      mtask::Task{.name = "a", .count = 1, .interval = 0ns, .index = 0},
      mtask::Task{.name = "b", .count = 1, .interval = 0ns, .index = 1}};
  Results results(tasks, 100);
  Slot a(tasks[0], 0, 200, 1s);
  Slot b(tasks[1], 1, 201, 1s);
  ended(a, 2s, 1s);
  a.usage.ru_nvcsw = 3;
  a.usage.ru_nivcsw = 648;
  a.cpu.own = SchedStat{1s, 900ms, 651};
  ended(b, 2s, 1s);
  b.cpu.own = SchedStat{1s, 1s, 640};
  results.record_end(a);
  results.record_end(b);
  CHECK(results[0].vcsw == 3);
  CHECK(results[0].ivcsw == 648);
  REQUIRE(results[0].cpu_wait);
  CHECK(*results[0].cpu_wait == 900ms);
  CHECK_FALSE(results[0].cpu_wait_partial);

  const mtask::SummaryEvent summary = results.summary(2s, 0);
  CHECK(summary.sequential == 1100ms + 1s);
  CHECK(summary.cpu_wait_sum == 1900ms);
  CHECK(summary.cpu_sum == 2s);
  CHECK_FALSE(summary.sequential_upper_bound);
  CHECK(summary.speedup == Approx(2.1 / 2.0));
  CHECK(summary.task_wall_sum == 4s);  // unchanged: walls, waits included
}

TEST_CASE("results: an unknown or partial wait makes the sequential time an upper bound",
          "[run][results][task_cpu]") {
  const std::vector<mtask::Task> tasks = {
      mtask::Task{.name = "a", .count = 1, .interval = 0ns, .index = 0},
      mtask::Task{.name = "b", .count = 1, .interval = 0ns, .index = 1}};
  Results results(tasks, 100);
  Slot a(tasks[0], 0, 200, 1s);
  ended(a, 2s, 1s);  // no accounting read
  results.record_end(a);
  CHECK_FALSE(results[0].cpu_wait);
  // b never started: it neither counts nor makes the bound.
  const mtask::SummaryEvent summary = results.summary(2s, 0);
  CHECK(summary.sequential == 2s);
  CHECK(summary.sequential_upper_bound);
}

TEST_CASE("results: every attempt's wall less its wait counts, retried ones too",
          "[run][results][task_cpu]") {
  const std::vector<mtask::Task> tasks = {
      mtask::Task{.name = "a", .count = 1, .interval = 0ns, .index = 0, .retries = 1}};
  Results results(tasks, 100);
  Slot first(tasks[0], 0, 200, 1s);
  ended(first, 1s, 500ms);
  first.wait_status = 1 << 8;  // exit 1: it runs again
  first.cpu.own = SchedStat{500ms, 400ms, 10};
  results.record_end(first);
  REQUIRE(results.may_retry(0));
  results.next_attempt(0);
  Slot second(tasks[0], 0, 300, 1s);
  ended(second, 1s, 500ms);
  second.cpu.own = SchedStat{500ms, 300ms, 10};
  results.record_end(second);
  const mtask::SummaryEvent summary = results.summary(2s, 0);
  CHECK(summary.sequential == 600ms + 700ms);
  CHECK(summary.cpu_wait_sum == 700ms);
  CHECK(summary.cpu_sum == 1s);
  CHECK_FALSE(summary.sequential_upper_bound);
}

TEST_CASE("run cpu: others' CPU is the busy time less the tasks' and mtask's, never below 0",
          "[run][task_cpu]") {
  CHECK(mtask::detail::others_cpu(4s, 3s, 100ms) == 900ms);
  CHECK(mtask::detail::others_cpu(1s, 3s, 100ms) == 0s);
}

TEST_CASE("task cpu: a descendant a look misses is finished: never read again, still counted",
          "[run][task_cpu]") {
  TaskCpu cpu;
  cpu.own = SchedStat{10ms, 5ms, 3};
  cpu.look_begins();
  cpu.seen(200, SchedStat{500ms, 100ms, 40});
  cpu.seen(201, SchedStat{400ms, 200ms, 30});
  cpu.look_done();
  REQUIRE(cpu.descendants.size() == 2);
  cpu.look_begins();
  cpu.seen(201, SchedStat{600ms, 250ms, 35});  // 200 is gone
  cpu.look_done();
  // What the views' sampler and the next look read: only what is still there.
  REQUIRE(cpu.descendants.size() == 1);
  CHECK(cpu.descendants[0].pid == 201);
  CHECK(cpu.on_cpu() == 10ms + 500ms + 600ms);
  CHECK(*measure_wait(cpu, 1110ms).wait == 5ms + 100ms + 250ms);
  cpu.look_begins();
  cpu.look_done();
  CHECK(cpu.descendants.empty());
  CHECK(cpu.on_cpu() == 10ms + 500ms + 600ms);
}

TEST_CASE("results: the tasks' CPU counts what the scheduler saw when wait4 says less",
          "[run][results][task_cpu]") {
  // A task stopped while its shell's child computed: wait4 counts no child it did not wait for.
  const std::vector<mtask::Task> tasks = {
      mtask::Task{.name = "a", .count = 1, .interval = 0ns, .index = 0}};
  Results results(tasks, 100);
  Slot a(tasks[0], 0, 200, 1s);
  ended(a, 2s, 1ms);
  a.cpu.own = SchedStat{1ms, 0ms, 3};
  a.cpu.seen(300, SchedStat{1500ms, 400ms, 90});
  results.record_end(a);
  CHECK(results[0].user_cpu == 1ms);  // wait4's own accounting, as it is
  CHECK(results.summary(2s, 0).cpu_sum == 1501ms);
}
