// The readiness probes' seam with the run: a task's probe begins, hears its lines, is
// cancelled, and tells one verdict (docs/smoke.md, "Readiness probes"; docs/design.md).
#include "run/probes.hpp"

#include <csignal>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/text/human.hpp"
#include "run/children.hpp"
#include "run/log.hpp"
#include "run/probe_state.hpp"

namespace mtask::detail {
namespace {

/// Whether `host` (of tcp:HOST:PORT; empty for tcp:PORT) is this machine.
bool is_this_machine(const std::string& host) {
  return host.empty() || host == "127.0.0.1" || host == "::1" || host == "localhost";
}

/// How long the check for a port already taken waits for its connect.
constexpr int kTakenPortWaitMs = 100;

}  // namespace

Probes::Probes(const std::vector<Task>& tasks, const std::vector<Probe>& probes, Children& children,
               Tell tell)
    : state_(std::make_unique<State>(children, std::move(tell))) {
  state_->watches.resize(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (!probes[i].watches()) continue;
    auto w = std::make_unique<State::Watch>(i, tasks[i], probes[i], children);
    // Only a tcp:HOST:PORT probe has a host to look up.
    w->resolved = w->probe.kind != Probe::Kind::kTcp || w->probe.host.empty();
    if (w->probe.kind == Probe::Kind::kTcp && w->probe.host.empty()) {
      w->addresses = loopback_addresses(w->probe.port);
    }
    if (w->probe.kind == Probe::Kind::kCmd) {
      // A small task of its own: run once, with the env and cwd of the task it watches.
      Task& c = w->command_task;
      c.name = tasks[i].name;
      c.count = 1;
      c.interval = Duration{0};
      c.command = w->probe.command;
      c.index = tasks[i].index;
      c.env = tasks[i].env;
      c.cwd = tasks[i].cwd;
    }
    state_->present.push_back(w.get());
    state_->watches[i] = std::move(w);
  }
}

Probes::~Probes() {
  for (const auto& w : state_->watches) {
    if (w) state_->stop_try(*w);
  }
}

void Probes::resolve_hosts() {
  for (const auto& w : state_->watches) {
    if (!w || w->resolved) continue;
    state_->resolve(*w);
    if (w->addresses.empty()) {
      throw UsageError(fmt::format("task '{}': ready {}: the host does not resolve ({})",
                                   w->task.name, w->probe.text, w->last_error));
    }
  }
  warn_taken_ports();
}

void Probes::warn_taken_ports() const {
  // A service's tcp: probe on this machine would pass for a server left there by someone else,
  // before the service has even bound the port (docs/smoke.md, "Readiness probes").
  for (const auto& w : state_->watches) {
    if (!w || !w->task.service || w->probe.kind != Probe::Kind::kTcp ||
        !is_this_machine(w->probe.host) || !accepts_now(w->addresses, kTakenPortWaitMs)) {
      continue;
    }
    log().warn(
        "port {} already accepts connections before '{}' starts: its tcp: probe may pass for "
        "whatever listens there",
        w->probe.port, w->task.name);
  }
}

void Probes::State::resolve(Watch& w) {
  w.resolved = true;
  w.addresses = resolve_host(w.probe.host, w.probe.port, w.last_error);
  log().debug("task '{}': {} resolves to {}", w.task.name, w.probe.text,
              count_of(w.addresses.size(), "address", "addresses"));
}

void Probes::begin(std::size_t index, TimePoint forked_at, TimePoint deadline) {
  if (index >= state_->watches.size() || !state_->watches[index]) return;
  State::Watch& w = *state_->watches[index];
  state_->stop_try(w);
  const TimePoint now = Clock::now();
  w.active = true;
  w.deadline = deadline;
  w.limit = deadline == kNever ? Clock::duration{} : deadline - forked_at;
  w.tries = 0;
  w.last_error.clear();
  // The first try is made by the loop's next expire(): tries start in one place only.
  w.next_try = w.probe.kind == Probe::Kind::kLine ? kNever : now;
  w.try_ends = kNever;
  if (!w.resolved) state_->resolve(w);  // resolve_hosts() was not called: look it up now
  log().debug("task '{}': probe {} begins{}", w.task.name, w.probe.text,
              deadline == kNever ? std::string(", with no time limit")
                                 : fmt::format(", for {}", human_duration(deadline - now)));
}

void Probes::line(std::size_t index, std::string_view text) {
  if (index >= state_->watches.size() || !state_->watches[index]) return;
  State::Watch& w = *state_->watches[index];
  if (!w.active || !w.matcher) return;
  ++w.tries;
  const bool match = w.matcher->matches(text);
  log().debug("task '{}': probe {}: line {} {}", w.task.name, w.probe.text, w.tries,
              match ? "matches" : "does not match");
  if (match) state_->conclude(w, true, {}, Clock::now());
}

bool Probes::hears_lines(std::size_t index) const {
  if (index >= state_->watches.size() || !state_->watches[index]) return false;
  const State::Watch& w = *state_->watches[index];
  return w.active && w.matcher != nullptr;
}

void Probes::cancel(std::size_t index) {
  if (index >= state_->watches.size() || !state_->watches[index]) return;
  State::Watch& w = *state_->watches[index];
  if (!w.active) return;
  state_->stop_try(w);
  w.active = false;
  log().debug("task '{}': probe {} ends with no verdict", w.task.name, w.probe.text);
}

void Probes::cancel_all() {
  for (std::size_t i = 0; i < state_->watches.size(); ++i) cancel(i);
}

void Probes::pause(TimePoint now) {
  state_->paused = true;
  state_->paused_at = now;
  // A probe command stops with the tasks (Ctrl-Z): unreaped until the loop runs again, its pid
  // still pins its group.
  for (const auto& w : state_->watches) {
    if (w && w->command && w->command->running()) kill(-w->command->pid(), SIGSTOP);
  }
}

void Probes::resume(TimePoint now) {
  if (!state_->paused) return;
  state_->paused = false;
  for (const auto& w : state_->watches) {
    if (w && w->command && w->command->running()) kill(-w->command->pid(), SIGCONT);
  }
  const auto paused = now - state_->paused_at;
  for (const auto& w : state_->watches) {
    if (!w) continue;
    for (TimePoint* t : {&w->deadline, &w->next_try, &w->try_ends, &w->try_started}) {
      if (*t != kNever) *t += paused;
    }
  }
}

void Probes::State::conclude(Watch& w, bool ready, std::string why, TimePoint now) {
  stop_try(w);
  w.active = false;
  if (ready) {
    log().info("task '{}' is ready ({}) after {}", w.task.name, w.probe.text,
               count_of(w.tries, "try", "tries"));
  } else {
    log().info("task '{}' is {}", w.task.name, why);
  }
  // Last: the one who hears it may begin or cancel probes.
  tell(ProbeVerdict{w.index, ready, std::move(why), w.tries, now});
}

void Probes::State::give_up(Watch& w, TimePoint now) {
  // A try cut short by the probe's end says less than the last one that ended.
  if (w.trying && w.last_error.empty()) {
    if (w.tcp.running()) w.tcp.time_out();
    w.last_error = w.command
                       ? fmt::format("still running after {}", human_duration(now - w.try_started))
                       : w.tcp.error();
    if (w.command && !w.command->error_line().empty()) {
      w.last_error += ": " + w.command->error_line();
    }
  }
  if (w.matcher) {
    w.last_error = w.tries == 0 ? std::string("it printed no line")
                                : fmt::format("no match in {}", count_of(w.tries, "line"));
  }
  if (w.last_error.empty()) w.last_error = "no try ended in time";
  conclude(w, false,
           fmt::format("not ready after {} ({}): {}", human_duration(w.limit), w.probe.text,
                       w.last_error),
           now);
}

}  // namespace mtask::detail
