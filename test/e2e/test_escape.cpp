// Nothing escapes (docs/reliability.md): what leaves its task's process group is adopted,
// stopped with its task or with the run, and reaped; after SIGKILL of mtask the guardian finds
// it by its environment. And a group id is never signalled after its process was reaped.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;

namespace {

/// A way out of the task's group, written before the rest of the command; with its pipes, or
/// with them left behind.
struct Route {
  const char* name;
  const char* command;
};

const Route kRoutes[] = {
    {"setsid, holding the pipes", "setsid sleep 60 & "},
    {"setsid, without the pipes", "setsid sleep 60 >/dev/null 2>&1 & "},
    {"setpgid (GNU timeout), holding the pipes", "timeout 60 sleep 60 & "},
    {"setpgid (GNU timeout), without the pipes", "timeout 60 sleep 60 >/dev/null 2>&1 & "},
    {"a double-forked daemon, holding the pipes", "(setsid sh -c 'sleep 60 & sleep 60' &); "},
    {"a double-forked daemon, without the pipes",
     "(setsid sh -c 'sleep 60 & sleep 60' >/dev/null 2>&1 &); "},
};

/// Runs mtask with one escaping task (`command`, then `rest`) and `actions`; what the run
/// left behind after `grace` is returned in `left`.
e2e::Run run_escape(const std::string& command, const std::string& rest,
                    std::vector<e2e::Action> actions, std::chrono::milliseconds grace,
                    std::vector<pid_t>& left) {
  const std::string marker = e2e::unique_marker();
  e2e::Options options = e2e::marked(marker, 30s);
  options.actions = std::move(actions);
  const e2e::Run run =
      e2e::mtask({"run", "--kill-after", "300ms", "escape=" + command + rest}, options);
  left = e2e::left_after(marker, grace);
  return run;
}

/// The state letter of `pid` in /proc/PID/stat; '\0' when it is gone.
char state_of(pid_t pid) {
  const std::string text = e2e::read_proc("/proc/" + std::to_string(pid) + "/stat");
  const std::size_t paren = text.rfind(')');
  return paren == std::string::npos || paren + 2 >= text.size() ? '\0' : text[paren + 2];
}

/// Forks a process that sleeps in a session (and group) of its own, as a task does.
pid_t start_victim() {
  const pid_t pid = fork();
  if (pid == 0) {
    setsid();
    execlp("sleep", "sleep", "30", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

}  // namespace

TEST_CASE("what leaves its task's group does not outlive a normal end", "[e2e][escapees]") {
  const Route route = GENERATE(from_range(std::begin(kRoutes), std::end(kRoutes)));
  INFO(route.name);
  std::vector<pid_t> left;
  const e2e::Run run = run_escape(route.command, "sleep 0.3; echo started", {}, 2s, left);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(e2e::contains(run.out, "| started"));
  CHECK(run.wall < 10s);
  CHECK(left.empty());
}

TEST_CASE("what leaves its task's group does not outlive SIGTERM to mtask", "[e2e][escapees]") {
  const Route route = GENERATE(from_range(std::begin(kRoutes), std::end(kRoutes)));
  INFO(route.name);
  std::vector<pid_t> left;
  const e2e::Run run = run_escape(route.command, "echo started; sleep 60",
                                  {e2e::send_signal(700ms, SIGTERM)}, 2s, left);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 128 + SIGTERM);
  CHECK(left.empty());
}

TEST_CASE("what leaves its task's group does not outlive SIGKILL of mtask", "[e2e][escapees]") {
  const Route route = GENERATE(from_range(std::begin(kRoutes), std::end(kRoutes)));
  INFO(route.name);
  std::vector<pid_t> left;
  const e2e::Run run = run_escape(route.command, "echo started; sleep 60",
                                  {e2e::send_signal(700ms, SIGKILL)}, 3s, left);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.signaled);
  CHECK(left.empty());
}

TEST_CASE("what a task leaves outside its group is stopped when the task ends, not the run",
          "[e2e][escapees]") {
  const e2e::TempDir dir;
  bool alive_mid_run = true;
  e2e::Options options;
  options.timeout = 30s;
  options.actions = {e2e::Action{1500ms, [&](pid_t) {
                                   std::ifstream file(dir.file("pid"));
                                   pid_t pid = -1;
                                   file >> pid;
                                   alive_mid_run = pid <= 0 || e2e::alive(pid);
                                 }}};
  const e2e::Run run = e2e::mtask(
      {"run", "left=setsid sleep 60 >/dev/null 2>&1 & echo $! >" + dir.file("pid") + "; sleep 0.3",
       "long=sleep 3"},
      options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK_FALSE(alive_mid_run);
}

TEST_CASE("as PID 1 of a namespace mtask reaps every orphan it adopts", "[e2e][escapees]") {
  if (std::system("unshare --fork --pid --mount-proc true >/dev/null 2>&1") != 0) {
    e2e::cannot_check("unshare --pid is not allowed here");
    return;
  }
  e2e::Options options;
  options.timeout = 30s;
  options.prefix = {"unshare", "--fork", "--pid", "--mount-proc"};
  // Each `(sleep 0.01 &)` leaves an orphan that the kernel gives to PID 1, mtask, to reap.
  const e2e::Run run =
      e2e::mtask({"run",
                  "zombies=for i in $(seq 100); do (sleep 0.01 &); done; sleep 1; "
                  "echo zombies $(grep -l '^State:.Z' /proc/[0-9]*/status 2>/dev/null | wc -l)"},
                 options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(e2e::contains(run.out, "| zombies 0\n"));
}

TEST_CASE("a group whose task was reaped is never signalled, even when its id is reused",
          "[e2e][escapees][.serial]") {
  // The task exits at once, leaving a process in a session of its own that holds its pipes;
  // --kill-after later that task's group is stopped. Meanwhile its pid is handed to a victim,
  // which leads a group of that id: it must not be touched.
  const char* const kLastPid = "/proc/sys/kernel/ns_last_pid";
  if (access(kLastPid, W_OK) != 0) {
    e2e::cannot_check("/proc/sys/kernel/ns_last_pid is not writable (needs root)");
    return;
  }
  const e2e::TempDir dir;
  pid_t victim = -1;
  pid_t task = -1;
  char task_state = '?';
  e2e::Options options;
  options.timeout = 30s;
  options.actions = {e2e::Action{500ms, [&](pid_t) {
                                   std::ifstream(dir.file("pid")) >> task;
                                   if (task <= 1) return;
                                   task_state = state_of(task);
                                   // Another process may take the pid first: try a few times while
                                   // it is free.
                                   for (int attempt = 0; attempt < 50 && state_of(task) == '\0';
                                        ++attempt) {
                                     std::ofstream(kLastPid) << task - 1;
                                     const pid_t pid = start_victim();
                                     if (pid == task) {
                                       victim = pid;
                                       return;
                                     }
                                     kill(pid, SIGKILL);
                                     waitpid(pid, nullptr, 0);
                                   }
                                 }}};
  const e2e::Run run =
      e2e::mtask({"run", "--kill-after", "1s",
                  "a=echo $$ >" + dir.file("pid") + "; setsid sh -c 'sleep 3' & exit 0"},
                 options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  REQUIRE(task > 1);
  INFO("the task's state when its pid was wanted: " << task_state);
  if (victim > 0) {
    int status = 0;
    const bool ended = waitpid(victim, &status, WNOHANG) == victim;
    CHECK_FALSE(ended);
    kill(victim, SIGKILL);
    waitpid(victim, nullptr, 0);
  } else {
    // Nobody could take the pid: the task was kept a zombie, unreaped, pinning it.
    CHECK(task_state == 'Z');
  }
}
