#pragma once
// What Probes keeps of each task it watches: shared by probes.cpp (the seam: begin, line,
// cancel, verdicts) and probe_tries.cpp (the loop's side: descriptors, deadlines, tries).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mtask/grammar/probe.hpp"
#include "run/line_probe.hpp"
#include "run/probe_command.hpp"
#include "run/probes.hpp"
#include "run/tcp_probe.hpp"

namespace mtask::detail {

/// tcp: a try starts this long after the one before started (or when it ended, if later).
inline constexpr auto kTcpEvery = std::chrono::milliseconds(100);
/// tcp: how long one try waits for its connects.
inline constexpr auto kTcpTryLimit = std::chrono::seconds(1);
/// cmd: how long one try of the command may run (less when the probe's time is up sooner).
inline constexpr auto kCommandTryLimit = std::chrono::seconds(5);
/// cmd: the next try starts this long after the last one ended.
inline constexpr auto kCommandPause = std::chrono::milliseconds(250);

struct Probes::State {
  /// The probe of one task (tcp:, line: or cmd:) and where it stands.
  struct Watch {
    Watch(std::size_t i, const Task& t, Probe p, Children& children)
        : index(i), task(t), probe(std::move(p)) {
      if (probe.kind == Probe::Kind::kLine) matcher = std::make_unique<LineMatcher>(probe.pattern);
      if (probe.kind == Probe::Kind::kCmd) command = std::make_unique<ProbeCommand>(children);
    }

    std::size_t index;  // the task's place in the run's list
    const Task& task;
    Probe probe;
    bool active = false;  // between begin() and its verdict or cancel()
    bool trying = false;  // a try runs (tcp:, cmd:)
    TimePoint deadline = kNever;
    Clock::duration limit{};  // deadline less the task's start: said in the verdict
    TimePoint next_try = kNever;
    TimePoint try_started{};
    TimePoint try_ends = kNever;
    std::uint32_t tries = 0;
    std::uint64_t serial = 0;  // tells a try's descriptors from an earlier try's
    std::string last_error;    // why the last try failed, for the verdict
    // tcp:
    bool resolved = false;
    std::vector<TcpAddress> addresses;
    TcpTry tcp;
    // line:
    std::unique_ptr<LineMatcher> matcher;
    // cmd:
    Task command_task;
    std::unique_ptr<ProbeCommand> command;
  };

  /// Whose descriptor a token of the poll set is: a socket of a tcp: try (its address) or a
  /// pipe of a probe command (kStdout, kStderr).
  struct Owner {
    std::size_t index;
    std::size_t what;
    std::uint64_t serial;
  };
  static constexpr std::size_t kStdout = 0;
  static constexpr std::size_t kStderr = 1;

  State(Children& c, Tell t) : children(c), tell(std::move(t)) {}

  void start_try(Watch& w, TimePoint now);
  void tcp_done(Watch& w, TimePoint now);
  void command_done(Watch& w, int status, TimePoint now);
  void time_out_try(Watch& w, TimePoint now);
  void give_up(Watch& w, TimePoint now);
  void stop_try(Watch& w);
  void conclude(Watch& w, bool ready, std::string why, TimePoint now);
  void resolve(Watch& w);

  Children& children;
  Tell tell;
  std::vector<std::unique_ptr<Watch>> watches;  // one per task; null when none watches it
  // The watches there are, in task order: what each round looks at, so that a round costs
  // nothing per task that no probe watches (docs/performance.md, "Scaling").
  std::vector<Watch*> present;
  std::vector<Owner> owners;
  bool paused = false;
  TimePoint paused_at{};
};

}  // namespace mtask::detail
