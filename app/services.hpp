#pragma once
// --service, --ready and --needs: what the command line says of services, readiness and needs,
// applied to the task list and checked (docs/tasks.md, "Services and needs").

#include <vector>

#include "cli.hpp"
#include "mtask/grammar/task.hpp"

namespace app {

/// Applies the --service, --ready and --needs of `cli` to `tasks` (the whole task list: of the
/// command line, or every task of the task file before TASKs select among them): --service
/// makes a task a service, --ready replaces its probe, --needs its needs. Then checks them:
/// each NAME is given once to --ready and once to --needs and names exactly one task, each probe
/// follows its rule (and a service's is not `exit`), and the needs name tasks and make no cycle.
/// Throws mtask::UsageError naming the option and quoting its value, with a did-you-mean for a NAME
/// that is no task.
void apply_service_options(const CommandLine& cli, std::vector<mtask::Task>& tasks);

}  // namespace app
