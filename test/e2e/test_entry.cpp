// What mtask was started with: signals ignored on entry, closed standard descriptors; and the
// guardian seen from outside (docs/reliability.md).
#include <dirent.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;

namespace {

/// The mask `field` ("SigIgn", "SigCgt") in the text of a /proc/PID/status, or nullopt if none.
std::optional<unsigned long long> status_mask(const std::string& status, const std::string& field) {
  const std::size_t at = status.find(field + ":");
  if (at == std::string::npos) return std::nullopt;
  return std::strtoull(status.c_str() + at + field.size() + 1, nullptr, 16);
}

/// The SigIgn mask a task printed (`grep SigIgn /proc/self/status`), or nullopt if none.
std::optional<unsigned long long> ignored_mask(const std::string& out) {
  return status_mask(out, "SigIgn");
}

bool has_signal(unsigned long long mask, int sig) { return (mask >> (sig - 1)) & 1U; }

}  // namespace

TEST_CASE("a stop signal ignored on entry stays ignored, by mtask and by its tasks",
          "[e2e][signals][entry]") {
  // `nohup mtask ...`, or `mtask ... &` in a script (the shell ignores SIGINT and SIGQUIT).
  const auto [sig, name] =
      GENERATE(table<int, std::string>({{SIGHUP, "HUP"}, {SIGINT, "INT"}, {SIGTERM, "TERM"}}));
  CAPTURE(name);
  e2e::Options options;
  options.timeout = 20s;
  options.prefix = {"sh", "-c", "trap '' " + name + "; exec \"$0\" \"$@\""};
  options.actions = {e2e::send_signal(400ms, sig)};
  const e2e::Run run = e2e::mtask(
      {"run", "tick:5@200ms", "mask=grep SigIgn /proc/self/status", "late=sleep 0.6; echo done"},
      options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK_FALSE(run.signaled);
  CHECK(e2e::contains(run.out, "tick... (5/5)"));
  CHECK(e2e::contains(run.out, "| done\n"));
  // The task inherits the caller's disposition, as a shell's child would.
  const auto mask = ignored_mask(run.out);
  REQUIRE(mask);
  CHECK(has_signal(*mask, sig));
}

TEST_CASE("a SIGPIPE ignored on entry stays ignored in a command task", "[e2e][signals][entry]") {
  // The child ignores SIGPIPE while it writes to the guardian; afterwards it must go back to
  // the caller's disposition, not to the default.
  e2e::Options options;
  options.timeout = 20s;
  options.prefix = {"sh", "-c", "trap '' PIPE; exec \"$0\" \"$@\""};
  const e2e::Run run = e2e::mtask({"run", "mask=grep SigIgn /proc/self/status"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const auto mask = ignored_mask(run.out);
  REQUIRE(mask);
  CHECK(has_signal(*mask, SIGPIPE));
}

TEST_CASE("a task still gets default dispositions for what the caller did not ignore",
          "[e2e][signals][entry]") {
  e2e::Options options;
  options.timeout = 20s;
  options.prefix = {"sh", "-c", "trap '' HUP; exec \"$0\" \"$@\""};
  const e2e::Run run = e2e::mtask({"run", "mask=grep SigIgn /proc/self/status"}, options);
  REQUIRE_FALSE(run.timed_out);
  const auto mask = ignored_mask(run.out);
  REQUIRE(mask);
  // mtask itself ignores SIGPIPE and catches SIGINT, SIGTERM and SIGCHLD: none of that reaches
  // the task.
  for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGCHLD}) CHECK_FALSE(has_signal(*mask, sig));
}

TEST_CASE("a built-in task has no handler of mtask's and keeps what the caller ignored",
          "[e2e][signals][entry]") {
  // A built-in task never calls exec, which would reset handlers: the child itself must undo
  // every disposition of the run's (SIGCHLD, SIGTERM... caught) but leave what the caller
  // ignored, SIGCHLD excepted.
  std::string status;
  e2e::Options options;
  options.timeout = 20s;
  options.prefix = {"sh", "-c", "trap '' PIPE INT USR1 CHLD; exec \"$0\" \"$@\""};
  options.actions = {e2e::Action{500ms, [&](pid_t mtask) {
                                   const std::string path = "/proc/" + std::to_string(mtask);
                                   const std::string kids = e2e::read_proc(
                                       path + "/task/" + std::to_string(mtask) + "/children");
                                   const long task = std::strtol(kids.c_str(), nullptr, 10);
                                   if (task <= 0) return;
                                   status =
                                       e2e::read_proc("/proc/" + std::to_string(task) + "/status");
                                 }}};
  const e2e::Run run = e2e::mtask({"run", "a:30@50ms"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const auto caught = status_mask(status, "SigCgt");
  const auto ignored = status_mask(status, "SigIgn");
  REQUIRE(caught);
  REQUIRE(ignored);
  CHECK(*caught == 0);
  for (int sig : {SIGINT, SIGUSR1, SIGPIPE}) CHECK(has_signal(*ignored, sig));
  for (int sig : {SIGCHLD, SIGTERM, SIGHUP}) CHECK_FALSE(has_signal(*ignored, sig));
}

TEST_CASE("closed standard descriptors at start do not disarm the guardian",
          "[e2e][signals][entry]") {
  // Started with `<&- 2>&-`, the guardian's pipe landed on descriptor 2, which the guardian
  // then overwrote with /dev/null: it was gone from the start.
  const auto closed = GENERATE(std::vector<int>{0, 2}, std::vector<int>{0, 1, 2});
  CAPTURE(closed);
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 20s);
  options.closed_fds = closed;
  options.actions = {e2e::send_signal(600ms, SIGKILL)};
  const e2e::Run run = e2e::mtask({"run", "cmd=sleep 30; echo never", "b:100@100ms"}, options);
  CHECK(run.signaled);
  CHECK(e2e::left_after(marker, 1s).empty());
}

TEST_CASE("closed standard descriptors at start: the run still completes",
          "[e2e][signals][entry]") {
  e2e::Options options;
  options.timeout = 20s;
  options.closed_fds = {0, 2};
  const e2e::Run run = e2e::mtask({"run", "a=echo hi", "b:2@10ms"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(e2e::contains(run.out, "| hi\n"));
}

TEST_CASE("the guardian has a name of its own", "[e2e][guardian]") {
  // So that `killall mtask` or `pkill -x mtask` does not kill it before mtask.
  std::string comm;
  e2e::Options options;
  options.timeout = 20s;
  options.actions = {e2e::Action{400ms, [&](pid_t mtask) {
                                   const pid_t guardian = e2e::guardian_of(mtask);
                                   if (guardian <= 0) return;
                                   comm = e2e::read_proc("/proc/" + std::to_string(guardian) +
                                                         "/comm");
                                   if (comm.ends_with('\n')) comm.pop_back();
                                 }}};
  const e2e::Run run = e2e::mtask({"run", "a=sleep 1.5"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(comm == "mtask-guardian");
}

TEST_CASE("mtask says so when its guardian dies during the run", "[e2e][guardian]") {
  pid_t killed = -1;
  e2e::Options options;
  options.timeout = 20s;
  options.actions = {e2e::kill_guardian(400ms, killed)};
  const e2e::Run run =
      e2e::mtask({"run", "-j", "1", "a=sleep 1", "b=echo hi", "c=echo ho"}, options);
  REQUIRE_FALSE(run.timed_out);
  REQUIRE(killed > 0);
  CHECK(run.status == 0);
  CHECK(e2e::contains(run.out, "| ho\n"));
  CHECK(e2e::contains(run.err, "guardian"));
  // Once.
  std::size_t count = 0;
  for (const std::string& line : run.err_lines()) {
    if (e2e::contains(line, "guardian")) ++count;
  }
  CHECK(count == 1);
}
