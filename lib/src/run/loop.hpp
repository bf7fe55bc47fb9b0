#pragma once

#include <poll.h>
#include <signal.h>

#include <chrono>
#include <cstddef>
#include <vector>

namespace mtask::detail {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
inline constexpr TimePoint kNever = TimePoint::max();

/// The descriptors one round waits on; each remembers which source asked, and with what token.
class PollSet {
 public:
  /// Watches `fd` for `events` (0: only POLLERR/POLLHUP/POLLNVAL); a negative fd is skipped by
  /// poll but keeps its place.
  void add(int fd, short events, std::size_t token);

 private:
  friend class Loop;
  struct Owner {
    std::size_t source;
    std::size_t token;
  };
  std::vector<pollfd> fds_;
  std::vector<Owner> owners_;
  std::size_t current_ = 0;  // the source adding now
};

/// Something the loop waits for: descriptors to watch, a time to act at, or both. The loop
/// knows no more of it than this, so new kinds (readiness probes, adopted processes) are new
/// sources, not new code in the loop.
class Source {
 public:
  virtual ~Source() = default;
  /// Adds this round's descriptors to `set`.
  virtual void watch(PollSet& set) { (void)set; }
  /// The earliest time the source needs to act at; kNever when none.
  virtual TimePoint deadline() const { return kNever; }
  /// A descriptor added with `token` has `revents` (never 0).
  virtual void ready(std::size_t token, short revents) {
    (void)token;
    (void)revents;
  }
  /// After each wait, whether or not a deadline passed: act on what is due at `now`.
  virtual void expire(TimePoint now) { (void)now; }
};

/// One thread's wait: builds the poll set from its sources, waits with ppoll until the first
/// deadline, with signals let through only inside the wait, then hands out what happened.
class Loop {
 public:
  /// Adds a source; it must outlive the loop's use of it. Sources are asked in this order.
  void add(Source& source) { sources_.push_back(&source); }

  /// Waits once: until a descriptor is ready, a deadline passes or a signal arrives (let in by
  /// `wait_mask`). Throws std::system_error when ppoll fails for another reason than EINTR.
  void wait(const sigset_t& wait_mask);
  /// Hands each ready descriptor of the last wait to its source, in the order they were added.
  void dispatch_ready();
  /// Lets every source act on its deadlines.
  void dispatch_deadlines(TimePoint now);
  /// The earliest deadline of every source.
  TimePoint next_deadline() const;

 private:
  /// After a wait that found descriptors ready: lets in the signals the wait would have let in
  /// and that are pending, so that their handlers run this round.
  static void take_pending(const sigset_t& wait_mask);

  std::vector<Source*> sources_;
  PollSet set_;
  int ready_ = 0;
};

/// Makes the loop's next wait a mere look (a deadline already past: ppoll with no timeout)
/// while it is on.
class Hurry final : public Source {
 public:
  bool on = false;
  TimePoint deadline() const override { return on ? TimePoint{} : kNever; }
};

/// Wakes the loop every `every` (0: never) even when nothing happens, so that the caller's
/// per-round work (a live progress line) runs.
class Ticker final : public Source {
 public:
  explicit Ticker(Clock::duration every) : every_(every) {}
  TimePoint deadline() const override {
    return every_.count() > 0 ? Clock::now() + every_ : kNever;
  }

 private:
  Clock::duration every_;
};

}  // namespace mtask::detail
