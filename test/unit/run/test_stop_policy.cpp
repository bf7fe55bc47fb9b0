// StopPolicy on a fake clock: which signals go out, and when reading is given up.
#include <csignal>
#include <vector>

#include <catch2/catch.hpp>

#include "run/stop_policy.hpp"

using namespace std::chrono_literals;
using mtask::detail::kNever;
using mtask::detail::StopPolicy;
using mtask::detail::TimePoint;

namespace {

struct Fixture {
  std::vector<int> sent;
  StopPolicy policy{2s, [this](int sig) { sent.push_back(sig); }};
  const TimePoint t0 = TimePoint{} + 100s;
};

}  // namespace

TEST_CASE("stop policy: TERM, KILL after kill_after, then reading is given up", "[stop]") {
  Fixture f;
  CHECK(f.policy.deadline() == kNever);
  CHECK_FALSE(f.policy.stopping());
  f.policy.stop(f.t0);
  CHECK(f.sent == std::vector<int>{SIGTERM, SIGCONT});
  CHECK(f.policy.stopping());
  CHECK(f.policy.deadline() == f.t0 + 2s);
  CHECK_FALSE(f.policy.expire(f.t0 + 1s));  // not due yet
  CHECK(f.sent.size() == 2);
  CHECK_FALSE(f.policy.expire(f.t0 + 2s));
  CHECK(f.sent == std::vector<int>{SIGTERM, SIGCONT, SIGKILL});
  CHECK(f.policy.deadline() == f.t0 + 4s);
  CHECK(f.policy.expire(f.t0 + 4s));  // give up reading
  CHECK(f.policy.deadline() == kNever);
  CHECK_FALSE(f.policy.expire(f.t0 + 100s));
  CHECK(f.sent.size() == 3);
  CHECK_FALSE(f.policy.timed_out());
}

TEST_CASE("stop policy: a second stop does not start again", "[stop]") {
  Fixture f;
  f.policy.stop(f.t0);
  f.policy.stop(f.t0 + 1s);
  CHECK(f.sent == std::vector<int>{SIGTERM, SIGCONT});
  CHECK(f.policy.deadline() == f.t0 + 2s);
}

TEST_CASE("stop policy: a timeout starts the stop and marks it timed out", "[stop]") {
  Fixture f;
  f.policy.set_timeout(f.t0 + 5s);
  CHECK(f.policy.deadline() == f.t0 + 5s);
  CHECK_FALSE(f.policy.expire(f.t0 + 4s));
  CHECK_FALSE(f.policy.timed_out());
  CHECK_FALSE(f.policy.expire(f.t0 + 5s));
  CHECK(f.policy.timed_out());
  // SIGCONT right after SIGTERM: a stopped task runs its TERM handler.
  CHECK(f.sent == std::vector<int>{SIGTERM, SIGCONT});
  CHECK(f.policy.deadline() == f.t0 + 7s);
}

TEST_CASE("stop policy: reaping cancels the timeout", "[stop]") {
  Fixture f;
  f.policy.set_timeout(f.t0 + 5s);
  f.policy.on_reaped(f.t0 + 1s, false);
  CHECK(f.policy.deadline() == kNever);
  CHECK_FALSE(f.policy.expire(f.t0 + 10s));
  CHECK_FALSE(f.policy.timed_out());
  CHECK(f.sent.empty());
}

TEST_CASE("stop policy: pipes held after reaping get kill_after, then the stop", "[stop]") {
  Fixture f;
  f.policy.on_reaped(f.t0, true);
  CHECK(f.policy.deadline() == f.t0 + 2s);
  CHECK_FALSE(f.policy.expire(f.t0 + 2s));
  CHECK(f.sent == std::vector<int>{SIGTERM, SIGCONT});
  CHECK_FALSE(f.policy.timed_out());
}

TEST_CASE("stop policy: a task already stopping gets no grace when reaped", "[stop]") {
  Fixture f;
  f.policy.stop(f.t0);
  f.policy.on_reaped(f.t0 + 1s, true);
  CHECK(f.policy.deadline() == f.t0 + 2s);  // the stop's own next step, no drain
}

TEST_CASE("stop policy: with no grace, TERM and KILL go out together", "[stop]") {
  std::vector<int> sent;
  StopPolicy policy{0s, [&](int sig) { sent.push_back(sig); }};
  const TimePoint t0 = TimePoint{} + 1s;
  policy.set_timeout(t0);
  CHECK_FALSE(policy.expire(t0));
  CHECK(sent == std::vector<int>{SIGTERM, SIGCONT, SIGKILL});
  CHECK(policy.expire(t0));
}

TEST_CASE("stop policy: no timeout passes while paused; the time paused does not count",
          "[stop][pause]") {
  Fixture f;
  f.policy.set_timeout(f.t0 + 2s);
  f.policy.pause(f.t0 + 1s);
  CHECK(f.policy.paused());
  CHECK(f.policy.deadline() == kNever);
  CHECK_FALSE(f.policy.expire(f.t0 + 5s));  // past the timeout, but paused
  CHECK_FALSE(f.policy.timed_out());
  CHECK(f.sent.empty());
  f.policy.pause(f.t0 + 3s);  // a second pause keeps the first start
  f.policy.resume(f.t0 + 4s);
  CHECK_FALSE(f.policy.paused());
  // 1 s ran before the pause, 3 s were paused: 1 s is left.
  CHECK(f.policy.deadline() == f.t0 + 5s);
  CHECK_FALSE(f.policy.expire(f.t0 + 4900ms));
  CHECK_FALSE(f.policy.timed_out());
  CHECK_FALSE(f.policy.expire(f.t0 + 5s));
  CHECK(f.policy.timed_out());
  CHECK(f.sent == std::vector<int>{SIGTERM, SIGCONT});
}

TEST_CASE("stop policy: the steps of a stop and the grace pause too", "[stop][pause]") {
  Fixture f;
  f.policy.stop(f.t0);
  f.policy.pause(f.t0 + 1s);
  CHECK_FALSE(f.policy.expire(f.t0 + 10s));  // SIGKILL would have been due at t0 + 2s
  CHECK(f.sent == std::vector<int>{SIGTERM, SIGCONT});
  f.policy.resume(f.t0 + 11s);
  CHECK(f.policy.deadline() == f.t0 + 12s);
  CHECK_FALSE(f.policy.expire(f.t0 + 12s));
  CHECK(f.sent == std::vector<int>{SIGTERM, SIGCONT, SIGKILL});

  Fixture g;
  g.policy.on_reaped(g.t0, true);  // leftovers hold the pipes: a grace of kill_after
  g.policy.pause(g.t0 + 1s);
  g.policy.resume(g.t0 + 6s);
  CHECK(g.policy.deadline() == g.t0 + 7s);
}

TEST_CASE("stop policy: a stop begun while paused counts from the pause", "[stop][pause]") {
  Fixture f;
  f.policy.pause(f.t0);
  f.policy.stop(f.t0 + 3s);  // the run's clock stands at t0
  CHECK(f.sent == std::vector<int>{SIGTERM, SIGCONT});
  CHECK(f.policy.deadline() == kNever);
  f.policy.resume(f.t0 + 5s);
  CHECK(f.policy.deadline() == f.t0 + 7s);  // kill_after of run time after the pause ended
}

TEST_CASE("stop policy: resume without a pause changes nothing", "[stop][pause]") {
  Fixture f;
  f.policy.set_timeout(f.t0 + 2s);
  f.policy.resume(f.t0 + 1s);
  CHECK(f.policy.deadline() == f.t0 + 2s);
}
