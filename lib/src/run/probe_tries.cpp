// The probes' side of the loop: the sockets of tcp: tries and the pipes of probe commands are
// descriptors of the one ppoll, the next try and each limit are deadlines (docs/design.md).
#include <poll.h>

#include <algorithm>

#include <fmt/format.h>

#include "mtask/text/human.hpp"
#include "mtask/text/status.hpp"
#include "posix/process_info.hpp"
#include "run/log.hpp"
#include "run/probe_state.hpp"
#include "run/probes.hpp"
#include "run/wait_status.hpp"

namespace mtask::detail {
namespace {

/// "exit 3", "killed by SIGKILL": how a probe command ended, then its last stderr line.
std::string command_error(int status, const std::string& error_line) {
  const Ending ending = decode_wait_status(status);
  std::string text = ending.outcome == Outcome::kSignaled
                         ? fmt::format("killed by {}", signal_name(ending.signal))
                         : fmt::format("exit {}", ending.code);
  if (!error_line.empty()) text += ": " + error_line;
  return text;
}

}  // namespace

void Probes::watch(PollSet& set) {
  state_->owners.clear();
  for (const State::Watch* w : state_->present) {
    if (!w->active || !w->trying) continue;
    const std::size_t i = w->index;
    if (w->command) {
      for (const std::size_t what : {State::kStdout, State::kStderr}) {
        const int fd = w->command->fd(what == State::kStderr);
        if (fd < 0) continue;
        set.add(fd, POLLIN, state_->owners.size());
        state_->owners.push_back(State::Owner{i, what, w->serial});
      }
      continue;
    }
    for (std::size_t k = 0; k < w->tcp.size(); ++k) {
      if (w->tcp.fd(k) < 0) continue;
      set.add(w->tcp.fd(k), POLLOUT, state_->owners.size());
      state_->owners.push_back(State::Owner{i, k, w->serial});
    }
  }
}

TimePoint Probes::deadline() const {
  if (state_->paused) return kNever;
  TimePoint first = kNever;
  for (const State::Watch* w : state_->present) {
    if (!w->active) continue;
    first = std::min({first, w->deadline, w->trying ? w->try_ends : w->next_try});
  }
  return first;
}

void Probes::ready(std::size_t token, short revents) {
  (void)revents;  // POLLOUT, POLLERR or POLLHUP alike: SO_ERROR or the read tells
  if (token >= state_->owners.size()) return;
  const State::Owner owner = state_->owners[token];
  State::Watch* w = state_->watches[owner.index].get();
  // A verdict or a cancel earlier in this round may have ended that try.
  if (w == nullptr || !w->active || !w->trying || w->serial != owner.serial) return;
  const TimePoint now = Clock::now();
  if (w->command) {
    w->command->read(owner.what == State::kStderr);
    int status = 0;
    // Both pipes closed: it has probably exited; if not, SIGCHLD brings reap() later.
    if (w->command->pipes_closed() && w->command->reap(status)) {
      state_->command_done(*w, status, now);
    }
    return;
  }
  if (w->tcp.finish(owner.what)) {
    state_->conclude(*w, true, {}, now);
  } else if (!w->tcp.running()) {
    state_->tcp_done(*w, now);
  }
}

void Probes::expire(TimePoint now) {
  if (state_->paused) return;
  // A verdict's listener may begin or cancel other probes: that changes no watch's place.
  for (State::Watch* w : state_->present) {
    if (!w->active) continue;
    if (now >= w->deadline) {
      state_->give_up(*w, now);
      continue;
    }
    if (w->trying && now >= w->try_ends) state_->time_out_try(*w, now);
    if (!w->trying && now >= w->next_try) state_->start_try(*w, now);
  }
}

void Probes::reap() {
  const TimePoint now = Clock::now();
  for (State::Watch* w : state_->present) {
    if (!w->active || !w->command || !w->command->running()) continue;
    int status = 0;
    if (w->command->reap(status)) state_->command_done(*w, status, now);
  }
}

void Probes::State::start_try(Watch& w, TimePoint now) {
  ++w.serial;
  ++w.tries;
  w.try_started = now;
  w.trying = true;
  if (w.command) {
    if (const std::error_code error = w.command->start(w.command_task, w.index)) {
      log().warn("cannot start the probe command of task '{}': {}: {}", w.task.name,
                 error.message(), describe_limit(error.value()));
      w.last_error = fmt::format("cannot start it: {}", error.message());
      w.trying = false;
      w.next_try = now + kCommandPause;
      return;
    }
    w.try_ends = std::min(w.deadline, now + kCommandTryLimit);
    log().debug("task '{}': probe {}: try {} runs as pid {}", w.task.name, w.probe.text, w.tries,
                w.command->pid());
    return;
  }
  w.tcp.start(w.addresses);
  if (w.tcp.connected()) {
    conclude(w, true, {}, now);
  } else if (!w.tcp.running()) {
    tcp_done(w, now);
  } else {
    w.try_ends = std::min(w.deadline, now + kTcpTryLimit);
  }
}

void Probes::State::tcp_done(Watch& w, TimePoint now) {
  w.trying = false;
  // No address at all: the look-up of its host failed, and said why.
  if (!w.addresses.empty() || w.last_error.empty()) w.last_error = w.tcp.error();
  w.next_try = std::max(w.try_started + kTcpEvery, now);
  log().debug("task '{}': probe {}: try {}: {}", w.task.name, w.probe.text, w.tries, w.last_error);
}

void Probes::State::command_done(Watch& w, int status, TimePoint now) {
  w.trying = false;
  if (status == 0) {
    log().debug("task '{}': probe {}: try {}: exit 0", w.task.name, w.probe.text, w.tries);
    conclude(w, true, {}, now);
    return;
  }
  w.last_error = command_error(status, w.command->error_line());
  w.next_try = now + kCommandPause;
  log().debug("task '{}': probe {}: try {}: {}", w.task.name, w.probe.text, w.tries, w.last_error);
}

void Probes::State::time_out_try(Watch& w, TimePoint now) {
  if (w.command) {
    const std::string line = w.command->error_line();
    w.command->kill_and_reap();
    w.trying = false;
    w.last_error = fmt::format("still running after {}", human_duration(now - w.try_started));
    if (!line.empty()) w.last_error += ": " + line;
    w.next_try = now + kCommandPause;
    log().debug("task '{}': probe {}: try {}: {}", w.task.name, w.probe.text, w.tries,
                w.last_error);
    return;
  }
  w.tcp.time_out();
  tcp_done(w, now);
}

void Probes::State::stop_try(Watch& w) {
  w.tcp.stop();
  if (w.command) w.command->kill_and_reap();
  w.trying = false;
}

}  // namespace mtask::detail
