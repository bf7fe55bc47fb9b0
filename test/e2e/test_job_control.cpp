// Job control (docs/design.md, "Job control"): Ctrl-Z on mtask's terminal stops the whole
// run, tasks included, and `fg` (SIGCONT to mtask's group) makes it go on where it was.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"
#include "pty_job.hpp"

using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;
constexpr char kCtrlZ = '\x1a';
constexpr char kCtrlC = '\x03';

/// Reads mtask's output until `done` holds (true) or `limit` passed (false).
bool pump_until(e2e::PtyJob& job, const std::function<bool()>& done,
                std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() >= until) return false;
    job.pump(20ms);
  }
  return true;
}

/// Every live process of the run but mtask and its guardian (which has a session of its own
/// and is no part of the job): the tasks and whatever they started.
std::vector<pid_t> task_processes(const std::string& marker, pid_t mtask) {
  std::vector<pid_t> found = e2e::processes_with_marker(marker);
  const pid_t guardian = e2e::guardian_of(mtask);
  std::erase_if(found, [&](pid_t p) { return p == mtask || p == guardian; });
  return found;
}

/// mtask and every task process are stopped (state T), and there is at least one task.
bool whole_run_stopped(const std::string& marker, pid_t mtask) {
  const std::vector<pid_t> tasks = task_processes(marker, mtask);
  return e2e::state_of(mtask) == 'T' && !tasks.empty() &&
         std::all_of(tasks.begin(), tasks.end(), [](pid_t p) {
           const char state = e2e::state_of(p);
           return state == 'T' || state == 0;  // 0: gone meanwhile
         });
}

std::string states(const std::string& marker, pid_t mtask) {
  std::string text = "mtask " + std::to_string(mtask) + ": " + e2e::state_of(mtask);
  for (pid_t p : task_processes(marker, mtask)) {
    text += ", " + std::to_string(p) + ": " + e2e::state_of(p);
  }
  return text;
}

std::size_t size_of(const std::string& path) { return e2e::read_proc(path).size(); }

/// A task that prints `count` lines NAME0, NAME1... every 50 ms and marks each in `ticks`.
std::string ticking(const std::string& name, int count, const std::string& ticks) {
  return name + "=i=0; while [ $i -lt " + std::to_string(count) + " ]; do echo " + name +
         "$i; echo x >>" + ticks + "; i=$((i+1)); sleep 0.05; done";
}

}  // namespace

TEST_CASE("job control: Ctrl-Z stops every task and mtask; fg resumes them all",
          "[e2e][job-control]") {
  const e2e::TempDir dir;
  const std::string ticks = dir.file("ticks");
  const std::string marker = e2e::unique_marker();
  e2e::PtyJob job({"run", ticking("a", 30, ticks), ticking("b", 30, ticks) + "; exit 3"}, {marker});
  REQUIRE(pump_until(
      job, [&] { return size_of(ticks) >= 2 * 5; }, 10s));

  job.type(kCtrlZ);
  const bool stopped = pump_until(
      job, [&] { return whole_run_stopped(marker, job.pid()); }, 3s);
  INFO(states(marker, job.pid()));
  REQUIRE(stopped);
  // Nothing runs: no task writes any more.
  const std::size_t at_stop = size_of(ticks);
  job.pump(700ms);
  CHECK(size_of(ticks) == at_stop);

  // `fg`: SIGCONT to mtask's group alone; mtask continues its tasks.
  REQUIRE(kill(-job.pid(), SIGCONT) == 0);
  CHECK(pump_until(
      job, [&] { return size_of(ticks) > at_stop; }, 3s));
  CHECK(e2e::state_of(job.pid()) != 'T');
  REQUIRE(job.wait(30s));
  CHECK(job.status == 1);  // b exits 3, as if nothing had happened
  for (int i = 0; i < 30; ++i) {
    CHECK(e2e::contains(job.out, "| a" + std::to_string(i) + "\n"));
    CHECK(e2e::contains(job.out, "| b" + std::to_string(i) + "\n"));
  }
  CHECK(e2e::contains(job.out, "< exit 3"));
  CHECK(size_of(ticks) == 2 * 30 * 2);
  // The stops mtask made itself are not reported as a task stopped by a signal.
  CHECK_FALSE(e2e::contains(job.err, "was stopped by"));
  CHECK(e2e::left_after(marker, 2s).empty());
}

TEST_CASE("job control: --timeout does not count the time the run was stopped",
          "[e2e][job-control]") {
  const std::string marker = e2e::unique_marker();
  // quick needs about 1 s of its own, then writes more than a pipe holds; slow never ends.
  e2e::PtyJob job({"run", "--timeout", "4s",
                   "quick=i=0; while [ $i -lt 10 ]; do i=$((i+1)); sleep 0.1; done; "
                   "seq 100000; echo finished",
                   "slow=sleep 30"},
                  {marker});
  job.pump(500ms);
  job.type(kCtrlZ);
  const bool stopped = pump_until(
      job, [&] { return whole_run_stopped(marker, job.pid()); }, 3s);
  CHECK(stopped);
  job.pump(5s);  // longer than the timeout, all of it stopped
  REQUIRE(kill(-job.pid(), SIGCONT) == 0);
  const auto continued = Clock::now();
  REQUIRE(job.wait(30s));
  const auto after = Clock::now() - continued;
  CHECK(job.status == 1);  // slow timed out...
  const std::vector<std::string> lines = e2e::split_lines(job.out);
  const auto end_of = [&](const std::string& task) {
    for (const std::string& line : lines) {
      if (line.rfind(task + " ", 0) == 0 && e2e::contains(line, " < ")) return line;
    }
    return std::string();
  };
  // ...but only after its 4 s of running time (about 3.5 s were left at the stop), and quick,
  // which ran about 1 s, was not timed out.
  CHECK(e2e::contains(end_of("slow"), "< timed out"));
  CHECK(after >= 2s);
  INFO(end_of("quick"));
  CHECK(e2e::contains(end_of("quick"), "< exit 0"));
  CHECK(e2e::contains(job.out, "| finished\n"));
  CHECK(e2e::left_after(marker, 2s).empty());
}

TEST_CASE("job control: Ctrl-C while stopped ends the run at once, every task with it",
          "[e2e][job-control]") {
  const std::string marker = e2e::unique_marker();
  e2e::PtyJob job({"run", "trap=trap 'echo cleanup; exit 0' TERM; while :; do sleep 0.05; done",
                   "sleep=sleep 30"},
                  {marker});
  job.pump(500ms);
  job.type(kCtrlZ);
  const bool stopped = pump_until(
      job, [&] { return whole_run_stopped(marker, job.pid()); }, 3s);
  INFO(states(marker, job.pid()));
  REQUIRE(stopped);
  job.pump(300ms);
  // What `kill -INT %1` does to a stopped job: SIGINT, then SIGCONT, to its group.
  job.type(kCtrlC);
  job.pump(200ms);
  REQUIRE(kill(-job.pid(), SIGCONT) == 0);
  const auto continued = Clock::now();
  REQUIRE(job.wait(15s));
  CHECK(Clock::now() - continued < 4s);
  CHECK(job.status == 130);
  // Stopped by mtask, then sent SIGTERM: its handler ran.
  CHECK(e2e::contains(job.out, "| cleanup\n"));
  CHECK(e2e::left_after(marker, 2s).empty());
}

TEST_CASE("job control: SIGTTOU sent to mtask stops the whole run as Ctrl-Z does",
          "[e2e][job-control]") {
  const e2e::TempDir dir;
  const std::string ticks = dir.file("ticks");
  const std::string marker = e2e::unique_marker();
  e2e::PtyJob job({"run", ticking("a", 20, ticks)}, {marker});
  REQUIRE(pump_until(
      job, [&] { return size_of(ticks) >= 2 * 3; }, 10s));
  REQUIRE(kill(job.pid(), SIGTTOU) == 0);
  const bool stopped = pump_until(
      job, [&] { return whole_run_stopped(marker, job.pid()); }, 3s);
  INFO(states(marker, job.pid()));
  CHECK(stopped);
  REQUIRE(kill(-job.pid(), SIGCONT) == 0);
  REQUIRE(job.wait(30s));
  CHECK(job.status == 0);
  CHECK(e2e::contains(job.out, "| a19\n"));
  CHECK(e2e::left_after(marker, 2s).empty());
}

TEST_CASE("job control: SIGTSTP ignored on entry stays ignored", "[e2e][job-control]") {
  const e2e::TempDir dir;
  const std::string ticks = dir.file("ticks");
  const std::string marker = e2e::unique_marker();
  e2e::PtyJob job({"run", ticking("a", 20, ticks)}, {marker}, {SIGTSTP});
  REQUIRE(pump_until(
      job, [&] { return size_of(ticks) >= 2 * 3; }, 10s));
  job.type(kCtrlZ);
  const std::size_t at_key = size_of(ticks);
  // Nothing stops: the tasks go on writing and mtask ends on its own.
  CHECK(pump_until(
      job, [&] { return size_of(ticks) >= at_key + 2 * 3; }, 5s));
  CHECK(e2e::state_of(job.pid()) != 'T');
  REQUIRE(job.wait(30s));
  CHECK(job.status == 0);
  CHECK(e2e::left_after(marker, 2s).empty());
}
