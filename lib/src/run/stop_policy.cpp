#include "run/stop_policy.hpp"

#include <algorithm>
#include <csignal>

namespace mtask::detail {

void StopPolicy::on_reaped(TimePoint now, bool pipes_open) {
  now = run_time(now);
  timeout_at_ = kNever;
  if (pipes_open && step_ == Step::kNone) drain_until_ = now + kill_after_;
}

void StopPolicy::stop(TimePoint now) {
  if (step_ == Step::kNone) step(run_time(now));
}

TimePoint StopPolicy::deadline() const {
  if (paused()) return kNever;
  return std::min({timeout_at_, drain_until_, next_step_});
}

void StopPolicy::pause(TimePoint now) {
  if (!paused()) paused_at_ = now;
}

void StopPolicy::resume(TimePoint now) {
  if (!paused()) return;
  const auto stopped_for = std::max(now - paused_at_, Clock::duration::zero());
  paused_at_ = kNever;
  for (TimePoint* at : {&timeout_at_, &drain_until_, &next_step_}) {
    if (*at != kNever) *at += stopped_for;
  }
}

bool StopPolicy::expire(TimePoint now) {
  if (paused()) return false;
  bool give_up = false;
  if (now >= timeout_at_) {
    timeout_at_ = kNever;
    timed_out_ = true;
    if (step_ == Step::kNone) give_up = step(now);
  }
  if (now >= drain_until_) {
    drain_until_ = kNever;
    if (step_ == Step::kNone) give_up = step(now) || give_up;
  }
  if (now >= next_step_) give_up = step(now) || give_up;
  return give_up;
}

bool StopPolicy::step(TimePoint now) {
  switch (step_) {
    case Step::kNone:
      // A task stopped by a signal would not act on SIGTERM until continued: SIGCONT right
      // after it lets its handler run (docs/reliability.md, "stopping a task").
      kill_(SIGTERM);
      kill_(SIGCONT);
      step_ = Step::kTermSent;
      next_step_ = now + kill_after_;
      return false;
    case Step::kTermSent:
      kill_(SIGKILL);
      step_ = Step::kKillSent;
      next_step_ = now + kill_after_;
      return false;
    case Step::kKillSent:
      break;
  }
  next_step_ = kNever;
  return true;
}

}  // namespace mtask::detail
