// Stopping, and nothing left behind (docs/reliability.md).
#include <signal.h>

#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;

namespace {

/// Tasks that are busy when the signal comes: a built-in one that has printed, a command that
/// started a process of its own, and one that runs a command several times.
const std::vector<std::string> kBusyTasks = {"run", "tick:100@100ms", "cmd=sleep 30; echo never",
                                             "loop:5@10ms=sleep 30"};

}  // namespace

TEST_CASE("a stop signal stops every task and exits 128 + its number", "[e2e][signals]") {
  const auto [sig, status] =
      GENERATE(table<int, int>({{SIGINT, 130}, {SIGTERM, 143}, {SIGHUP, 129}}));
  const bool to_group = GENERATE(false, true);
  CAPTURE(sig, to_group);
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 20s);
  options.actions = {e2e::send_signal(500ms, sig, to_group)};

  const e2e::Run run = e2e::mtask(kBusyTasks, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == status);
  CHECK_FALSE(run.signaled);
  // What was read before the signal is printed, and the run is summed up.
  CHECK(e2e::contains(run.out, "tick... (1/100)"));
  CHECK(e2e::contains(run.out, "; one after another "));
  CHECK_FALSE(e2e::contains(run.out, "tick... (100/100)"));
  CHECK(run.wall < 5s);
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("a second SIGINT kills at once tasks that ignore SIGTERM", "[e2e][signals]") {
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 20s);
  options.actions = {e2e::send_signal(500ms, SIGINT), e2e::send_signal(900ms, SIGINT)};
  const e2e::Run run = e2e::mtask(
      {"run", "--kill-after", "30s", "stubborn=trap '' TERM; echo ready; sleep 30"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 130);
  CHECK(e2e::contains(run.out, "ready"));
  CHECK(run.wall < 10s);  // far less than the 30 s of grace
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("SIGTERM is followed by SIGKILL after --kill-after", "[e2e][signals]") {
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 20s);
  options.actions = {e2e::send_signal(400ms, SIGTERM)};
  const e2e::Run run = e2e::mtask(
      {"run", "--kill-after", "300ms", "stubborn=trap '' TERM; echo ready; sleep 30"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 143);
  CHECK(e2e::contains(run.out, "SIGKILL"));
  CHECK(run.wall >= 600ms);
  CHECK(run.wall < 10s);
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("after SIGKILL of mtask no process of any task lives a second later", "[e2e][signals]") {
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 20s);
  options.actions = {e2e::send_signal(500ms, SIGKILL)};
  const e2e::Run run = e2e::mtask(kBusyTasks, options);
  CHECK(run.signaled);
  CHECK(run.status == 128 + SIGKILL);
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("SIGKILL to mtask's whole process group leaves nothing behind either", "[e2e][signals]") {
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 20s);
  options.actions = {e2e::send_signal(500ms, SIGKILL, true)};
  const e2e::Run run = e2e::mtask(kBusyTasks, options);
  CHECK(run.signaled);
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("a closed stdout stops everything with 141 even while every task is silent",
          "[e2e][signals]") {
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 20s);
  options.close_stdout = true;
  options.close_after = 300ms;
  const e2e::Run run =
      e2e::mtask({"run", "quiet=sleep 30", "slow:2@20s", "later=sleep 30"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 141);
  CHECK_FALSE(run.signaled);
  CHECK(run.err.empty());  // no error message
  CHECK(run.wall < 5s);    // noticed at once, not at the next write 20 s later
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("a closed stdout while tasks write is noticed too", "[e2e][signals]") {
  for (const char* format : {"text", "json"}) {
    CAPTURE(format);
    const std::string marker = e2e::unique_marker();
    e2e::Options options = e2e::marked(marker, 20s);
    options.close_stdout = true;
    options.close_after = 300ms;
    const e2e::Run run = e2e::mtask({"run", "-o", format, "noisy:100000@1ms", "yes=yes"}, options);
    REQUIRE_FALSE(run.timed_out);
    CHECK(run.status == 141);
    CHECK(run.err.empty());
    CHECK(e2e::left_after(marker, 1s).empty());
  }
}

TEST_CASE("a closed stderr does not stop or crash mtask", "[e2e][signals]") {
  e2e::Options options;
  options.timeout = 20s;
  options.stderr_closed = true;
  const e2e::Run run = e2e::mtask({"run", "err:3@10ms=echo oops >&2", "out:2@10ms"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(e2e::contains(run.out, "out... (2/2)"));
}
