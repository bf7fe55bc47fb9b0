// OutputQueues with outputs that only count: what is queued, what was written, whether dropped.
#include <cstddef>
#include <vector>

#include <catch2/catch.hpp>

#include "run/output_queues.hpp"

using namespace std::chrono_literals;
using mtask::detail::Clock;
using mtask::detail::kNever;
using mtask::detail::OutputQueues;
using mtask::detail::TimePoint;

namespace {

/// A queue the test fills; its reader takes `takes` bytes at each write_queued().
struct FakeOutput final : mtask::QueuedOutput {
  std::size_t bytes = 0;
  std::size_t takes = 0;
  bool dropped = false;
  int queued_fd() const override { return bytes > 0 ? 99 : -1; }
  std::size_t queued() const override { return bytes; }
  void write_queued() override { bytes -= std::min(bytes, takes); }
  void drop() override {
    dropped = true;
    bytes = 0;
  }
};

}  // namespace

TEST_CASE("output queues: a long queue pauses the tasks' pipes", "[queues]") {
  FakeOutput out;
  OutputQueues queues({&out}, 2s);
  CHECK(queues.empty());
  CHECK_FALSE(queues.backed_up());
  out.bytes = 1000;
  CHECK_FALSE(queues.empty());
  CHECK_FALSE(queues.backed_up());
  out.bytes = 256 * 1024;
  CHECK(queues.backed_up());
}

TEST_CASE("output queues: nothing is dropped while no stop is under way", "[queues]") {
  FakeOutput out;
  out.bytes = 1000;
  OutputQueues queues({&out}, 2s);
  CHECK(queues.deadline() == kNever);
  queues.expire(Clock::now() + 1h);
  CHECK_FALSE(out.dropped);
  CHECK(out.bytes == 1000);
}

TEST_CASE("output queues: during a stop, a reader that takes nothing loses the rest", "[queues]") {
  FakeOutput stuck;
  FakeOutput fine;
  stuck.bytes = 1000;
  OutputQueues queues({&stuck, &fine}, 2s);
  const TimePoint since = Clock::now() + 1h;  // later than any progress seen
  queues.lose_patience(since);
  queues.lose_patience(since + 1s);  // the first stop counts
  CHECK_FALSE(queues.patient());
  CHECK(queues.deadline() == since + 2s);
  queues.expire(since + 2s - 1ms);
  CHECK_FALSE(stuck.dropped);
  queues.expire(since + 2s);
  CHECK(stuck.dropped);
  CHECK_FALSE(fine.dropped);  // nothing queued there: nothing to give up
  CHECK(queues.empty());
  CHECK(queues.deadline() == kNever);
}

TEST_CASE("output queues: a reader that takes something is given more time", "[queues]") {
  FakeOutput slow;
  slow.bytes = 1000;
  slow.takes = 10;
  OutputQueues queues({&slow}, 2s);
  mtask::detail::PollSet set;
  queues.watch(set);
  const TimePoint since = Clock::now() - 1s;  // the stop began a second ago
  queues.lose_patience(since);
  CHECK(queues.deadline() <= since + 2s);
  queues.ready(0, POLLOUT);  // the reader took 10 bytes, now
  CHECK(queues.deadline() > since + 2s);
  CHECK(slow.bytes == 990);
}

TEST_CASE("output queues: the time stopped by Ctrl-Z does not count against a reader", "[queues]") {
  FakeOutput stuck;
  stuck.bytes = 1000;
  OutputQueues queues({&stuck}, 2s);
  const TimePoint since = Clock::now() + 1h;
  queues.lose_patience(since);
  // Stopped 1 s into the patience, for 10 s: 1 s of it is left after fg.
  queues.resume(10s);
  CHECK(queues.deadline() == since + 12s);
  queues.expire(since + 11s);
  CHECK_FALSE(stuck.dropped);
  queues.expire(since + 12s);
  CHECK(stuck.dropped);
}
