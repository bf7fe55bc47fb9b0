// The plan a command task's child runs from: built in the parent, only read (and its iteration
// digits rewritten) after fork.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "run/child.hpp"
#include "run/exec_plan.hpp"

using namespace std::chrono_literals;
using mtask::detail::ExecPlan;

namespace {

mtask::Task command_task(std::string name, std::uint64_t count, std::string command) {
  return mtask::Task{
      .name = std::move(name), .count = count, .interval = 0ms, .command = std::move(command)};
}

std::vector<std::string> strings_of(char* const* array) {
  std::vector<std::string> strings;
  for (; *array != nullptr; ++array) strings.emplace_back(*array);
  return strings;
}

std::size_t count_starting(const std::vector<std::string>& entries, const std::string& prefix) {
  return static_cast<std::size_t>(std::count_if(
      entries.begin(), entries.end(), [&](const std::string& e) { return e.starts_with(prefix); }));
}

/// The value of the last entry NAME=VALUE in `entries`.
std::string value_of(const std::vector<std::string>& entries, const std::string& name) {
  std::string value;
  for (const std::string& e : entries) {
    if (e.starts_with(name + "=")) value = e.substr(name.size() + 1);
  }
  return value;
}

std::string iteration_of(const ExecPlan& plan) {
  return value_of(strings_of(plan.envp()), "MTASK_ITERATION");
}

std::string read_all(int fd) {
  std::string text;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = read(fd, buffer, sizeof buffer)) > 0)
    text.append(buffer, static_cast<std::size_t>(n));
  close(fd);
  return text;
}

/// How a forked child that ran `body` ended, and what it wrote.
struct Ended {
  int status = 0;
  std::string out;
  std::string err;
  pid_t pid = -1;
};

/// Forks; the child takes two pipes as stdout and stderr and runs `body(its pid)`, which must
/// end the process (as every task body does).
template <typename Body>
Ended run_in_child(Body body) {
  int out[2];
  int err[2];
  REQUIRE(pipe(out) == 0);
  REQUIRE(pipe(err) == 0);
  Ended ended;
  ended.pid = fork();
  REQUIRE(ended.pid >= 0);
  if (ended.pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    close(out[0]);
    close(out[1]);
    close(err[0]);
    close(err[1]);
    body(getpid());
    _exit(99);  // a body that returned
  }
  close(out[1]);
  close(err[1]);
  ended.out = read_all(out[0]);
  ended.err = read_all(err[0]);
  while (waitpid(ended.pid, &ended.status, 0) < 0 && errno == EINTR) {
  }
  return ended;
}

int exit_code(const Ended& ended) {
  return WIFEXITED(ended.status) ? WEXITSTATUS(ended.status) : -1;
}

}  // namespace

TEST_CASE("an exec plan runs sh -c COMMAND", "[exec_plan]") {
  const ExecPlan plan(command_task("t", 1, "echo hi; exit 3"), nullptr);
  CHECK(strings_of(plan.argv()) == std::vector<std::string>{"sh", "-c", "echo hi; exit 3"});
}

TEST_CASE("an exec plan's environment has exactly one of each MTASK_ variable",
          "[exec_plan][env]") {
  const char* const environment[] = {"HOME=/root",         "MTASK_TASK=old",
                                     "PATH=/usr/bin:/bin", "MTASK_ITERATION=7",
                                     "MTASK_COUNT=9",      "MTASK_TASK=older",
                                     "MTASK_TASKS=kept",   "NOT_AN_ASSIGNMENT",
                                     "MTASK_E2E=x",        nullptr};
  const ExecPlan plan(command_task("sing", 5, "true"), environment);
  const std::vector<std::string> envp = strings_of(plan.envp());

  CHECK(count_starting(envp, "MTASK_TASK=") == 1);
  CHECK(count_starting(envp, "MTASK_COUNT=") == 1);
  CHECK(count_starting(envp, "MTASK_ITERATION=") == 1);
  CHECK(value_of(envp, "MTASK_TASK") == "sing");
  CHECK(value_of(envp, "MTASK_COUNT") == "5");
  CHECK(value_of(envp, "MTASK_ITERATION") == "1");
  // Everything else is kept, in its order, before mtask's own three.
  CHECK(envp == std::vector<std::string>{"HOME=/root", "PATH=/usr/bin:/bin", "MTASK_TASKS=kept",
                                         "NOT_AN_ASSIGNMENT", "MTASK_E2E=x", "MTASK_TASK=sing",
                                         "MTASK_COUNT=5", "MTASK_ITERATION=1"});
}

TEST_CASE("an exec plan replaces an inherited MTASK_RUN with the run's own", "[exec_plan][env]") {
  const char* const environment[] = {"MTASK_RUN=outer:4", "HOME=/root", nullptr};
  const ExecPlan plan(command_task("t", 1, "true"), environment, "/bin/sh", "MTASK_RUN=inner:2");
  const std::vector<std::string> envp = strings_of(plan.envp());
  CHECK(count_starting(envp, "MTASK_RUN=") == 1);
  CHECK(value_of(envp, "MTASK_RUN") == "inner:2");
  CHECK(envp.back() == "MTASK_RUN=inner:2");
}

TEST_CASE("a task's env replaces inherited variables of its names, once each", "[exec_plan][env]") {
  const char* const environment[] = {"FOO=outer", "HOME=/root", "FOOD=kept", nullptr};
  mtask::Task task = command_task("t", 1, "true");
  task.env = {{"FOO", "inner value"}, {"EMPTY", ""}};
  const ExecPlan plan(task, environment);
  const std::vector<std::string> envp = strings_of(plan.envp());
  CHECK(envp == std::vector<std::string>{"HOME=/root", "FOOD=kept", "FOO=inner value", "EMPTY=",
                                         "MTASK_TASK=t", "MTASK_COUNT=1", "MTASK_ITERATION=1"});
}

TEST_CASE("a task's env cannot set mtask's own variables", "[exec_plan][env]") {
  const char* const environment[] = {"HOME=/root", nullptr};
  mtask::Task task = command_task("t", 1, "true");
  task.env = {{"MTASK_TASK", "other"}, {"MTASK_RUN", "x"}, {"KEPT", "1"}};
  const ExecPlan plan(task, environment);
  CHECK(strings_of(plan.envp()) == std::vector<std::string>{"HOME=/root", "KEPT=1", "MTASK_TASK=t",
                                                            "MTASK_COUNT=1", "MTASK_ITERATION=1"});
}

TEST_CASE("the message of a cwd the child cannot enter reads as strerror would say it",
          "[exec_plan][message]") {
  char buffer[512];
  CHECK(mtask::detail::cannot_enter_message("web", "/gone", ENOENT, buffer) ==
        "mtask: task 'web': cannot change to directory /gone: No such file or directory\n");
}

TEST_CASE("an exec plan with no environment has only mtask's variables", "[exec_plan][env]") {
  const char* const empty[] = {nullptr};
  const ExecPlan plan(command_task("t", 1'000'000'000, "true"), empty);
  CHECK(strings_of(plan.envp()) ==
        std::vector<std::string>{"MTASK_TASK=t", "MTASK_COUNT=1000000000", "MTASK_ITERATION=1"});
}

TEST_CASE("setting the iteration rewrites its digits in place", "[exec_plan][env]") {
  ExecPlan plan(command_task("t", 3, "true"), nullptr);
  char* const* const envp = plan.envp();
  const char* const entry = envp[2];
  for (const auto& [number, text] : std::vector<std::pair<std::uint64_t, std::string>>{
           {1, "1"},
           {9, "9"},
           {10, "10"},
           {18446744073709551615u, "18446744073709551615"},
           {2, "2"}}) {
    plan.set_iteration(number);
    CHECK(iteration_of(plan) == text);
  }
  // The same array and the same entry: nothing was rebuilt.
  CHECK(plan.envp() == envp);
  CHECK(plan.envp()[2] == entry);
}

TEST_CASE("an exec plan's messages read as strerror would say them", "[exec_plan][message]") {
  const ExecPlan plan(command_task("唱歌", 2, "true"), nullptr);
  char buffer[512];
  CHECK(plan.cannot_run_message(ENOENT, buffer) ==
        "mtask: task '唱歌': cannot run /bin/sh: " + std::string(std::strerror(ENOENT)) + "\n");
  CHECK(plan.fork_failed_message(7, EAGAIN, buffer) ==
        "mtask: task '唱歌': fork for iteration 7: " + std::string(std::strerror(EAGAIN)) + "\n");
  CHECK(plan.fork_failed_message(18446744073709551615u, 4242, buffer) ==
        "mtask: task '唱歌': fork for iteration 18446744073709551615: " +
            std::string(std::strerror(4242)) + "\n");
  CHECK(plan.cannot_run_message(-5, buffer).ends_with(std::string(std::strerror(-5)) + "\n"));
}

TEST_CASE("a message too long for its buffer is cut but ends its line", "[exec_plan][message]") {
  const ExecPlan plan(command_task("t", 2, "true"), nullptr);
  char buffer[16];
  CHECK(plan.cannot_run_message(ENOENT, buffer) == "mtask: task 't'\n");  // 16 bytes
}

TEST_CASE("a command task runs COUNT shells with their iteration", "[exec_plan][command]") {
  ExecPlan plan(command_task("w", 3, "echo $MTASK_TASK $MTASK_ITERATION/$MTASK_COUNT $PPID"),
                environ);
  const Ended ended =
      run_in_child([&](pid_t self) { mtask::detail::run_command_task(plan, self); });
  CHECK(exit_code(ended) == 0);
  const std::string monitor = std::to_string(ended.pid);
  CHECK(ended.out == "w 1/3 " + monitor + "\nw 2/3 " + monitor + "\nw 3/3 " + monitor + "\n");
  CHECK(ended.err.empty());
}

TEST_CASE("a command task that runs once becomes the shell", "[exec_plan][command]") {
  ExecPlan plan(command_task("once", 1, "echo $$ $MTASK_ITERATION/$MTASK_COUNT"), environ);
  const Ended ended =
      run_in_child([&](pid_t self) { mtask::detail::run_command_task(plan, self); });
  CHECK(exit_code(ended) == 0);
  CHECK(ended.out == std::to_string(ended.pid) + " 1/1\n");
}

TEST_CASE("a command task of COUNT 0 runs nothing", "[exec_plan][command]") {
  ExecPlan plan(command_task("none", 0, "echo ran"), environ);
  const Ended ended =
      run_in_child([&](pid_t self) { mtask::detail::run_command_task(plan, self); });
  CHECK(exit_code(ended) == 0);
  CHECK(ended.out.empty());
}

TEST_CASE("a command task stops at the first failing iteration", "[exec_plan][command]") {
  ExecPlan plan(
      command_task("f", 5, "echo $MTASK_ITERATION; test $MTASK_ITERATION -lt 2 || exit 7"),
      environ);
  const Ended ended =
      run_in_child([&](pid_t self) { mtask::detail::run_command_task(plan, self); });
  CHECK(exit_code(ended) == 7);
  CHECK(ended.out == "1\n2\n");
}

TEST_CASE("a command task killed by a signal dies by the same signal", "[exec_plan][command]") {
  ExecPlan plan(command_task("k", 5, "test $MTASK_ITERATION -lt 2 || kill -TERM $$"), environ);
  const Ended ended =
      run_in_child([&](pid_t self) { mtask::detail::run_command_task(plan, self); });
  REQUIRE(WIFSIGNALED(ended.status));
  CHECK(WTERMSIG(ended.status) == SIGTERM);
}

TEST_CASE("a shell that cannot run ends the task with 127 and says why", "[exec_plan][command]") {
  for (const std::uint64_t count : {1u, 3u}) {
    ExecPlan plan(command_task("n", count, "true"), environ, "/nonexistent/sh");
    const Ended ended =
        run_in_child([&](pid_t self) { mtask::detail::run_command_task(plan, self); });
    CHECK(exit_code(ended) == 127);
    CHECK(ended.err == "mtask: task 'n': cannot run /nonexistent/sh: " +
                           std::string(std::strerror(ENOENT)) + "\n");
  }
}
