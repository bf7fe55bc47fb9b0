// A sink that throws in the middle of a run: the run unwinds and leaves nothing behind — no
// descriptor, no child (running or unreaped), and the signal handling of before.
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/run/runner.hpp"

using namespace std::chrono_literals;

namespace {

std::set<std::string> open_descriptors() {
  std::set<std::string> names;
  DIR* dir = opendir("/proc/self/fd");
  const int own = dirfd(dir);
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != ".." && name != std::to_string(own)) names.insert(name);
  }
  closedir(dir);
  return names;
}

/// Throws from on_line once `lines` lines have been seen, or from on_start once `starts`
/// tasks have started (0: never).
class ThrowingSink final : public mtask::EventSink {
 public:
  ThrowingSink(int lines, int starts) : lines_left_(lines), starts_left_(starts) {}
  void on_start(const mtask::StartEvent& e) override {
    pids.push_back(e.pid);
    if (--starts_left_ == 0) throw std::runtime_error("the sink gives up");
  }
  void on_line(const mtask::LineEvent&) override {
    if (--lines_left_ == 0) throw std::runtime_error("the sink gives up");
  }
  void on_exit(const mtask::ExitEvent&) override {}
  void on_summary(const mtask::SummaryEvent&) override {}
  std::vector<int> pids;

 private:
  int lines_left_;
  int starts_left_;
};

class CountingSink final : public mtask::EventSink {
 public:
  void on_start(const mtask::StartEvent&) override {}
  void on_line(const mtask::LineEvent&) override { ++lines; }
  void on_exit(const mtask::ExitEvent&) override {}
  void on_summary(const mtask::SummaryEvent&) override {}
  int lines = 0;
};

mtask::Task command(const std::string& name, const std::string& text, std::size_t index) {
  return mtask::Task{.name = name, .count = 1, .interval = 0ns, .command = text, .index = index};
}

}  // namespace

TEST_CASE("runner: a sink that throws mid-run leaves no descriptor and no child", "[runner]") {
  struct sigaction before {};
  sigaction(SIGINT, nullptr, &before);
  const std::set<std::string> descriptors = open_descriptors();

  const std::vector<mtask::Task> tasks = {
      mtask::Task{.name = "tick", .count = 100, .interval = 10ms, .index = 0},
      command("sleeper", "sleep 30", 1), command("family", "sleep 30 & sleep 30", 2),
      mtask::Task{.name = "short", .count = 2, .interval = 10ms, .index = 3}};
  mtask::RunOptions options;
  std::size_t expected_starts = tasks.size();
  ThrowingSink sink(0, 0);
  SECTION("from on_line, in the middle of the run") { sink = ThrowingSink(5, 0); }
  SECTION("from on_start, with lines held in turns") {
    options.hold_partial_lines = true;
    sink = ThrowingSink(0, 3);
    expected_starts = 3;
  }
  CHECK_THROWS_WITH(mtask::run_tasks(tasks, options, sink), "the sink gives up");

  CHECK(open_descriptors() == descriptors);
  siginfo_t info{};
  const int rc = waitid(P_ALL, 0, &info, WEXITED | WNOHANG);
  const int wait_errno = errno;
  CHECK(rc == -1);
  CHECK(wait_errno == ECHILD);
  CHECK(sink.pids.size() == expected_starts);
  for (const int pid : sink.pids) {
    const int rc_kill = kill(pid, 0);
    const int kill_errno = errno;
    CHECK(rc_kill == -1);
    CHECK(kill_errno == ESRCH);
  }
  struct sigaction after {};
  sigaction(SIGINT, nullptr, &after);
  CHECK(after.sa_handler == before.sa_handler);

  // The signal guard was given back: another run works.
  CountingSink again;
  CHECK(mtask::run_tasks({mtask::Task{.name = "again", .count = 2, .interval = 1ms, .index = 0}},
                         mtask::RunOptions{}, again) == 0);
  CHECK(again.lines == 2);
}
