#include <csignal>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "mtask/text/status.hpp"

using mtask::Outcome;
using mtask::StopReason;
using mtask::TaskResult;

TEST_CASE("status: signals are named as kill -l names them", "[status]") {
  struct Case {
    int signal;
    std::string name;
  };
  const Case cases[] = {
      {SIGHUP, "SIGHUP"},       {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"},   {SIGILL, "SIGILL"},
      {SIGTRAP, "SIGTRAP"},     {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},     {SIGFPE, "SIGFPE"},
      {SIGKILL, "SIGKILL"},     {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"},   {SIGUSR2, "SIGUSR2"},
      {SIGPIPE, "SIGPIPE"},     {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"},   {SIGCHLD, "SIGCHLD"},
      {SIGCONT, "SIGCONT"},     {SIGSTOP, "SIGSTOP"}, {SIGTSTP, "SIGTSTP"},   {SIGTTIN, "SIGTTIN"},
      {SIGTTOU, "SIGTTOU"},     {SIGURG, "SIGURG"},   {SIGXCPU, "SIGXCPU"},   {SIGXFSZ, "SIGXFSZ"},
      {SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"}, {SIGWINCH, "SIGWINCH"}, {SIGSYS, "SIGSYS"},
      {SIGIO, "SIGIO"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.signal);
    CHECK(mtask::signal_name(c.signal) == c.name);
  }
}

#ifdef __linux__
TEST_CASE("status: Linux numbers are the usual ones", "[status]") {
  CHECK(mtask::signal_name(9) == "SIGKILL");
  CHECK(mtask::signal_name(11) == "SIGSEGV");
  CHECK(mtask::signal_name(15) == "SIGTERM");
  CHECK(mtask::signal_name(16) == "SIGSTKFLT");
  CHECK(mtask::signal_name(30) == "SIGPWR");
  CHECK(mtask::signal_name(29) == "SIGIO");  // the C library's POLL, named as kill -l names it
}
#endif

TEST_CASE("status: real-time signals count from SIGRTMIN", "[status]") {
  CHECK(mtask::signal_name(SIGRTMIN) == "SIGRTMIN");
  CHECK(mtask::signal_name(SIGRTMIN + 3) == "SIGRTMIN+3");
  CHECK(mtask::signal_name(SIGRTMAX) == fmt::format("SIGRTMIN+{}", SIGRTMAX - SIGRTMIN));
}

TEST_CASE("status: a number without a name is shown as a number", "[status]") {
  CHECK(mtask::signal_name(0) == "SIG0");
  CHECK(mtask::signal_name(-1) == "SIG-1");
  CHECK(mtask::signal_name(999) == "SIG999");
  CHECK(mtask::signal_name(SIGRTMAX + 1) == fmt::format("SIG{}", SIGRTMAX + 1));
#ifdef __linux__
  CHECK(mtask::signal_name(32) == "SIG32");  // kept by the C library below SIGRTMIN
#endif
}

TEST_CASE("status: describe says how a task ended", "[status]") {
  struct Case {
    TaskResult result;
    std::string text;
  };
  const Case cases[] = {
      {{.outcome = Outcome::kExited, .code = 0}, "exit 0"},
      {{.outcome = Outcome::kExited, .code = 3}, "exit 3"},
      {{.outcome = Outcome::kExited, .code = 255}, "exit 255"},
      {{.outcome = Outcome::kExited, .code = 126}, "exit 126 (not executable)"},
      {{.outcome = Outcome::kExited, .code = 127}, "exit 127 (command not found)"},
      {{.outcome = Outcome::kSignaled, .signal = SIGKILL}, "SIGKILL"},
      {{.outcome = Outcome::kSignaled, .signal = SIGSEGV}, "SIGSEGV"},
      {{.outcome = Outcome::kTimedOut, .signal = SIGTERM}, "timed out"},
      {{.outcome = Outcome::kTimedOut}, "timed out"},
      {{.outcome = Outcome::kNotStarted}, "not started"},
      {{.outcome = Outcome::kNotStarted, .stopped = StopReason::kFailFast}, "not started"},
      {{.outcome = Outcome::kSignaled, .signal = SIGTERM, .stopped = StopReason::kFailFast},
       "stopped: SIGTERM (fail-fast)"},
      {{.outcome = Outcome::kExited, .code = 130, .stopped = StopReason::kSigint},
       "stopped: exit 130 (SIGINT)"},
      {{.outcome = Outcome::kSignaled, .signal = SIGKILL, .stopped = StopReason::kStdoutClosed},
       "stopped: SIGKILL (stdout closed)"},
      {{.outcome = Outcome::kSignaled, .signal = SIGTERM, .stopped = StopReason::kRunOver},
       "stopped: SIGTERM (run over)"},
      {{.outcome = Outcome::kNotStarted, .stopped = StopReason::kRunOver},
       "not started (run over)"},
      {{.outcome = Outcome::kNotStarted,
        .stopped = StopReason::kNeeds,
        .needs_failed = "needs a: exit 1"},
       "not started (needs a: exit 1)"},
      {{.outcome = Outcome::kSignaled,
        .signal = SIGTERM,
        .stopped = StopReason::kNeeds,
        .needs_failed = "needs web: service ended early (exit 3)"},
       "stopped: SIGTERM (needs web: service ended early (exit 3))"},
      {{.outcome = Outcome::kExited, .code = 3, .ended_early = true},
       "service ended early (exit 3)"},
      {{.outcome = Outcome::kSignaled,
        .signal = SIGTERM,
        .not_ready = "not ready after 1.00 s (tcp:80): connection refused"},
       "not ready after 1.00 s (tcp:80): connection refused"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(mtask::describe(c.result) == c.text);
  }
}

TEST_CASE("status: a stop reason has a name and comes from mtask's status", "[status]") {
  CHECK(mtask::stop_reason_name(StopReason::kNone).empty());
  CHECK(mtask::stop_reason_name(StopReason::kFailFast) == "fail-fast");
  CHECK(mtask::stop_reason_name(StopReason::kSighup) == "SIGHUP");
  CHECK(mtask::stop_reason_name(StopReason::kStdoutClosed) == "stdout closed");
  CHECK(mtask::stop_reason_of_status(0) == StopReason::kFailFast);
  CHECK(mtask::stop_reason_of_status(128 + SIGINT) == StopReason::kSigint);
  CHECK(mtask::stop_reason_of_status(128 + SIGTERM) == StopReason::kSigterm);
  CHECK(mtask::stop_reason_of_status(128 + SIGHUP) == StopReason::kSighup);
  CHECK(mtask::stop_reason_of_status(128 + SIGPIPE) == StopReason::kStdoutClosed);
}

TEST_CASE("status: failed counts what did not exit 0, but not what never ran", "[status]") {
  CHECK_FALSE(TaskResult{.outcome = Outcome::kExited, .code = 0}.failed());
  CHECK(TaskResult{.outcome = Outcome::kExited, .code = 1}.failed());
  CHECK(TaskResult{.outcome = Outcome::kSignaled, .signal = SIGSEGV}.failed());
  CHECK(TaskResult{.outcome = Outcome::kTimedOut}.failed());
  CHECK_FALSE(TaskResult{.outcome = Outcome::kNotStarted}.failed());
  // What mtask stopped is not a failure of the task's.
  CHECK_FALSE(
      TaskResult{.outcome = Outcome::kSignaled, .signal = SIGTERM, .stopped = StopReason::kSigint}
          .failed());
  CHECK(TaskResult{.outcome = Outcome::kSignaled, .signal = SIGTERM, .stopped = StopReason::kSigint}
            .was_stopped());
  CHECK_FALSE(
      TaskResult{.outcome = Outcome::kNotStarted, .stopped = StopReason::kSigint}.was_stopped());
}

TEST_CASE("status: the ending signal is the one that killed or stopped the task", "[status]") {
  struct Case {
    TaskResult result;
    int signal;
  };
  const Case cases[] = {
      {{.outcome = Outcome::kExited, .code = 0}, 0},
      {{.outcome = Outcome::kExited, .code = 143, .signal = SIGTERM}, 0},
      {{.outcome = Outcome::kSignaled, .signal = SIGSEGV}, SIGSEGV},
      {{.outcome = Outcome::kTimedOut, .signal = SIGTERM}, SIGTERM},
      {{.outcome = Outcome::kTimedOut, .signal = 0}, 0},
      {{.outcome = Outcome::kNotStarted}, 0},
  };
  for (const Case& c : cases) CHECK(mtask::ending_signal(c.result) == c.signal);
}
