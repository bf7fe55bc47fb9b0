#pragma once
// Which of the decided tasks this run runs: --shard and --resume-failed (docs/tasks.md,
// "Shards" and "Resuming failed tasks").

#include "cli.hpp"
#include "config.hpp"
#include "options.hpp"

namespace app {

/// Keeps of `config.tasks` (the whole task list, decided) those of the shard and, under
/// --resume-failed, those that the job log says failed or did not run; each keeps its index.
/// Sets `config.shard`, and a note when there is nothing to resume. Throws mtask::UsageError
/// naming the option for a bad --shard, CI variables that make no slice, or a job log that
/// cannot be read, belongs to another task list or is of another shard.
void narrow_tasks(const CommandLine& cli, const Surroundings& around, Config& config);

}  // namespace app
