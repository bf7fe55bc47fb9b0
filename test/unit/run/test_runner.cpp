// The runner as a library: real processes, events received through the EventSink interface.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <future>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "../open_fds.hpp"
#include "mtask/run/runner.hpp"

using namespace std::chrono_literals;

namespace {

/// Records every event as a short string, e.g. "start sing", "line sing sing... (1/3)".
class Recorder final : public mtask::EventSink {
 public:
  void on_start(const mtask::StartEvent& e) override {
    events.push_back("start " + e.task.name);
    ppids.push_back(e.ppid);
    ++running;
    max_running = std::max(max_running, running);
  }
  void on_line(const mtask::LineEvent& e) override {
    events.push_back("line " + e.task.name + " " + std::string(e.text));
  }
  void on_exit(const mtask::ExitEvent& e) override {
    events.push_back("exit " + e.task.name);
    --running;
  }
  void on_summary(const mtask::SummaryEvent& e) override {
    events.push_back("summary");
    failed = e.failed;
    results = e.results;
  }

  bool flush() override {
    ++flushes;
    return true;
  }

  std::vector<std::string> events;
  std::vector<int> ppids;
  int flushes = 0;
  std::vector<mtask::TaskResult> results;
  std::size_t failed = 0;
  int running = 0;
  int max_running = 0;
};

mtask::Task builtin(const std::string& name, std::uint64_t count, std::chrono::nanoseconds interval,
                    std::size_t index) {
  return mtask::Task{.name = name, .count = count, .interval = interval, .index = index};
}

}  // namespace

TEST_CASE("runner: each task starts, prints its lines in order, then exits", "[runner]") {
  const std::vector<mtask::Task> tasks = {builtin("sing", 3, 10ms, 0),
                                          builtin("dance", 2, 10ms, 1)};
  Recorder recorder;
  const int status = mtask::run_tasks(tasks, mtask::RunOptions{}, recorder);
  CHECK(status == 0);
  REQUIRE(recorder.events.size() == 2 + 5 + 2 + 1);
  CHECK(recorder.events.back() == "summary");
  for (const std::string name : {"sing", "dance"}) {
    std::vector<std::string> mine;
    for (const std::string& event : recorder.events) {
      if (event.find(" " + name) != std::string::npos) mine.push_back(event);
    }
    REQUIRE(mine.size() >= 3);
    CHECK(mine.front() == "start " + name);
    CHECK(mine.back() == "exit " + name);
    CHECK(mine[1] == "line " + name + " " + name + "... (1/" + (name == "sing" ? "3)" : "2)"));
  }
  // The PPID each child saw is this process.
  for (int ppid : recorder.ppids) CHECK(ppid == getpid());
}

TEST_CASE("runner: results carry the exit code, the signal and the rusage", "[runner]") {
  const std::vector<mtask::Task> tasks = {
      mtask::Task{.name = "ok", .count = 1, .interval = 0ns, .command = "exit 0", .index = 0},
      mtask::Task{.name = "three", .count = 1, .interval = 0ns, .command = "exit 3", .index = 1},
      mtask::Task{
          .name = "segv", .count = 1, .interval = 0ns, .command = "kill -SEGV $$", .index = 2}};
  Recorder recorder;
  CHECK(mtask::run_tasks(tasks, mtask::RunOptions{}, recorder) == 1);
  REQUIRE(recorder.results.size() == 3);
  CHECK(recorder.results[0].outcome == mtask::Outcome::kExited);
  CHECK(recorder.results[0].code == 0);
  CHECK(recorder.results[1].code == 3);
  CHECK(recorder.results[2].outcome == mtask::Outcome::kSignaled);
  CHECK(recorder.results[2].signal == SIGSEGV);
  CHECK(recorder.failed == 2);
  for (const mtask::TaskResult& r : recorder.results) {
    CHECK(r.pid > 0);
    CHECK(r.ppid == getpid());
    CHECK(r.max_rss_kb > 0);
    CHECK(r.wall > 0ns);
  }
}

TEST_CASE("runner: never more than --jobs tasks at once", "[runner]") {
  std::vector<mtask::Task> tasks;
  for (std::size_t i = 0; i < 6; ++i) tasks.push_back(builtin("t" + std::to_string(i), 1, 50ms, i));
  Recorder recorder;
  mtask::RunOptions options;
  options.jobs = 2;
  CHECK(mtask::run_tasks(tasks, options, recorder) == 0);
  CHECK(recorder.max_running == 2);
}

TEST_CASE("runner: a run leaves no descriptor open and restores signal handling", "[runner]") {
  struct sigaction before {};
  sigaction(SIGINT, nullptr, &before);
  sigset_t mask_before;
  sigprocmask(SIG_SETMASK, nullptr, &mask_before);
  const std::size_t descriptors = unit_test::open_fds();

  const std::vector<mtask::Task> tasks = {
      builtin("a", 2, 5ms, 0),
      mtask::Task{.name = "b", .count = 2, .interval = 5ms, .command = "echo b", .index = 1},
      mtask::Task{
          .name = "c", .count = 1, .interval = 0ns, .command = "sleep 5 & echo c", .index = 2}};
  Recorder recorder;
  mtask::RunOptions options;
  options.kill_after = 100ms;
  CHECK(mtask::run_tasks(tasks, options, recorder) == 0);

  CHECK(unit_test::open_fds() == descriptors);
  struct sigaction after {};
  sigaction(SIGINT, nullptr, &after);
  CHECK(after.sa_handler == before.sa_handler);
  sigset_t mask_after;
  sigprocmask(SIG_SETMASK, nullptr, &mask_after);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE}) {
    CHECK(sigismember(&mask_after, sig) == sigismember(&mask_before, sig));
  }
}

TEST_CASE("runner: refuses to fork from a process with several threads", "[runner]") {
  std::promise<void> release;
  std::thread other([done = release.get_future()]() mutable { done.wait(); });
  Recorder recorder;
  const std::vector<mtask::Task> tasks = {builtin("a", 1, 0ns, 0)};
  CHECK_THROWS_AS(mtask::run_tasks(tasks, mtask::RunOptions{}, recorder), std::logic_error);
  release.set_value();
  other.join();
  CHECK(recorder.events.empty());
}

TEST_CASE("runner: wake_every flushes the sink while every task is silent", "[runner]") {
  const std::vector<mtask::Task> tasks = {builtin("quiet", 1, 1s, 0)};
  Recorder without;
  CHECK(mtask::run_tasks(tasks, mtask::RunOptions{}, without) == 0);
  Recorder with;
  mtask::RunOptions options;
  options.wake_every = 100ms;
  CHECK(mtask::run_tasks(tasks, options, with) == 0);
  // About ten wake-ups in the one silent second; generous bounds for a loaded machine.
  CHECK(with.flushes >= without.flushes + 5);
  CHECK(with.flushes <= without.flushes + 40);
}

TEST_CASE(
    "runner: adopting orphans stops them, leaves the caller's own children alone, and is "
    "set back after",
    "[runner]") {
  const pid_t own = fork();
  if (own == 0) {
    usleep(100'000);
    _exit(7);
  }
  REQUIRE(own > 0);
  const std::vector<mtask::Task> tasks = {mtask::Task{
      .name = "escape", .command = "setsid sleep 30 >/dev/null 2>&1 & echo $!; sleep 0.3"}};
  Recorder recorder;
  mtask::RunOptions options;
  options.adopt_orphans = true;
  CHECK(mtask::run_tasks(tasks, options, recorder) == 0);
  // The caller's child ended during the run; its status is still the caller's to take.
  int status = 0;
  CHECK(waitpid(own, &status, WNOHANG) == own);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 7);
  int subreaper = -1;
  REQUIRE(prctl(PR_GET_CHILD_SUBREAPER, &subreaper, 0, 0, 0) == 0);
  CHECK(subreaper == 0);
  // What left the task's group was adopted, killed and reaped.
  REQUIRE(recorder.events.size() >= 2);
  const std::string line = recorder.events[1];
  REQUIRE(line.rfind("line escape ", 0) == 0);
  const pid_t escaped = static_cast<pid_t>(std::stol(line.substr(12)));
  CHECK(kill(escaped, 0) != 0);
}

namespace {

/// Records each start and exit with its attempt, e.g. "start bad 1/2", "exit bad 1 retrying".
class AttemptRecorder final : public mtask::EventSink {
 public:
  void on_start(const mtask::StartEvent& e) override {
    events.push_back("start " + e.task.name + " " + std::to_string(e.attempt) + "/" +
                     std::to_string(e.max_attempts));
  }
  void on_exit(const mtask::ExitEvent& e) override {
    events.push_back("exit " + e.task.name + " " + std::to_string(e.result.attempt) +
                     (e.retrying ? " retrying" : ""));
  }
  void on_summary(const mtask::SummaryEvent& e) override { flaky = e.flaky; }

  std::vector<std::string> events;
  std::size_t flaky = 0;
};

}  // namespace

TEST_CASE("runner: a failed task runs again, its own retries winning over the run's",
          "[runner][retries]") {
  std::vector<mtask::Task> tasks = {
      mtask::Task{.name = "bad", .count = 1, .interval = 0ns, .command = "exit 1", .index = 0},
      mtask::Task{.name = "once", .count = 1, .interval = 0ns, .command = "exit 2", .index = 1}};
  tasks[1].retries = 0;
  mtask::RunOptions options;
  options.jobs = 1;
  options.retries = 1;
  AttemptRecorder recorder;
  CHECK(mtask::run_tasks(tasks, options, recorder) == 1);
  CHECK(recorder.events == std::vector<std::string>{"start bad 1/2", "exit bad 1 retrying",
                                                    "start bad 2/2", "exit bad 2", "start once 1/1",
                                                    "exit once 1"});
  CHECK(recorder.flaky == 0);
}
