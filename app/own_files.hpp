#pragma once
// The files a run reads (the task file, the job log of --resume-failed) are never among those
// it writes (docs/tasks.md, "Resuming failed tasks").

#include "cli.hpp"
#include "options.hpp"

namespace app {

/// Throws mtask::UsageError when a report file of `cli` (--joblog, --junit, --timeline-svg,
/// --trace) is the task file (-f FILE, or ./mtask.toml read for want of a TASK) or the job log
/// of --resume-failed, under any spelling (Surroundings::same_file): the run would overwrite
/// what it reads, and a resumed job log would lose the rows of the tasks that passed.
void check_own_files(const CommandLine& cli, const Surroundings& around);

}  // namespace app
