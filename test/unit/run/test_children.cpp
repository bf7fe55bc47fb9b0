// Children forks tasks a few in a row: all that it keeps of them is made before the first
// fork, and a row cut short by a system limit starts its first tasks and leaves nothing of the
// others.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <functional>
#include <numeric>
#include <set>
#include <span>
#include <vector>

#include <catch2/catch.hpp>

#include "../open_fds.hpp"
#include "mtask/run/runner.hpp"
#include "posix/signals.hpp"
#include "run/children.hpp"

using namespace std::chrono_literals;
using mtask::detail::Children;
using unit_test::open_fds;

namespace {

/// `n` built-in tasks that print one line and end.
std::vector<mtask::Task> quick_tasks(std::size_t n) {
  std::vector<mtask::Task> tasks;
  for (std::size_t i = 0; i < n; ++i) {
    tasks.push_back(mtask::Task{.name = "t", .count = 1, .interval = 0ns, .index = i});
  }
  return tasks;
}

}  // namespace

TEST_CASE("children: a row of tasks is forked in order, each with its own pid and pipes",
          "[children]") {
  const std::vector<mtask::Task> tasks = quick_tasks(Children::kMaxInRow);
  std::vector<std::size_t> indices(tasks.size());
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  mtask::RunOptions options;
  mtask::detail::SignalGuard signals;
  std::set<pid_t> pids;
  {
    Children children(signals, options, false);
    std::size_t started = 0;
    REQUIRE(children.spawn(tasks, indices, started) == Children::Spawn::kStarted);
    CHECK(started == tasks.size());
    const auto& running = children.running();
    REQUIRE(running.size() == tasks.size());
    for (std::size_t k = 0; k < running.size(); ++k) {
      const mtask::detail::Slot& slot = *running[k];
      CHECK(slot.index == k);
      CHECK(&slot.task == &tasks[k]);
      CHECK(slot.pid > 0);
      pids.insert(slot.pid);
      CHECK(slot.pipe(mtask::Stream::kStdout).open());
      CHECK(slot.pipe(mtask::Stream::kStderr).open());
      if (k > 0) CHECK(running[k - 1]->forked_at <= slot.forked_at);
    }
  }
  CHECK(pids.size() == tasks.size());
  // The destructor reaped them all: no child of this process is left.
  CHECK(waitpid(-1, nullptr, WNOHANG) == -1);
  CHECK(errno == ECHILD);
}

namespace {

/// Runs `body` in a helper process, so that the limits it sets stay there: its exit status.
int in_helper(const std::function<int()>& body) {
  const pid_t helper = fork();
  if (helper < 0) return -1;
  if (helper == 0) _exit(body());
  int status = 0;
  if (waitpid(helper, &status, 0) != helper || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

/// Sets the descriptor limit to leave `spare` descriptors free beyond those open now and the
/// two a Children opens (/dev/null and /proc); false if it cannot.
bool leave_spare(std::size_t spare) {
  const std::size_t open = open_fds();
  const auto limit = static_cast<rlim_t>(open + 2 + spare);
  const rlimit files{limit, limit};
  return setrlimit(RLIMIT_NOFILE, &files) == 0;
}

}  // namespace

TEST_CASE(
    "children: a row cut short by the descriptor limit starts as many tasks as one at "
    "a time would, and leaves no descriptor of the others",
    "[children]") {
  // 12 spare descriptors: each task holds 2 (its read ends) once forked and takes 4 to
  // prepare (two pipes). One at a time, 5 tasks fit (4 x 2 + 4 = 12); a row of 8 prepared at
  // once would stop at 3 (3 x 4) and wait.
  const int status = in_helper([] {
    const std::vector<mtask::Task> tasks = quick_tasks(Children::kMaxInRow);
    std::vector<std::size_t> indices(tasks.size());
    std::iota(indices.begin(), indices.end(), std::size_t{0});
    mtask::RunOptions options;
    mtask::detail::SignalGuard signals;
    const std::size_t before = open_fds();
    if (!leave_spare(12)) return 10;
    Children children(signals, options, false);
    std::size_t started = 0;
    const Children::Spawn spawned = children.spawn(tasks, indices, started);
    if (started != 5) return 11;
    // The limit was hit while tasks run: wait for one of them to end.
    if (spawned != Children::Spawn::kNoRoomYet || children.has_room()) return 12;
    if (children.running().size() != 5) return 13;
    // What is open: /dev/null, /proc and the read ends of the five tasks, nothing more.
    if (open_fds() != before + 2 + 5 * 2) return 14;
    return 0;
  });
  CHECK(status == 0);
}

TEST_CASE("children: a service whose pipes filled the row does not stop the task after it",
          "[children]") {
  // 6 spare descriptors: the service's two pipes and one of the task's fit, not both of the
  // task's. Once the service is forked its write ends close, and the task fits: a limit hit
  // because of the row itself is not one to give up on (only a service runs, so giving up
  // would end the run).
  const int status = in_helper([] {
    std::vector<mtask::Task> tasks = quick_tasks(2);
    tasks[0].service = true;
    const std::vector<std::size_t> indices{0, 1};
    mtask::RunOptions options;
    mtask::detail::SignalGuard signals;
    if (!leave_spare(6)) return 10;
    Children children(signals, options, false);
    std::size_t started = 0;
    if (children.spawn(tasks, indices, started) != Children::Spawn::kStarted) return 11;
    if (started != 2 || children.running().size() != 2) return 12;
    return 0;
  });
  CHECK(status == 0);
}
