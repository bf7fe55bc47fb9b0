#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mtask/grammar/probe.hpp"
#include "mtask/grammar/task.hpp"
#include "run/loop.hpp"

namespace mtask::detail {

class Children;

/// What a probe found out about task `index`: it is ready, or it will never be.
struct ProbeVerdict {
  std::size_t index;
  bool ready;
  /// When not ready: why, for the reports, e.g.
  /// "not ready after 30 s (tcp:8000): connection refused" (docs/smoke.md).
  std::string why;
  std::uint32_t tries;  ///< connections tried, commands run, or lines matched against
  TimePoint at;
};

/// The readiness probes that watch running tasks: tcp:, line: and cmd: (docs/smoke.md,
/// "Readiness probes"). One source of the run's loop: connecting sockets and the pipes of probe
/// commands are its descriptors; the next try and each task's ready timeout are its deadlines.
/// No thread and no blocking call: a connect is non-blocking, a probe command is a child
/// forked like a task (its own group, in the guardian's care, never taken for an adoptee),
/// reaped by reap() and killed when its try or its probe ends.
class Probes final : public Source {
 public:
  using Tell = std::function<void(const ProbeVerdict&)>;

  /// `tasks`: the run's tasks, and `probes` each one's probe as parsed (probe_of); `tell` hears
  /// each verdict, from expire(), ready(), line() or reap(), once per begin().
  Probes(const std::vector<Task>& tasks, const std::vector<Probe>& probes, Children& children,
         Tell tell);
  Probes(const Probes&) = delete;
  Probes& operator=(const Probes&) = delete;
  /// Kills and reaps every probe command and closes every socket.
  ~Probes();

  /// Before anything is forked: resolves the HOST of every tcp:HOST:PORT probe (the one
  /// blocking look-up of a run). Throws UsageError naming the task and its probe when a host
  /// does not resolve. Then warns (warn_taken_ports()) of ports already taken.
  void resolve_hosts();
  /// Warns, through the run's log, of each service's tcp: probe on this machine whose port
  /// already accepts connections: the probe may pass for another program. One connect each,
  /// waited for at most 100 ms.
  void warn_taken_ports() const;
  /// Task `index`, forked at `forked_at`, has started (its hello came): its probe (tcp:, line:
  /// or cmd:) begins now, and gives up at `deadline` (kNever: no limit).
  void begin(std::size_t index, TimePoint forked_at, TimePoint deadline);
  /// A line, or a piece of a long one, of task `index`'s output: a line: probe matches it.
  void line(std::size_t index, std::string_view text);
  /// Whether line() would look at task `index`'s lines now (its line: probe is active): the
  /// run hands lines over one by one only then.
  bool hears_lines(std::size_t index) const;
  /// Task `index` ended or is being stopped: its probe ends with no verdict.
  void cancel(std::size_t index);
  /// Every probe ends with no verdict (the run stops).
  void cancel_all();
  /// After SIGCHLD: reaps the probe commands that have exited; each tells its verdict.
  void reap();
  /// Job control: the run is stopped from `now` until resume(): deadlines stand still.
  void pause(TimePoint now);
  void resume(TimePoint now);

  void watch(PollSet& set) override;
  TimePoint deadline() const override;
  void ready(std::size_t token, short revents) override;
  void expire(TimePoint now) override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mtask::detail
