// The scheduler's accounting: /proc/PID/schedstat and the CPUs' busy time in /proc/stat.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include <catch2/catch.hpp>

#include "posix/proc_children.hpp"
#include "posix/proc_scan.hpp"
#include "posix/schedstat.hpp"

using namespace std::chrono_literals;

TEST_CASE("schedstat: its three numbers are time on a CPU, time waiting and slices",
          "[schedstat]") {
  const auto stat = mtask::posix::parse_schedstat("2000000000 1500000 648\n");
  REQUIRE(stat);
  CHECK(stat->on_cpu == 2s);
  CHECK(stat->waiting == 1500us);
  CHECK(stat->slices == 648);
}

TEST_CASE("schedstat: no numbers, or all zeros, is no accounting", "[schedstat]") {
  CHECK_FALSE(mtask::posix::parse_schedstat(""));
  CHECK_FALSE(mtask::posix::parse_schedstat("12 34"));
  CHECK_FALSE(mtask::posix::parse_schedstat("x 1 2"));
  CHECK_FALSE(mtask::posix::parse_schedstat("0 0 0\n"));
}

TEST_CASE("schedstat: a zombie's is still read: what it used up to its exit", "[schedstat]") {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // About 50 ms of CPU.
    timespec start{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
    for (timespec now = start; now.tv_sec * 1000000000L + now.tv_nsec <
                               start.tv_sec * 1000000000L + start.tv_nsec + 50000000L;) {
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    }
    _exit(0);
  }
  siginfo_t info{};
  REQUIRE(waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) == 0);
  const auto stat = mtask::posix::read_schedstat(pid);
  waitpid(pid, nullptr, 0);
  REQUIRE(stat);
  CHECK(stat->on_cpu >= 45ms);
  CHECK(stat->on_cpu < 2s);
  CHECK(stat->slices >= 1);
  CHECK_FALSE(mtask::posix::read_schedstat(pid));  // reaped: gone
}

TEST_CASE("cpu busy: user, nice, system, irq, softirq and steal of the CPUs asked for",
          "[schedstat]") {
  const std::string_view text =
      "cpu  10 20 30 40 50 60 70 80 90 100\n"
      "cpu0 1 2 3 400 500 6 7 8 9 10\n"
      "cpu1 100 200 300 4 5 600 700 800 0 0\n"
      "intr 1 2 3\n";
  CHECK(mtask::posix::parse_cpu_busy_ticks(text, {0}) == 1 + 2 + 3 + 6 + 7 + 8);
  CHECK(mtask::posix::parse_cpu_busy_ticks(text, {1}) == 100 + 200 + 300 + 600 + 700 + 800);
  CHECK(mtask::posix::parse_cpu_busy_ticks(text, {0, 1}) == 27 + 2700);
  CHECK_FALSE(mtask::posix::parse_cpu_busy_ticks(text, {2}));  // offline, or no such CPU
  CHECK(mtask::posix::parse_cpu_busy_ticks(text, {}) == 0);
}

TEST_CASE("cpu busy: /proc/stat grows while this process computes", "[schedstat]") {
  const auto before = mtask::posix::read_cpu_busy({0});
  REQUIRE(before);
  const auto after = mtask::posix::read_cpu_busy({0});
  REQUIRE(after);
  CHECK(*after >= *before);
}

TEST_CASE("proc stat: the process group and the CPU it last ran on", "[proc_scan]") {
  mtask::posix::ProcStat stat;
  REQUIRE(mtask::posix::read_stat(getpid(), stat));
  CHECK(stat.pgrp == getpgrp());
  CHECK(stat.processor >= 0);
  CHECK(stat.ppid == getppid());
}

TEST_CASE("proc children: a process's children, by its main thread", "[proc_scan]") {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    pause();
    _exit(0);
  }
  std::vector<pid_t> children;
  CHECK(mtask::posix::read_children(getpid(), children));
  CHECK(std::find(children.begin(), children.end(), pid) != children.end());
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  children.clear();
  CHECK(mtask::posix::read_children(getpid(), children));
  CHECK(std::find(children.begin(), children.end(), pid) == children.end());
}
