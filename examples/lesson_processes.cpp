// The multitasking lesson with mtask::core instead of Python's multiprocessing:
//
//   sing_process = multiprocessing.Process(target=sing, args=(3,))
//   dance_process = multiprocessing.Process(target=dance, kwargs={"num": 3})
//   sing_process.start(); dance_process.start()
//   sing_process.join(); dance_process.join()
//
// Each task is a child process; the sink below prints what the lesson prints with os.getpid()
// and os.getppid(). run_tasks() starts every task and joins them all before it returns.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "mtask/events.hpp"
#include "mtask/grammar/task.hpp"
#include "mtask/run/runner.hpp"

namespace {

using namespace std::chrono_literals;

/// Prints the PIDs each child saw and its lines, as the lesson's processes print them.
class LessonPrinter final : public mtask::EventSink {
 public:
  void on_start(const mtask::StartEvent& e) override {
    std::printf("%s process: pid %d, parent pid %d%s\n", e.task.name.c_str(), e.pid, e.ppid,
                e.ppid == getpid() ? " (that is the main process)" : "");
  }
  void on_line(const mtask::LineEvent& e) override {
    std::printf("  [%s %d] %.*s\n", e.task.name.c_str(), e.pid, static_cast<int>(e.text.size()),
                e.text.data());
  }
  void on_exit(const mtask::ExitEvent& e) override {
    std::printf("%s process %d joined: exit %d after %.2f s\n", e.task.name.c_str(), e.result.pid,
                e.result.code, mtask::to_seconds(e.result.wall));
  }
  bool flush() override { return std::fflush(stdout) == 0; }
};

double run(const std::vector<mtask::Task>& tasks, std::size_t jobs) {
  LessonPrinter printer;
  const auto start = std::chrono::steady_clock::now();
  mtask::RunOptions options;
  options.jobs = jobs;  // 0: start all at once; 1: start one, join it, then the next
  const int status = mtask::run_tasks(tasks, options, printer);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("all joined, status %d, after %.2f s\n\n", status, wall);
  return wall;
}

}  // namespace

int main() {
  std::printf("main process: pid %d\n\n", getpid());
  // Positional arguments, like args=(3,): name, count, interval.
  const mtask::Task sing{"sing", 3, 500ms};
  // Named arguments, like kwargs={"num": 3}: designated initializers.
  const mtask::Task dance{.name = "dance", .count = 3, .interval = 500ms, .index = 1};

  std::printf("-- start both, then join both (they take turns at printing):\n");
  const double together = run({sing, dance}, 0);
  std::printf("-- start one and join it before starting the next (-j 1):\n");
  const double in_turn = run({sing, dance}, 1);
  std::printf("together %.2f s, one after the other %.2f s\n", together, in_turn);
  return 0;
}
