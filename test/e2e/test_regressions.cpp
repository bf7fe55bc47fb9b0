// Bugs found in review, each with the test that would have caught it.
#include <dirent.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;

TEST_CASE("a signal during a fail-fast stop still makes the status 128 + N", "[e2e][regression]") {
  // --fail-fast used to take the place of the signal's status: the exit status rules
  // (docs/usage.md) put 128+N first. The first task fails only once the second has had time to
  // ignore SIGTERM.
  e2e::Options options;
  options.timeout = 30s;
  options.actions = {e2e::send_signal(1000ms, SIGINT)};
  const e2e::Run run = e2e::mtask({"run", "--fail-fast", "--kill-after", "3s",
                                   "a=sleep 0.3; exit 1", "b=trap '' TERM; sleep 10"},
                                  options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 130);
}

TEST_CASE("tasks get /dev/null as stdin even when mtask has no stdin", "[e2e][regression]") {
  // /dev/null then lands on descriptor 0 with close-on-exec set, and dup2(0, 0) kept the flag.
  e2e::Options options;
  options.timeout = 20s;
  options.stdin_closed = true;
  const e2e::Run run = e2e::mtask({"run", "x=readlink /proc/self/fd/0"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(e2e::contains(run.out, "| /dev/null\n"));
}

TEST_CASE("tasks still run when the guardian is gone", "[e2e][regression]") {
  // The child registered with the guardian after resetting SIGPIPE, and died of it.
  pid_t killed = -1;
  e2e::Options options;
  options.timeout = 20s;
  options.actions = {e2e::kill_guardian(400ms, killed)};
  const e2e::Run run = e2e::mtask({"run", "-j", "1", "a=sleep 1", "b=echo hi"}, options);
  REQUIRE_FALSE(run.timed_out);
  REQUIRE(killed > 0);
  CHECK(run.status == 0);
  CHECK(e2e::contains(run.out, "| hi\n"));
}

TEST_CASE("in text mode no other line comes between the pieces of a long line, whatever the timing",
          "[e2e][regression]") {
  // Both pipes were polled before the first piece gave one task the turn; the other was then
  // read in the same round. (The line comes at full speed: a holder that stalls while others
  // wait, or writes more than its budget, gives up its turn: docs/design.md "Fair turns".)
  for (int attempt = 0; attempt < 5; ++attempt) {
    CAPTURE(attempt);
    e2e::Options options;
    options.timeout = 30s;
    const e2e::Run run = e2e::mtask({"run",
                                     "a=sleep 0.3; head -c 200000 /dev/zero | tr '\\0' a; "
                                     "echo END",
                                     "b=sleep 0.3; seq 1 20000"},
                                    options);
    REQUIRE_FALSE(run.timed_out);
    REQUIRE(run.status == 0);
    bool whole = false;
    for (const std::string& line : run.out_lines()) {
      const bool resumed = line.rfind("a ", 0) == 0 && line.find(" + ") != std::string::npos;
      CHECK_FALSE(resumed);  // the line was never cut short and taken up again
      if (line.find(std::string(200000, 'a') + "END") != std::string::npos) whole = true;
    }
    CHECK(whole);
  }
}

TEST_CASE("a task mid-line on stderr does not make mtask spin while another holds stdout",
          "[e2e][regression]") {
  // The wake-up for a stalled turn looked at both pipes of the holder.
  e2e::Options options;
  options.timeout = 30s;
  const e2e::Run run = e2e::mtask(
      {"run",
       "s=head -c 70000 /dev/zero | tr '\\0' e >&2; sleep 1.5; head -c 70000 /dev/zero | "
       "tr '\\0' o; for i in 1 2 3 4 5 6 7 8 9 10; do printf o; sleep 0.3; done; echo; "
       "echo >&2"},
      options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(run.wall >= 4s);
  CHECK(run.cpu < 0.5s);  // a spin would burn most of the 3 s
}

TEST_CASE("lines already in a pipe are read before a stopped task's pipe is let go",
          "[e2e][regression]") {
  // The pipe of a task that was not being read (another held the turn) was closed unread.
  e2e::Options options;
  options.timeout = 30s;
  const e2e::Run run = e2e::mtask(
      {"run", "--kill-after", "200ms",
       "a=head -c 70000 /dev/zero | tr '\\0' a; for i in $(seq 30); do printf a; sleep 0.1; "
       "done; echo",
       "b=sleep 0.5; echo b-line; sleep 100 & exit 0"},
      options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(e2e::contains(run.out, "| b-line\n"));
}

namespace {

/// The `kill` calls that sent `sig` to the process group of a pid already reaped, read from an
/// strace log of `kill` and `wait4` calls: once reaped, a pid no longer pins its group id,
/// which another process may then own.
std::vector<std::string> groups_signalled_after_reap(const std::string& log_path,
                                                     const std::string& sig) {
  std::ifstream log(log_path);
  std::set<std::string> reaped;
  std::vector<std::string> late;
  for (std::string line; std::getline(log, line);) {
    // "PID wait4(P, ..." ending in "= P": P was reaped. "PID kill(-P, SIG...) = ...": its group.
    const std::size_t wait = line.find("wait4(");
    if (wait != std::string::npos) {
      const std::string pid = line.substr(wait + 6, line.find(',', wait) - wait - 6);
      if (line.size() > pid.size() + 3 && line.ends_with("= " + pid)) reaped.insert(pid);
      continue;
    }
    const std::size_t kill = line.find("kill(-");
    if (kill == std::string::npos || line.find(", " + sig + ")") == std::string::npos) continue;
    const std::string group = line.substr(kill + 6, line.find(',', kill) - kill - 6);
    if (reaped.count(group) != 0) late.push_back(line);
  }
  return late;
}

}  // namespace

TEST_CASE("a fail-fast stop signals no group of a task already reaped", "[e2e][regression]") {
  // The failed task was still in the list of running tasks when the stop began, so its group
  // got SIGTERM after it had been reaped.
  if (std::system("command -v strace >/dev/null 2>&1") != 0) {
    e2e::cannot_check("strace is not installed (scripts/setup --test installs it)");
    return;
  }
  const e2e::TempDir dir;
  e2e::Options options;
  options.timeout = 30s;
  options.prefix = {"strace", "-f", "-qq", "-e", "trace=kill,wait4", "-o", dir.file("trace")};
  // LeakSanitizer needs ptrace at exit, which strace holds: no leak check for this run.
  options.env = {"ASAN_OPTIONS=detect_leaks=0:abort_on_error=1"};
  const e2e::Run run =
      e2e::mtask({"run", "--fail-fast", "fail=exit 1", "slow=sleep 5", "b:50@100ms"}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  CHECK(e2e::contains(run.out, "< exit 1"));
  // The stop's first step.
  const std::vector<std::string> late = groups_signalled_after_reap(dir.file("trace"), "SIGTERM");
  for (const std::string& line : late) UNSCOPED_INFO(line);
  CHECK(late.empty());
}

TEST_CASE("a task whose pipes outlive it has its group signalled only before it is reaped",
          "[e2e][regression]") {
  // The task was reaped as soon as it exited, and its group was stopped --kill-after later,
  // when the group id may belong to another process (test_escape.cpp forces that reuse).
  if (std::system("command -v strace >/dev/null 2>&1") != 0) {
    e2e::cannot_check("strace is not installed (scripts/setup --test installs it)");
    return;
  }
  const e2e::TempDir dir;
  e2e::Options options;
  options.timeout = 30s;
  options.prefix = {"strace", "-f", "-qq", "-e", "trace=kill,wait4", "-o", dir.file("trace")};
  options.env = {"ASAN_OPTIONS=detect_leaks=0:abort_on_error=1"};
  const e2e::Run run = e2e::mtask(
      {"run", "--kill-after", "300ms", "held=setsid sh -c 'sleep 5' & exit 0", "b:3@100ms"},
      options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(run.wall < 4s);
  for (const char* sig : {"SIGTERM", "SIGKILL"}) {
    const std::vector<std::string> late = groups_signalled_after_reap(dir.file("trace"), sig);
    for (const std::string& line : late) UNSCOPED_INFO(line);
    CHECK(late.empty());
  }
}
