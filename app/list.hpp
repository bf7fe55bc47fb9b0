#pragma once
// `mtask list`: the plan, nothing forked (docs/tasks.md, "mtask list").

#include <string>

#include "config.hpp"

namespace app {

/// What `mtask list` prints for `config`: the plan as a table, or as JSON Lines with -o json.
std::string list(const Config& config);

}  // namespace app
