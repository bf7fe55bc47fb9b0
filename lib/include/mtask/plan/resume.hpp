#pragma once
// --resume-failed: which tasks an earlier run left to do, according to its job log
// (docs/tasks.md, "Resuming failed tasks").

#include <string_view>
#include <vector>

#include "mtask/grammar/task.hpp"
#include "mtask/plan/shard.hpp"

namespace mtask {

/// Reads the text of a job log (docs/output.md, "Job log") against `tasks`, the whole task
/// list of this run, and says for each task, by its position in `tasks`, whether it is to run
/// again: it has no row (it never ran), or the last row of its index says it did not pass (an
/// exit code other than 0, a signal, a timeout, or stopped by mtask). Lines starting with '#'
/// and blank lines are skipped; the first other line is the header, and columns are found by
/// its names, so columns added later do not matter; the same header again (job logs put one
/// after another) is skipped, and a later row of a task wins. A last line with no newline that
/// cannot be read (the run was cut short while writing it) is left out: its task runs again.
/// Throws UsageError, its message starting "line N: ", for a file that is not a job log, and
/// for a row whose index names no task here or a task of another name (the job log belongs to
/// another task list).
std::vector<bool> tasks_to_resume(std::string_view joblog, const std::vector<Task>& tasks);

/// The shards a job log names in its `# shard K/N` lines (docs/output.md, "Job log"), each
/// once, in the order they first appear: none for the job log of a run without --shard, several
/// for job logs put one after another. A comment that names no shard is no shard.
std::vector<Shard> joblog_shards(std::string_view joblog);

}  // namespace mtask
