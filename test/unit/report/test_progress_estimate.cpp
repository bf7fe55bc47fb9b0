// The status line's estimate of the time left, which knows how many tasks run at once (-j).
#include <chrono>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "mtask/report/output.hpp"
#include "mtask/report/progress.hpp"

using namespace std::chrono_literals;
using mtask::Duration;
using mtask::RunPace;

TEST_CASE("progress estimate: with -j 1 the tasks waiting run one after the other", "[progress]") {
  // 4 tasks of 1 s, one at a time: the first is done, the second has just started.
  const RunPace pace{.tasks = 4, .jobs = 1, .done = 1, .done_wall = 1s, .running = {0s}};
  CHECK(mtask::estimate_left(pace) == Duration(3s));
  // Half-way through the second.
  CHECK(mtask::estimate_left(
            {.tasks = 4, .jobs = 1, .done = 1, .done_wall = 1s, .running = {500ms}}) ==
        Duration(2500ms));
}

TEST_CASE("progress estimate: without -j every task runs at once", "[progress]") {
  // 4 tasks started together; one ended after 1 s; the other three have run 1 s too.
  const RunPace pace{.tasks = 4, .jobs = 0, .done = 1, .done_wall = 1s, .running = {1s, 1s, 1s}};
  // They are expected to end now, not in 3 s (4 tasks at one each a second).
  CHECK_FALSE(mtask::estimate_left(pace).has_value());
  // Started later, they have some way to go.
  CHECK(
      mtask::estimate_left(
          {.tasks = 4, .jobs = 0, .done = 1, .done_wall = 1s, .running = {200ms, 600ms, 900ms}}) ==
      Duration(800ms));
}

TEST_CASE("progress estimate: with -j 2 the waiting tasks fill the slots in rounds", "[progress]") {
  // 7 tasks of 1 s, two at a time: 1 done, one running for 0.5 s, one just started, 4 waiting.
  const RunPace pace{.tasks = 7, .jobs = 2, .done = 1, .done_wall = 1s, .running = {500ms, 0s}};
  // Slot A frees at 0.5 s, then runs tasks ending at 1.5 and 2.5; slot B at 1 s, 2 and 3 s.
  CHECK(mtask::estimate_left(pace) == Duration(3s));
  // A free slot (-j 3, only two running) takes a waiting task now.
  CHECK(mtask::estimate_left(
            {.tasks = 4, .jobs = 3, .done = 1, .done_wall = 2s, .running = {1s, 1s}}) ==
        Duration(2s));
  // More jobs than tasks: the tasks are the limit.
  CHECK(mtask::estimate_left(
            {.tasks = 3, .jobs = 64, .done = 1, .done_wall = 1s, .running = {0s}}) == Duration(1s));
}

TEST_CASE("progress estimate: nothing to say before the first end or after the last",
          "[progress]") {
  CHECK_FALSE(
      mtask::estimate_left({.tasks = 2, .jobs = 1, .done = 0, .done_wall = 0s, .running = {5s}})
          .has_value());
  CHECK_FALSE(
      mtask::estimate_left({.tasks = 2, .jobs = 1, .done = 2, .done_wall = 2s, .running = {}})
          .has_value());
  // Tasks that took no time: the rest will take none either.
  CHECK(mtask::estimate_left({.tasks = 3, .jobs = 1, .done = 1, .done_wall = 0s, .running = {}}) ==
        Duration(0));
}

TEST_CASE("progress estimate: the line counts with -j", "[progress]") {
  // Four tasks of 1 s; the clock is the test's.
  for (const std::size_t jobs : {std::size_t{1}, std::size_t{0}}) {
    mtask::StringOutput screen;
    Duration now = 0s;
    mtask::Progress progress(screen, 4, jobs, true, [&now] { return now; });
    const std::size_t at_once = jobs == 0 ? 4 : jobs;
    for (std::size_t i = 0; i < at_once; ++i) progress.task_started(i);
    now = 1s;
    progress.task_ended(0, false);
    if (jobs == 1) progress.task_started(1);
    const std::string line = progress.text(now);
    INFO("-j " << jobs << ": " << line);
    if (jobs == 1) {
      CHECK(line.ends_with(", about 3.0 s left"));
    } else {
      // The three others ran as long as the one done: about to end, so no guess is made.
      CHECK(line.find("left") == std::string::npos);
    }
  }
}
