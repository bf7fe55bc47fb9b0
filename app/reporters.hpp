#pragma once
// Which reporters a run gets, and the run itself.

#include "config.hpp"

namespace app {

/// Runs the configured tasks with every reporter the configuration asks for; returns mtask's
/// exit status (docs/usage.md, "Exit status"). Throws what run_tasks throws.
int run(const Config& config);

}  // namespace app
