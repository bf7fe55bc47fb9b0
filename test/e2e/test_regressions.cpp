// Bugs found in review, each with the test that would have caught it.
#include <dirent.h>
#include <signal.h>

#include <fstream>
#include <iterator>
#include <string>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;

namespace {

/// The guardian: the child of `parent` that leads a session of its own.
pid_t guardian_of(pid_t parent) {
  DIR* proc = opendir("/proc");
  pid_t found = -1;
  while (const dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const std::size_t paren = text.rfind(')');
    if (paren == std::string::npos) continue;
    long ppid = 0, pgrp = 0, session = 0;
    char state = 0;
    if (std::sscanf(text.c_str() + paren + 2, "%c %ld %ld %ld", &state, &ppid, &pgrp, &session) !=
        4) {
      continue;
    }
    const long pid = std::strtol(entry->d_name, nullptr, 10);
    if (ppid == parent && session == pid) found = static_cast<pid_t>(pid);
  }
  closedir(proc);
  return found;
}

}  // namespace

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
  options.actions = {e2e::Action{400ms, [&](pid_t mtask) {
                                   killed = guardian_of(mtask);
                                   if (killed > 0) kill(killed, SIGKILL);
                                 }}};
  const e2e::Run run = e2e::mtask({"run", "-j", "1", "a=sleep 1", "b=echo hi"}, options);
  REQUIRE_FALSE(run.timed_out);
  REQUIRE(killed > 0);
  CHECK(run.status == 0);
  CHECK(e2e::contains(run.out, "| hi\n"));
}

TEST_CASE("in text mode no other line comes between the pieces of a long line, whatever the timing",
          "[e2e][regression]") {
  // Both pipes were polled before the first piece gave one task the turn; the other was then
  // read in the same round.
  for (int attempt = 0; attempt < 5; ++attempt) {
    CAPTURE(attempt);
    e2e::Options options;
    options.timeout = 30s;
    const e2e::Run run = e2e::mtask({"run",
                                     "a=sleep 0.3; head -c 300000 /dev/zero | tr '\\0' a; "
                                     "sleep 0.3; echo END",
                                     "b=sleep 0.3; seq 1 20000"},
                                    options);
    REQUIRE_FALSE(run.timed_out);
    REQUIRE(run.status == 0);
    bool whole = false;
    for (const std::string& line : run.out_lines()) {
      const bool resumed = line.rfind("a ", 0) == 0 && line.find(" + ") != std::string::npos;
      CHECK_FALSE(resumed);  // the line was never cut short and taken up again
      if (line.find(std::string(300000, 'a') + "END") != std::string::npos) whole = true;
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
