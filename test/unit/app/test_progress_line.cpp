// The status line's clock: the runner's time 0, given by on_begin.
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/grammar/task.hpp"
#include "mtask/report/output.hpp"
#include "progress_line.hpp"

using namespace std::chrono_literals;

TEST_CASE("the status line counts from the runner's start", "[app][progress]") {
  mtask::StringOutput terminal;
  app::ProgressLine line(terminal, 2, 1, true);
  CHECK(line.elapsed() == 0s);  // the run has not begun

  // A runner that began two seconds ago: the line says so, whenever it was made.
  const std::vector<mtask::Task> tasks(2);
  const auto start = std::chrono::steady_clock::now() - 2s;
  line.on_begin(mtask::BeginEvent{1, tasks, start, std::chrono::system_clock::now()});
  CHECK(line.elapsed() >= 2s);
  CHECK(line.elapsed() < 10s);
  line.progress().draw_if_due();
  CHECK(terminal.str().find("0/2 done, 0 running, 0 failed, 2.") != std::string::npos);
}

TEST_CASE("the status line's clock leaves out a job-control stop", "[app][progress]") {
  mtask::StringOutput terminal;
  app::ProgressLine line(terminal, 2, 1, true);
  const std::vector<mtask::Task> tasks(2);
  line.on_begin(mtask::BeginEvent{1, tasks, std::chrono::steady_clock::now() - 5s,
                                  std::chrono::system_clock::now()});
  line.progress().draw_if_due();
  CHECK(line.progress().shown());
  line.on_pause();  // the line leaves the terminal before mtask stops
  CHECK_FALSE(line.progress().shown());
  CHECK(terminal.str().find("\r\x1b[K") != std::string::npos);
  line.on_resume(4s);  // of the 5 s since the start, 4 were spent stopped
  CHECK(line.elapsed() >= 1s);
  CHECK(line.elapsed() < 4s);
  CHECK(line.progress().shown());  // drawn again at once
  CHECK(terminal.str().find("elapsed", terminal.str().find("\r\x1b[K")) != std::string::npos);
}
