// A task that runs its command several times is stopped like one that runs it once: the running
// iteration gets the stop, may clean up, and its end is the task's (docs/design.md, "The child").
#include <signal.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;

namespace {

/// A command that cleans up on SIGTERM, after a short pause: the pause makes sure that a monitor
/// that died at the stop has taken its iteration with it (the death signal) before the echo.
const std::string kCleanup =
    "trap 'sleep 0.2; echo cleanup $MTASK_ITERATION; exit 0' TERM; sleep 5 & wait";

long count_of(const std::string& text, const std::string& part) {
  long n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

/// The exit event of task `name` in JSON Lines output; null when there is none.
nlohmann::json exit_of(const std::string& json_lines, const std::string& name) {
  for (const std::string& line : e2e::split_lines(json_lines)) {
    nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_object() && event.value("event", "") == "exit" &&
        event.value("task", "") == name) {
      return event;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a timeout lets the running iteration clean up, and starts no other one",
          "[e2e][iterations]") {
  const std::string marker = e2e::unique_marker();
  const e2e::Run run =
      e2e::mtask({"run", "--timeout", "1s", "--kill-after", "10s", "t:3=" + kCleanup},
                 e2e::marked(marker, 30s));
  REQUIRE_FALSE(run.timed_out);
  INFO(run.out << run.err);
  CHECK(run.status == 1);
  CHECK(count_of(run.out, "| cleanup 1") == 1);
  CHECK_FALSE(e2e::contains(run.out, "cleanup 2"));
  CHECK(e2e::contains(run.out, "< timed out after"));
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("SIGTERM to mtask lets the running iteration clean up", "[e2e][iterations]") {
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 30s);
  options.actions = {e2e::send_signal(500ms, SIGTERM)};
  const e2e::Run run =
      e2e::mtask({"run", "-o", "json", "--kill-after", "10s", "t:3=" + kCleanup}, options);
  REQUIRE_FALSE(run.timed_out);
  INFO(run.out << run.err);
  CHECK(run.status == 143);
  CHECK(count_of(run.out, R"("text":"cleanup 1")") == 1);
  CHECK_FALSE(e2e::contains(run.out, "cleanup 2"));
  // The iteration's own end is the task's, as it would be were the shell the task.
  const nlohmann::json ended = exit_of(run.out, "t");
  REQUIRE(ended.is_object());
  CHECK(ended["code"] == 0);
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("an iteration killed by SIGTERM is reported as a command run once would be",
          "[e2e][iterations]") {
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 30s);
  options.actions = {e2e::send_signal(500ms, SIGTERM)};
  // `; true`: the shell itself is what the signal kills, not a program it became.
  const e2e::Run run = e2e::mtask({"run", "-o", "json", "--kill-after", "10s",
                                   "once:1=sleep 5; true", "thrice:3=sleep 5; true"},
                                  options);
  REQUIRE_FALSE(run.timed_out);
  INFO(run.out << run.err);
  CHECK(run.status == 143);
  for (const std::string name : {"once", "thrice"}) {
    CAPTURE(name);
    const nlohmann::json ended = exit_of(run.out, name);
    REQUIRE(ended.is_object());
    CHECK(ended["code"].is_null());
    CHECK(ended["signal"] == "SIGTERM");
  }
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("a stop between iterations ends the task at once by the stop's signal",
          "[e2e][iterations]") {
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 30s);
  options.actions = {e2e::send_signal(500ms, SIGTERM)};
  const e2e::Run run =
      e2e::mtask({"run", "-o", "json", "--kill-after", "20s", "wait:3@20s=echo ran"}, options);
  REQUIRE_FALSE(run.timed_out);
  INFO(run.out << run.err);
  CHECK(run.status == 143);
  CHECK(count_of(run.out, R"("text":"ran")") == 1);
  const nlohmann::json ended = exit_of(run.out, "wait");
  REQUIRE(ended.is_object());
  CHECK(ended["signal"] == "SIGTERM");  // not SIGKILL after the 20 s of grace
  CHECK(run.wall < 15s);
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("a monitor whose fork meets the process limit waits and tries again",
          "[e2e][iterations]") {
  // RLIMIT_NPROC counts the processes of a real user id and does not bind root: mtask runs as a
  // user id of its own, so that no other process (nor another test) counts against the limit.
  if (geteuid() != 0) {
    e2e::cannot_check("setting a user id of its own for mtask needs root");
    return;
  }
  const std::string uid = std::to_string(60000 + getpid() % 5000);
  e2e::SharedBinary shared;
  e2e::Options options;
  options.timeout = 30s;
  options.binary = shared.path();
  options.prefix = {"setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"};
  {
    const e2e::Run can = e2e::mtask({"--version"}, options);
    if (can.status != 0) {
      e2e::cannot_check("user " + uid + " cannot run " + shared.path() + ": " + can.err);
      return;
    }
  }
  // Four processes: mtask, the guardian, the built-in task `busy` (about 1 s) and `m`'s monitor,
  // whose fork for its first iteration fails until `busy` has ended.
  options.prefix.insert(options.prefix.end(), {"prlimit", "--nproc=4", "--"});
  const e2e::Run run =
      e2e::mtask({"run", "-o", "json", "busy:2@500ms", "m:2@0=echo hi $MTASK_ITERATION"}, options);
  REQUIRE_FALSE(run.timed_out);
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK(run.err.find("warning") == std::string::npos);  // mtask itself was not held back
  CHECK(e2e::contains(run.out, R"("text":"hi 1")"));
  CHECK(e2e::contains(run.out, R"("text":"hi 2")"));
  const nlohmann::json ended = exit_of(run.out, "m");
  REQUIRE(ended.is_object());
  CHECK(ended["code"] == 0);
}
