// The loop core with plain sources: descriptors handed back with their tokens, deadlines kept.
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "posix/fd.hpp"
#include "run/loop.hpp"
#include "run/watched_outputs.hpp"

using namespace std::chrono_literals;
using mtask::detail::Clock;
using mtask::detail::kNever;
using mtask::detail::Loop;
using mtask::detail::PollSet;
using mtask::detail::Source;
using mtask::detail::TimePoint;

namespace {

/// Watches the given descriptors (token = place in the list) and records what it is told.
class Recording final : public Source {
 public:
  std::vector<int> fds;
  TimePoint when = kNever;
  std::vector<std::pair<std::size_t, short>> seen;
  int expired = 0;

  void watch(PollSet& set) override {
    for (std::size_t i = 0; i < fds.size(); ++i) set.add(fds[i], POLLIN, i);
  }
  TimePoint deadline() const override { return when; }
  void ready(std::size_t token, short revents) override { seen.emplace_back(token, revents); }
  void expire(TimePoint now) override {
    if (now >= when) ++expired;
  }
};

sigset_t current_mask() {
  sigset_t mask;
  sigprocmask(SIG_SETMASK, nullptr, &mask);
  return mask;
}

}  // namespace

TEST_CASE("loop: a ready descriptor goes back to its own source with its token", "[loop]") {
  mtask::posix::Pipe p1;
  mtask::posix::Pipe p2;
  REQUIRE(!mtask::posix::make_pipe(p1));
  REQUIRE(!mtask::posix::make_pipe(p2));
  Recording first;
  Recording second;
  first.fds = {p1.read.get()};
  second.fds = {-1, p2.read.get()};  // a negative descriptor keeps its place
  Loop loop;
  loop.add(first);
  loop.add(second);
  REQUIRE(mtask::posix::write_all(p2.write.get(), "x"));
  loop.wait(current_mask());
  loop.dispatch_ready();
  CHECK(first.seen.empty());
  REQUIRE(second.seen.size() == 1);
  CHECK(second.seen[0].first == 1);
  CHECK((second.seen[0].second & POLLIN) != 0);
}

TEST_CASE("loop: with nothing ready it wakes at the earliest deadline", "[loop]") {
  Recording late;
  Recording early;
  const TimePoint start = Clock::now();
  late.when = start + 10s;
  early.when = start + 30ms;
  Loop loop;
  loop.add(late);
  loop.add(early);
  CHECK(loop.next_deadline() == early.when);
  loop.wait(current_mask());
  const TimePoint woke = Clock::now();
  CHECK(woke >= early.when);
  CHECK(woke < late.when);
  loop.dispatch_ready();
  loop.dispatch_deadlines(woke);
  CHECK(early.expired == 1);
  CHECK(late.expired == 0);
}

TEST_CASE("loop: a watched output whose reader goes away is reported once", "[loop]") {
  mtask::posix::Pipe pipe;
  REQUIRE(!mtask::posix::make_pipe(pipe));
  const std::vector<int> outputs = {pipe.write.get()};
  int hang_ups = 0;
  mtask::detail::WatchedOutputs watched(outputs, [&] { ++hang_ups; });
  Recording soon;  // so that a round with nothing to watch still ends
  Loop loop;
  loop.add(watched);
  loop.add(soon);
  soon.when = Clock::now() + 20ms;
  loop.wait(current_mask());
  loop.dispatch_ready();
  CHECK(hang_ups == 0);  // the reader is still there

  pipe.read.reset();
  for (int round = 0; round < 2; ++round) {
    soon.when = Clock::now() + 20ms;
    loop.wait(current_mask());
    loop.dispatch_ready();
  }
  CHECK(hang_ups == 1);
}
