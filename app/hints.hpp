#pragma once
// Warnings for a command line that is valid but probably not what was meant (docs/usage.md,
// "Mistakes mtask answers"): a demo task named like a command on PATH, an INTERVAL of minutes
// that was meant as milliseconds. The run goes on; -q hides them.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mtask/grammar/task.hpp"

namespace app {

/// Whether `name` is a command the shell would find: an executable regular file in one of the
/// directories of `path` (a PATH value; nullptr or empty: none). Reads the file system; forks
/// nothing.
bool is_command_on_path(const std::string& name, const char* path);

/// One line per distinct NAME of a built-in task that `is_command` says is a command:
/// "'make' is a built-in demo task; to run the command write 'make=make'". Only the first 32
/// distinct names are asked about.
std::vector<std::string> command_name_hints(
    const std::vector<mtask::Task>& tasks,
    const std::function<bool(const std::string&)>& is_command);

/// For a TASK whose INTERVAL is a bare number over 60 (seconds, then): "'sing:3@100': INTERVAL
/// 100 has no unit, so it is 100 seconds (did you mean 'sing:3@100ms'?)"; else "".
std::string bare_interval_hint(std::string_view task);

/// One line per distinct NAME of a task that has a probe watching it run (tcp:, line:, cmd:)
/// but is no service: "'web' has a readiness probe (tcp:8000) but is no service: the run waits
/// for it to end; ...". Such a task is ready only while it runs, yet the run waits for it to
/// end: a server that runs until stopped hangs the run (and with -j, the tasks that need it
/// may never start).
std::vector<std::string> unserviced_probe_hints(const std::vector<mtask::Task>& tasks);

/// The same for the value of --interval: "--interval '100': ...".
std::string bare_interval_option_hint(std::string_view value);

}  // namespace app
