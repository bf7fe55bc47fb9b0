// LineTurns with pipes that are not read from: their splitters are fed by hand, time is given.
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "run/line_turns.hpp"

using namespace std::chrono_literals;
using mtask::Stream;
using mtask::detail::kNever;
using mtask::detail::LineTurns;
using mtask::detail::TaskPipe;
using mtask::detail::TimePoint;

namespace {

/// A pipe whose lines are cut in pieces of 4 bytes, so that a short text leaves it mid-line.
TaskPipe fake_pipe() {
  TaskPipe pipe;
  pipe.fd.reset(open("/dev/null", O_RDONLY | O_CLOEXEC));
  pipe.lines = mtask::LineSplitter(4);
  return pipe;
}

struct Fixture {
  std::vector<std::string> released;
  LineTurns turns{true, 1s, [this](const LineTurns::Deferred& e) {
                    released.push_back((e.is_exit ? "exit " : "start ") + std::to_string(e.task));
                  }};
  TaskPipe a = fake_pipe();
  TaskPipe b = fake_pipe();
  const TimePoint t0 = TimePoint{} + 100s;

  Fixture() {
    turns.add(a, Stream::kStdout);
    turns.add(b, Stream::kStdout);
  }
  /// Feeds `text` to `pipe` at `at`, as the pipe reader does.
  void feed(TaskPipe& pipe, const std::string& text, TimePoint at) {
    const bool was = pipe.lines.mid_line();
    pipe.last_read = at;
    pipe.lines.feed(text, [](std::string_view, bool) {});
    if (pipe.lines.mid_line() != was) turns.mid_line_changed(Stream::kStdout, !was);
    turns.update(at);
  }
};

}  // namespace

TEST_CASE("line turns: a task mid-line holds stdout until its line ends", "[turns]") {
  Fixture f;
  CHECK(f.turns.may_read(f.a, Stream::kStdout));
  CHECK(f.turns.may_read(f.b, Stream::kStdout));
  f.feed(f.a, "abcdefg", f.t0);  // one piece out, the rest held: mid-line
  CHECK(f.turns.may_read(f.a, Stream::kStdout));
  CHECK_FALSE(f.turns.may_read(f.b, Stream::kStdout));
  CHECK(f.turns.may_read(f.b, Stream::kStderr));  // the other destination is free
  CHECK(f.turns.deadline() == f.t0 + 1s);

  f.turns.deliver({false, 7, 1, 2, 0s});
  CHECK(f.released.empty());  // held while a is mid-line on stdout
  f.feed(f.a, "\n", f.t0 + 10ms);
  CHECK(f.turns.may_read(f.b, Stream::kStdout));
  CHECK(f.released == std::vector<std::string>{"start 7"});
  CHECK(f.turns.deadline() == kNever);
}

TEST_CASE("line turns: a task that stalls mid-line for the limit loses its turn", "[turns]") {
  Fixture f;
  f.feed(f.a, "abcdefg", f.t0);
  f.turns.deliver({true, 3, 1, 2, 0s});
  f.turns.update(f.t0 + 999ms);
  CHECK_FALSE(f.turns.may_read(f.b, Stream::kStdout));
  f.turns.update(f.t0 + 1s);
  CHECK(f.turns.may_read(f.b, Stream::kStdout));
  CHECK(f.released == std::vector<std::string>{"exit 3"});
}

TEST_CASE("line turns: a free turn goes to the first pipe still mid-line", "[turns]") {
  Fixture f;
  f.feed(f.a, "abcdefg", f.t0);
  f.feed(f.b, "abcdefg", f.t0 + 100ms);  // b goes mid-line too, but a holds the turn
  CHECK_FALSE(f.turns.may_read(f.b, Stream::kStdout));
  f.feed(f.a, "\n", f.t0 + 200ms);
  CHECK(f.turns.may_read(f.b, Stream::kStdout));
  CHECK_FALSE(f.turns.may_read(f.a, Stream::kStdout));
  f.turns.remove(f.b, Stream::kStdout);  // b's task ended
  CHECK(f.turns.may_read(f.a, Stream::kStdout));
}

TEST_CASE("line turns: a closed pipe ends its turn", "[turns]") {
  Fixture f;
  f.feed(f.a, "abcdefg", f.t0);
  f.a.fd.reset();
  f.turns.update(f.t0 + 1ms);
  CHECK(f.turns.may_read(f.b, Stream::kStdout));
}

TEST_CASE("line turns: without hold_partial_lines nobody holds a turn", "[turns]") {
  std::vector<std::size_t> released;
  LineTurns turns{false, 1s, [&](const LineTurns::Deferred& e) { released.push_back(e.task); }};
  TaskPipe a = fake_pipe();
  TaskPipe b = fake_pipe();
  turns.add(a, Stream::kStdout);
  turns.add(b, Stream::kStdout);
  a.lines.feed("abcdefg", [](std::string_view, bool) {});
  turns.mid_line_changed(Stream::kStdout, true);
  turns.update(TimePoint{});
  CHECK(turns.may_read(b, Stream::kStdout));
  turns.deliver({false, 1, 0, 0, 0s});
  CHECK(released == std::vector<std::size_t>{1});
}
