#pragma once
// The tasks of a task file (docs/tasks.md): which file the command line reads, and which of its
// tasks run. Pure but for the Surroundings passed in.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "mtask/error.hpp"
#include "mtask/grammar/task.hpp"
#include "mtask/plan/task_file.hpp"
#include "options.hpp"

namespace app {

/// A task file as read, and the directory a relative `cwd` in it is relative to.
struct PlanFile {
  mtask::TaskFile file;
  std::string dir;  ///< empty: mtask's own (standard input, or a file in it)
  /// ./mtask.toml read without -f, because every TASK given was a bare NAME.
  bool implicit = false;
};

/// "OPTION 'PATH': cannot read it: REASON": the one message for a file given by OPTION (-f,
/// --resume-failed) that cannot be read.
mtask::UsageError cannot_read(std::string_view option, const std::string& path,
                              std::string_view reason);

/// The text of the file at `path` (given by `option`), read through Surroundings::read_file;
/// unset when there is no such file. Throws cannot_read() with the reason when it cannot be read.
std::optional<std::string> read_named_file(const Surroundings& around, std::string_view option,
                                           const std::string& path);

/// Every TASK is a bare NAME, with no COUNT, INTERVAL or COMMAND of its own: then they select
/// from ./mtask.toml when it exists (docs/tasks.md).
bool all_bare_names(const std::vector<std::string>& tasks);

/// The task file of the command line: `-f FILE` (`-` standard input), else `./mtask.toml` when
/// no TASK is given or every TASK is a bare NAME (and the file exists); nullopt when the TASKs
/// are the tasks. Throws mtask::UsageError: no TASK and no mtask.toml, a file that cannot be
/// read, an error in the file, --format without a file.
std::optional<PlanFile> read_plan_file(const CommandLine& cli, const Surroundings& around);

/// The tasks of `plan` that the TASKs of `cli` select by NAME (all of them when none is
/// given), with every task they need, in file order and indexed from 0; `defaults` for what
/// they leave out. --service, --ready and --needs act on the file's tasks first
/// (services.hpp), so a task selected brings what --needs says it needs. Each cwd is made
/// relative to the file's directory and must be a directory.
std::vector<mtask::Task> file_tasks(const PlanFile& plan, const CommandLine& cli,
                                    const mtask::TaskDefaults& defaults,
                                    const Surroundings& around);

}  // namespace app
