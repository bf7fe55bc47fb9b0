#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mtask/grammar/duration.hpp"
#include "mtask/grammar/task.hpp"

namespace mtask {

/// How long a probe that watches a running task (tcp:, line:, cmd:) waits for it by default.
inline constexpr Duration kDefaultReadyTimeout = std::chrono::seconds(30);

/// When a task is ready for the tasks that need it (docs/smoke.md, "Readiness probes").
struct Probe {
  enum class Kind {
    kExit,     ///< "exit": it ended with status 0 (the default of a task that is no service)
    kStarted,  ///< a service without a probe: once it has started (never written)
    kTcp,      ///< "tcp:PORT", "tcp:HOST:PORT": a connection to the port succeeds
    kLine,     ///< "line:REGEX": a line of its output matches (POSIX extended, unanchored)
    kCmd,      ///< "cmd:COMMAND": the command, run with sh -c, exits 0
  };
  Kind kind = Kind::kExit;
  std::string host{};      ///< tcp: as written; empty: this machine (127.0.0.1, then ::1)
  std::uint16_t port = 0;  ///< tcp: 1..65535
  std::string pattern{};   ///< line: the regular expression
  std::string command{};   ///< cmd: the shell command
  std::string text{};      ///< as written ("tcp:8000"); "exit" or "started" for the defaults

  /// It watches a running task (tcp:, line:, cmd:): it has a timeout, and may fail.
  bool watches() const { return kind == Kind::kTcp || kind == Kind::kLine || kind == Kind::kCmd; }
};

/// Parses a probe as `ready` or `--ready NAME=PROBE` writes it: exit, tcp:PORT, tcp:HOST:PORT
/// (an IPv6 HOST in brackets: tcp:[::1]:8000), line:REGEX, cmd:COMMAND. The regular expression
/// is compiled here, so that a bad one is a usage error before anything runs. Throws
/// UsageError with one line that names the rule (without quoting `text`).
Probe parse_probe(std::string_view text);

/// The probe of `task`: its `ready` parsed, else "started" for a service and "exit" for
/// any other task. Throws UsageError as parse_probe does, and for a service with "exit" (a
/// service never ends on its own).
Probe probe_of(const Task& task);

/// How long `task` may take to become ready, from its start; 0 for no limit. A probe that
/// watches a running task has the task's ready_timeout, else `run_default`; "exit" and
/// "started" have a limit only when the task gives its own ready_timeout.
Duration ready_timeout_of(const Task& task, const Probe& probe, Duration run_default);

}  // namespace mtask
