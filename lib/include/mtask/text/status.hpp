#pragma once

#include <string>
#include <string_view>

#include "mtask/events.hpp"

namespace mtask {

/// The name of a signal, e.g. "SIGSEGV"; "SIG<n>" for a number without a name.
std::string signal_name(int signal);

/// The signal that ended a task, also the one mtask sent after --timeout; 0 when none did.
int ending_signal(const TaskResult& result);

/// What stopped a run, as JSON and the reports name it: "fail-fast", "SIGINT", "SIGTERM",
/// "SIGHUP", "stdout closed"; for one task, "run over" (a service) and "needs"; empty for
/// kNone.
std::string_view stop_reason_name(StopReason reason);

/// The reason that goes with mtask's exit status `status` once it stops every task: 0 is
/// --fail-fast, 128 + SIGPIPE a closed stdout, 128 + N signal N.
StopReason stop_reason_of_status(int status);

/// A short human description of how a task ended: "exit 0", "exit 3", "SIGSEGV", "timed out",
/// "not started", and for a task mtask stopped "stopped: SIGTERM (fail-fast)". Adds a plain
/// explanation for 126 and 127. A task never ready is its reason (TaskResult::not_ready); one
/// not started for its needs "not started (needs web: ...)"; a service that ended early
/// "service ended early (exit 0)".
std::string describe(const TaskResult& result);

/// mtask stopped the task because its probe gave up ("not ready after 30 s (tcp:8000): ..."),
/// not one that ended on its own before it was ready. The reason says how long it waited.
bool stopped_not_ready(const TaskResult& result);

}  // namespace mtask
