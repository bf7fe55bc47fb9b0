#include "mtask/text/status.hpp"

#include <csignal>
#include <string_view>

#include <fmt/format.h>

namespace mtask {
namespace {

// The names of the standard signals; empty for a number that is not one of them.
std::string_view standard_signal_name(int signal) {
  switch (signal) {
    case SIGHUP:
      return "SIGHUP";
    case SIGINT:
      return "SIGINT";
    case SIGQUIT:
      return "SIGQUIT";
    case SIGILL:
      return "SIGILL";
    case SIGTRAP:
      return "SIGTRAP";
    case SIGABRT:
      return "SIGABRT";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGKILL:
      return "SIGKILL";
    case SIGUSR1:
      return "SIGUSR1";
    case SIGSEGV:
      return "SIGSEGV";
    case SIGUSR2:
      return "SIGUSR2";
    case SIGPIPE:
      return "SIGPIPE";
    case SIGALRM:
      return "SIGALRM";
    case SIGTERM:
      return "SIGTERM";
    case SIGCHLD:
      return "SIGCHLD";
    case SIGCONT:
      return "SIGCONT";
    case SIGSTOP:
      return "SIGSTOP";
    case SIGTSTP:
      return "SIGTSTP";
    case SIGTTIN:
      return "SIGTTIN";
    case SIGTTOU:
      return "SIGTTOU";
    case SIGURG:
      return "SIGURG";
    case SIGXCPU:
      return "SIGXCPU";
    case SIGXFSZ:
      return "SIGXFSZ";
    case SIGVTALRM:
      return "SIGVTALRM";
    case SIGPROF:
      return "SIGPROF";
    case SIGSYS:
      return "SIGSYS";
#ifdef SIGWINCH
    case SIGWINCH:
      return "SIGWINCH";
#endif
#ifdef SIGIO
    case SIGIO:
      return "SIGIO";  // SIGPOLL on System V, the same number on Linux
#endif
#ifdef SIGSTKFLT
    case SIGSTKFLT:
      return "SIGSTKFLT";
#endif
#ifdef SIGPWR
    case SIGPWR:
      return "SIGPWR";
#endif
    default:
      return {};
  }
}

}  // namespace

std::string signal_name(int signal) {
  const std::string_view name = standard_signal_name(signal);
  if (!name.empty()) return std::string(name);
#ifdef SIGRTMIN
  // Not constants on glibc, so not in the switch. Named as `kill -l` names the lower half.
  if (signal == SIGRTMIN) return "SIGRTMIN";
  if (signal > SIGRTMIN && signal <= SIGRTMAX) return fmt::format("SIGRTMIN+{}", signal - SIGRTMIN);
#endif
  return fmt::format("SIG{}", signal);
}

std::string describe(const TaskResult& result) {
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

}  // namespace mtask
