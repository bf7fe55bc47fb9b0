#pragma once

#include <string>

#include "mtask/events.hpp"

namespace mtask {

/// The name of a signal, e.g. "SIGSEGV"; "SIG<n>" for a number without a name.
std::string signal_name(int signal);

/// The signal that ended a task, also the one mtask sent after --timeout; 0 when none did.
int ending_signal(const TaskResult& result);

/// A short human description of how a task ended: "exit 0", "exit 3", "SIGSEGV", "timed out",
/// "not started". Adds a plain explanation for 126 and 127.
std::string describe(const TaskResult& result);

}  // namespace mtask
