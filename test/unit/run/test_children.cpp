// Children forks tasks a few in a row: all that it keeps of them is made before the first
// fork, and a row cut short by a system limit starts its first tasks and leaves nothing of the
// others.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <numeric>
#include <set>
#include <span>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/run/runner.hpp"
#include "posix/signals.hpp"
#include "run/children.hpp"

using namespace std::chrono_literals;
using mtask::detail::Children;

namespace {

/// `n` built-in tasks that print one line and end.
std::vector<mtask::Task> quick_tasks(std::size_t n) {
  std::vector<mtask::Task> tasks;
  for (std::size_t i = 0; i < n; ++i) {
    tasks.push_back(mtask::Task{.name = "t", .count = 1, .interval = 0ns, .index = i});
  }
  return tasks;
}

/// The descriptors this process has open.
std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++n;
  }
  return n;
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

TEST_CASE(
    "children: a row cut short by the descriptor limit starts its first tasks and "
    "leaves no descriptor of the others",
    "[children]") {
  // In a helper process, so that the limit stays there.
  const pid_t helper = fork();
  REQUIRE(helper >= 0);
  if (helper == 0) {
    const std::vector<mtask::Task> tasks = quick_tasks(Children::kMaxInRow);
    std::vector<std::size_t> indices(tasks.size());
    std::iota(indices.begin(), indices.end(), std::size_t{0});
    mtask::RunOptions options;
    mtask::detail::SignalGuard signals;
    // /dev/null and /proc, then room for the pipes of three tasks (two pipes of two ends
    // each) before the fourth's first pipe fails; one more for the count of open_fds.
    const std::size_t before = open_fds() - 1;
    const auto limit = static_cast<rlim_t>(before + 2 + 3 * 4 + 1);
    const rlimit files{limit, limit};
    if (setrlimit(RLIMIT_NOFILE, &files) != 0) _exit(10);
    Children children(signals, options, false);
    std::size_t started = 0;
    const Children::Spawn spawned = children.spawn(tasks, indices, started);
    if (started != 3) _exit(11);
    // The limit was hit while tasks run: wait for one of them to end.
    if (spawned != Children::Spawn::kNoRoomYet || children.has_room()) _exit(12);
    if (children.running().size() != 3) _exit(13);
    // What is open: /dev/null, /proc and the read ends of the three tasks, nothing more.
    if (open_fds() - 1 != before + 2 + 3 * 2) _exit(14);
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(helper, &status, 0) == helper);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
