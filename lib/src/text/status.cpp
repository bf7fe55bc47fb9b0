#include "mtask/text/status.hpp"

#include <csignal>
#include <cstring>

#include <fmt/format.h>

namespace mtask {
std::string signal_name(int signal) {
  // The C library knows the names; SIGIO is how kill -l and strace name what it calls POLL
  // (the same number on Linux).
#ifdef SIGIO
  if (signal == SIGIO) return "SIGIO";
#endif
  if (const char* abbrev = sigabbrev_np(signal); abbrev != nullptr) {
    return fmt::format("SIG{}", abbrev);
  }
#ifdef SIGRTMIN
  // Named as `kill -l` names the lower half.
  if (signal == SIGRTMIN) return "SIGRTMIN";
  if (signal > SIGRTMIN && signal <= SIGRTMAX) return fmt::format("SIGRTMIN+{}", signal - SIGRTMIN);
#endif
  return fmt::format("SIG{}", signal);
}

int ending_signal(const TaskResult& result) {
  const bool by_signal = result.outcome == Outcome::kSignaled ||
                         (result.outcome == Outcome::kTimedOut && result.signal != 0);
  return by_signal ? result.signal : 0;
}

std::string_view stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::kNone:
      break;
    case StopReason::kFailFast:
      return "fail-fast";
    case StopReason::kSigint:
      return "SIGINT";
    case StopReason::kSigterm:
      return "SIGTERM";
    case StopReason::kSighup:
      return "SIGHUP";
    case StopReason::kStdoutClosed:
      return "stdout closed";
    case StopReason::kRunOver:
      return "run over";
    case StopReason::kNeeds:
      return "needs";
  }
  return {};
}

StopReason stop_reason_of_status(int status) {
  switch (status - 128) {
    case -128:
      return StopReason::kFailFast;
    case SIGINT:
      return StopReason::kSigint;
    case SIGTERM:
      return StopReason::kSigterm;
    case SIGHUP:
      return StopReason::kSighup;
    case SIGPIPE:
      return StopReason::kStdoutClosed;
    default:
      return StopReason::kNone;
  }
}

std::string describe(const TaskResult& result) {
  if (result.outcome == Outcome::kNotStarted && result.stopped == StopReason::kNeeds) {
    return fmt::format("not started ({})", result.needs_failed);
  }
  // A service still waiting for its needs when the other tasks were done.
  if (result.outcome == Outcome::kNotStarted && result.stopped == StopReason::kRunOver) {
    return "not started (run over)";
  }
  if (!result.not_ready.empty()) return result.not_ready;
  if (result.ended_early) {
    TaskResult own = result;
    own.ended_early = false;
    return fmt::format("service ended early ({})", describe(own));
  }
  if (result.was_stopped()) {
    TaskResult own = result;
    own.stopped = StopReason::kNone;
    // Stopped because a task it needs failed under it: which one, and how.
    const bool needs = result.stopped == StopReason::kNeeds && !result.needs_failed.empty();
    return fmt::format(
        "stopped: {} ({})", describe(own),
        needs ? std::string_view(result.needs_failed) : stop_reason_name(result.stopped));
  }
  switch (result.outcome) {
    case Outcome::kExited:
      if (result.code == 126) return "exit 126 (not executable)";
      if (result.code == 127) return "exit 127 (command not found)";
      return fmt::format("exit {}", result.code);
    case Outcome::kSignaled:
      return signal_name(result.signal);
    case Outcome::kTimedOut:
      return "timed out";
    case Outcome::kNotStarted:
      return "not started";
  }
  return "unknown";
}

bool stopped_not_ready(const TaskResult& result) {
  return result.outcome != Outcome::kNotStarted && result.gave_up;
}

}  // namespace mtask
