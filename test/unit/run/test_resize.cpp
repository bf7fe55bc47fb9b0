// The runner and a resized terminal window: RunOptions::on_resize (docs/reliability.md).
#include <signal.h>

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/run/runner.hpp"

using namespace std::chrono_literals;

namespace {

/// Raises SIGWINCH when the first line arrives, as a resize would while tasks run.
class Resizer final : public mtask::EventSink {
 public:
  void on_line(const mtask::LineEvent&) override {
    if (!raised) raise(SIGWINCH);
    raised = true;
  }
  bool raised = false;
};

const std::vector<mtask::Task> kTasks = {
    mtask::Task{.name = "a", .count = 3, .interval = 100ms, .index = 0}};

}  // namespace

TEST_CASE("runner: on_resize is called after SIGWINCH, between rounds", "[runner][resize]") {
  Resizer sink;
  int resized = 0;
  mtask::RunOptions options;
  options.on_resize = [&] { ++resized; };
  CHECK(mtask::run_tasks(kTasks, options, sink) == 0);
  CHECK(sink.raised);
  CHECK(resized == 1);
}

TEST_CASE("runner: without on_resize SIGWINCH is left as it was", "[runner][resize]") {
  struct sigaction before {};
  sigaction(SIGWINCH, nullptr, &before);
  Resizer sink;
  CHECK(mtask::run_tasks(kTasks, mtask::RunOptions{}, sink) == 0);  // SIG_DFL: ignored
  struct sigaction after {};
  sigaction(SIGWINCH, nullptr, &after);
  CHECK(after.sa_handler == before.sa_handler);
}
