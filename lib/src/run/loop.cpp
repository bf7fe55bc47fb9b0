#include "run/loop.hpp"

#include <signal.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

namespace mtask::detail {

void PollSet::add(int fd, short events, std::size_t token) {
  fds_.push_back(pollfd{fd, events, 0});
  owners_.push_back(Owner{current_, token});
}

TimePoint Loop::next_deadline() const {
  TimePoint next = kNever;
  for (const Source* source : sources_) next = std::min(next, source->deadline());
  return next;
}

void Loop::wait(const sigset_t& wait_mask) {
  set_.fds_.clear();
  set_.owners_.clear();
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    set_.current_ = i;
    sources_[i]->watch(set_);
  }
  const TimePoint deadline = next_deadline();
  timespec timeout{};
  timespec* timeout_ptr = nullptr;
  if (deadline != kNever) {
    const auto left = std::max(deadline - Clock::now(), Clock::duration::zero());
    const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timeout.tv_sec = static_cast<time_t>(nanos / 1'000'000'000);
    timeout.tv_nsec = static_cast<long>(nanos % 1'000'000'000);
    timeout_ptr = &timeout;
  }
  ready_ = ppoll(set_.fds_.data(), set_.fds_.size(), timeout_ptr, &wait_mask);
  if (ready_ < 0 && errno != EINTR) throw fmt::system_error(errno, "ppoll");
  if (ready_ > 0) take_pending(wait_mask);
}

void Loop::take_pending(const sigset_t& wait_mask) {
  // ppoll() runs a handler only when it returns EINTR: when a descriptor is ready at once it
  // puts the old mask back with the signal still pending. Tasks that write without a pause
  // keep a pipe always ready, so a signal the wait lets through would never be taken.
  sigset_t pending;
  if (sigpending(&pending) != 0) throw fmt::system_error(errno, "sigpending");
  bool any = false;
  for (int sig = 1; sig < NSIG && !any; ++sig) {
    any = sigismember(&pending, sig) == 1 && sigismember(&wait_mask, sig) == 0;
  }
  if (!any) return;
  // A look with no descriptors and no time: the handlers run, and the ready descriptors
  // found above are dispatched as usual.
  const timespec now{};
  if (ppoll(nullptr, 0, &now, &wait_mask) < 0 && errno != EINTR) {
    throw fmt::system_error(errno, "ppoll");
  }
}

void Loop::dispatch_ready() {
  if (ready_ <= 0) return;
  for (std::size_t i = 0; i < set_.fds_.size(); ++i) {
    if (set_.fds_[i].revents == 0) continue;
    const PollSet::Owner owner = set_.owners_[i];
    sources_[owner.source]->ready(owner.token, set_.fds_[i].revents);
  }
}

void Loop::dispatch_deadlines(TimePoint now) {
  for (Source* source : sources_) source->expire(now);
}

}  // namespace mtask::detail
