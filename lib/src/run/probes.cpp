// A STAND-IN until the real probes land (another branch): only line: probes, and the ready
// timeout of every watching probe; tcp: and cmd: probes never tell a verdict but at their
// deadline. Replaced as a whole by the real implementation.
#include "run/probes.hpp"

#include <regex.h>

#include <string>

#include <fmt/format.h>

namespace mtask::detail {

struct Probes::State {
  struct Watch {
    Probe probe;
    bool compiled = false;
    regex_t regex{};
    bool on = false;
    TimePoint began{};
    TimePoint deadline = kNever;
    std::uint32_t tries = 0;
  };
  std::vector<Watch> watches;
  Tell tell;
  TimePoint paused_at = kNever;
};

Probes::Probes(const std::vector<Task>& tasks, Children& children, Tell tell)
    : state_(std::make_unique<State>()) {
  (void)children;
  state_->tell = std::move(tell);
  state_->watches.resize(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    State::Watch& w = state_->watches[i];
    w.probe = probe_of(tasks[i]);
    if (w.probe.kind == Probe::Kind::kLine) {
      w.compiled = regcomp(&w.regex, w.probe.pattern.c_str(), REG_EXTENDED | REG_NOSUB) == 0;
    }
  }
}

Probes::~Probes() {
  for (State::Watch& w : state_->watches) {
    if (w.compiled) regfree(&w.regex);
  }
}

void Probes::resolve_hosts() {}

void Probes::begin(std::size_t index, TimePoint deadline) {
  State::Watch& w = state_->watches[index];
  w.on = true;
  w.began = Clock::now();
  w.deadline = deadline;
  w.tries = 0;
}

void Probes::line(std::size_t index, std::string_view text) {
  State::Watch& w = state_->watches[index];
  if (!w.on || !w.compiled) return;
  ++w.tries;
  const std::string copy(text);
  if (regexec(&w.regex, copy.c_str(), 0, nullptr, 0) != 0) return;
  w.on = false;
  state_->tell(ProbeVerdict{index, true, {}, w.tries, Clock::now()});
}

void Probes::cancel(std::size_t index) { state_->watches[index].on = false; }

void Probes::cancel_all() {
  for (State::Watch& w : state_->watches) w.on = false;
}

void Probes::reap() {}

void Probes::pause(TimePoint now) { state_->paused_at = now; }

void Probes::resume(TimePoint now) {
  if (state_->paused_at == kNever) return;
  for (State::Watch& w : state_->watches) {
    if (w.deadline != kNever) w.deadline += now - state_->paused_at;
  }
  state_->paused_at = kNever;
}

void Probes::watch(PollSet& set) { (void)set; }

TimePoint Probes::deadline() const {
  TimePoint next = kNever;
  for (const State::Watch& w : state_->watches) {
    if (w.on) next = std::min(next, w.deadline);
  }
  return next;
}

void Probes::ready(std::size_t token, short revents) {
  (void)token;
  (void)revents;
}

void Probes::expire(TimePoint now) {
  if (state_->paused_at != kNever) return;
  for (std::size_t i = 0; i < state_->watches.size(); ++i) {
    State::Watch& w = state_->watches[i];
    if (!w.on || w.deadline > now) continue;
    w.on = false;
    const double after = std::chrono::duration<double>(w.deadline - w.began).count();
    state_->tell(ProbeVerdict{
        i, false, fmt::format("not ready after {:g} s ({})", after, w.probe.text), w.tries, now});
  }
}

}  // namespace mtask::detail
