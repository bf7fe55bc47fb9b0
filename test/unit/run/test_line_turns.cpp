// LineTurns with pipes that are not read from: their splitters are fed by hand, time is given.
#include <fcntl.h>
#include <unistd.h>

#include <array>
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
  LineTurns turns{
      true, 1s, [this](const LineTurns::Deferred& e) {
        released.push_back((e.kind == LineTurns::Deferred::Kind::kExit ? "exit " : "start ") +
                           std::to_string(e.task));
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
    turns.took(pipe, Stream::kStdout, text.size());
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

  f.turns.deliver({LineTurns::Deferred::Kind::kStart, 7, 1, 2, 0s});
  CHECK(f.released.empty());  // held while a is mid-line on stdout
  f.feed(f.a, "\n", f.t0 + 10ms);
  CHECK(f.turns.may_read(f.b, Stream::kStdout));
  CHECK(f.released == std::vector<std::string>{"start 7"});
  CHECK(f.turns.deadline() == kNever);
}

TEST_CASE("line turns: a task that stalls mid-line for the limit loses its turn", "[turns]") {
  Fixture f;
  f.feed(f.a, "abcdefg", f.t0);
  f.turns.deliver({LineTurns::Deferred::Kind::kExit, 3, 1, 2, 0s});
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
  turns.deliver({LineTurns::Deferred::Kind::kStart, 1, 0, 0, 0s});
  CHECK(released == std::vector<std::size_t>{1});
}

TEST_CASE("line turns: with nobody waiting the holder keeps its turn past the slice", "[turns]") {
  Fixture f;
  f.feed(f.a, "abcdefg", f.t0);
  f.feed(f.a, "hijk", f.t0 + 500ms);  // still mid-line, never stalled
  f.turns.update(f.t0 + 900ms);
  CHECK_FALSE(f.turns.may_read(f.b, Stream::kStdout));  // no other task between the pieces
  CHECK(f.turns.deadline() == f.t0 + 1500ms);           // only the stall limit
}

TEST_CASE("line turns: once another task waits, the turn passes after the slice", "[turns]") {
  const LineTurns::Fairness fair;
  Fixture f;
  mtask::detail::PollSet set;
  f.feed(f.a, "abcdefg", f.t0);
  CHECK_FALSE(f.turns.is_waiting(f.b, Stream::kStdout));
  f.turns.waits(f.b, Stream::kStdout);  // b has data it may not write
  f.turns.waits(f.b, Stream::kStdout);  // told twice: still one waiter
  CHECK(f.turns.is_waiting(f.b, Stream::kStdout));
  CHECK(f.turns.deadline() == f.t0 + fair.quiet);
  // a goes on writing, never quiet for long, until its slice is over.
  TimePoint at = f.t0;
  while (at + fair.quiet / 2 < f.t0 + fair.slice) {
    at += fair.quiet / 2;
    f.feed(f.a, "hi", at);
    CHECK_FALSE(f.turns.may_read(f.b, Stream::kStdout));
  }
  f.feed(f.a, "hi", f.t0 + fair.slice);
  CHECK(f.turns.may_read(f.b, Stream::kStdout));
  CHECK_FALSE(f.turns.is_waiting(f.b, Stream::kStdout));
  // The destination stays free for the next round of reads, though a is still mid-line...
  f.turns.watch(set);
  f.feed(f.a, "lmno", f.t0 + fair.slice + 1ms);
  CHECK(f.turns.may_read(f.b, Stream::kStdout));
  // ...and for as long as b, to which it passed, goes on writing...
  f.feed(f.b, "abcdefg", f.t0 + fair.slice + 2ms);
  f.turns.watch(set);
  f.turns.update(f.t0 + fair.slice + 2ms + fair.free - 1ms);
  CHECK(f.turns.may_read(f.a, Stream::kStdout));
  CHECK(f.turns.may_read(f.b, Stream::kStdout));
  // ...then the turn goes round: to b, which is mid-line now too.
  f.turns.update(f.t0 + fair.slice + 2ms + fair.free);
  CHECK(f.turns.may_read(f.b, Stream::kStdout));
  CHECK_FALSE(f.turns.may_read(f.a, Stream::kStdout));
}

TEST_CASE("line turns: once another task waits, a quiet holder passes the turn", "[turns]") {
  const LineTurns::Fairness fair;
  Fixture f;
  f.feed(f.a, "abcdefg", f.t0);
  f.turns.update(f.t0 + fair.quiet * 2);  // quiet, but nobody waits: the turn stays
  CHECK_FALSE(f.turns.may_read(f.b, Stream::kStdout));
  f.turns.waits(f.b, Stream::kStdout);
  f.turns.update(f.t0 + fair.quiet * 2);
  CHECK(f.turns.may_read(f.b, Stream::kStdout));
}

TEST_CASE("line turns: once another task waits, the byte budget ends the turn", "[turns]") {
  const LineTurns::Fairness fair;
  Fixture f;
  f.feed(f.a, "abcdefg", f.t0);
  f.turns.waits(f.b, Stream::kStdout);
  f.feed(f.a, std::string(fair.budget - 1, 'x'), f.t0 + 1ms);
  CHECK_FALSE(f.turns.may_read(f.b, Stream::kStdout));
  f.feed(f.a, "x", f.t0 + 2ms);  // the budget is spent
  CHECK(f.turns.may_read(f.b, Stream::kStdout));
}

TEST_CASE("line turns: a holder waiting for its other destination passes at once", "[turns]") {
  LineTurns turns{true, 1s, [](const LineTurns::Deferred&) {}};
  std::array<TaskPipe, 2> up{fake_pipe(), fake_pipe()};    // task 0: stdout, stderr
  std::array<TaskPipe, 2> down{fake_pipe(), fake_pipe()};  // task 1
  const TimePoint t0 = TimePoint{} + 100s;
  for (Stream s : {Stream::kStdout, Stream::kStderr}) {
    turns.add(up[static_cast<std::size_t>(s)], s, 0);
    turns.add(down[static_cast<std::size_t>(s)], s, 1);
  }
  const auto feed = [&](TaskPipe& pipe, Stream s) {
    pipe.last_read = t0;
    pipe.lines.feed("abcdefg", [](std::string_view, bool) {});
    turns.mid_line_changed(s, true);
    turns.update(t0);
  };
  feed(up[0], Stream::kStdout);    // up holds stdout
  feed(down[1], Stream::kStderr);  // down holds stderr
  CHECK_FALSE(turns.may_read(down[0], Stream::kStdout));
  CHECK_FALSE(turns.may_read(up[1], Stream::kStderr));
  turns.waits(up[1], Stream::kStderr);  // up waits for stderr...
  turns.update(t0 + 1ms);
  CHECK_FALSE(turns.may_read(up[1], Stream::kStderr));  // ...down, not waiting, keeps it
  turns.waits(down[0], Stream::kStdout);  // down waits for stdout: each waits for the other
  turns.update(t0 + 2ms);
  CHECK(turns.may_read(down[0], Stream::kStdout));  // both turns pass at once
  CHECK(turns.may_read(up[1], Stream::kStderr));
}

TEST_CASE("line turns: mtask's own lines waiting for stdout end a turn too", "[turns]") {
  const LineTurns::Fairness fair;
  Fixture f;
  f.feed(f.a, "abcdefg", f.t0);
  f.turns.deliver({LineTurns::Deferred::Kind::kExit, 3, 1, 2, 0s});
  CHECK(f.turns.deadline() == f.t0 + fair.quiet);
  f.turns.update(f.t0 + fair.quiet);
  CHECK(f.released == std::vector<std::string>{"exit 3"});
}

TEST_CASE("line turns: when the holder's task ends, the pipes that waited are free", "[turns]") {
  Fixture f;
  f.feed(f.a, "abcdefg", f.t0);
  f.turns.waits(f.b, Stream::kStdout);
  f.turns.remove(f.a, Stream::kStdout);
  CHECK(f.turns.may_read(f.b, Stream::kStdout));
  CHECK_FALSE(f.turns.is_waiting(f.b, Stream::kStdout));  // polled again from now on
}
