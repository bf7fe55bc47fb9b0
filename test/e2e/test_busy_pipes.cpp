// Tasks whose pipes are never quiet: signals, child exits and slow readers must still be
// handled (docs/reliability.md, 4.5 and 4.17).
#include <signal.h>

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;

namespace {

/// Runs mtask with its stdout sent to `sink` by a shell: `exec mtask ARGS... SINK`.
e2e::Options through(const std::string& sink, std::chrono::milliseconds timeout) {
  e2e::Options options;
  options.timeout = timeout;
  options.prefix = {"sh", "-c", "exec \"$0\" \"$@\" " + sink};
  return options;
}

}  // namespace

TEST_CASE("SIGTERM stops a run whose tasks write without a pause", "[e2e][signals]") {
  // ppoll() runs a signal handler only when it waits: with a pipe always ready it returns at
  // once, the mask comes back, and the signal stayed pending for ever.
  e2e::Options options = through(">/dev/null", 20'000ms);
  options.actions.push_back(e2e::send_signal(500ms, SIGTERM));
  const e2e::Run run = e2e::mtask({"run", "--kill-after", "1s", "a=yes", "b=yes"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 128 + SIGTERM);
  CHECK(run.wall < 10s);
}

TEST_CASE("fail-fast sees a task end while another writes without a pause", "[e2e][signals]") {
  // SIGCHLD was never handled either: the failed task was not reaped and the run went on.
  const e2e::Run run =
      e2e::mtask({"run", "--fail-fast", "--kill-after", "1s", "a=yes", "b=sleep 0.2; exit 1"},
                 through(">/dev/null", 20'000ms));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  CHECK(run.wall < 10s);
}

TEST_CASE("a slow reader gets every line of tasks that ended while it was not reading",
          "[e2e][output]") {
  // While the reader lagged, the tasks' pipes were paused; a task that exited then looked as
  // if something still held its pipes, its grace ran out, and that counted as a stop: the
  // queued output was dropped in a run nobody stopped.
  const e2e::Run run =
      e2e::mtask({"run", "--kill-after", "500ms", "a=seq 1 300000", "b=seq 1 5000"},
                 through("| (sleep 3; grep -c '|')", 30'000ms));
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  // Every task line has ' | '; the start and end lines do not.
  CHECK(run.out == "305000\n");
  CHECK_FALSE(e2e::contains(run.err, "dropped"));
}
