// The engine's log as a library caller sees it: quiet unless the program names a logger "mtask".
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "mtask/run/runner.hpp"

namespace {

std::vector<mtask::Task> one_task() {
  return {
      mtask::Task{.name = "x", .count = 1, .interval = std::chrono::nanoseconds(0), .index = 0}};
}

/// What the run wrote to file descriptor 2 (stderr), through a temporary file.
std::string stderr_of_run() {
  std::fflush(stderr);
  char path[] = "/tmp/mtask-test-log-XXXXXX";
  const int file = mkstemp(path);
  REQUIRE(file >= 0);
  unlink(path);
  const int saved = dup(STDERR_FILENO);
  REQUIRE(dup2(file, STDERR_FILENO) == STDERR_FILENO);
  mtask::EventSink ignore;
  const int status = mtask::run_tasks(one_task(), mtask::RunOptions{}, ignore);
  std::fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  CHECK(status == 0);
  std::string text(4096, '\0');
  const ssize_t n = pread(file, text.data(), text.size(), 0);
  close(file);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return text;
}

}  // namespace

TEST_CASE("the engine logs nothing at info for a program that made no logger named mtask",
          "[log]") {
  spdlog::drop("mtask");
  const auto before = spdlog::default_logger();
  spdlog::set_level(spdlog::level::trace);  // the program's own log, verbose: not the engine's
  const std::string err = stderr_of_run();
  spdlog::set_level(spdlog::level::info);
  CHECK(err.empty());
  CHECK(spdlog::default_logger() == before);
}

TEST_CASE("a logger named mtask receives each start and exit of the engine", "[log]") {
  std::ostringstream seen;
  auto logger = std::make_shared<spdlog::logger>(
      "mtask", std::make_shared<spdlog::sinks::ostream_sink_st>(seen));
  logger->set_level(spdlog::level::info);
  spdlog::register_logger(logger);
  stderr_of_run();
  spdlog::drop("mtask");
  CHECK_THAT(seen.str(), Catch::Contains("started task 'x'"));
  CHECK_THAT(seen.str(), Catch::Contains("exited with status 0"));
}
