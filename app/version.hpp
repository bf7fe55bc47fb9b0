#pragma once
// What `mtask --version` prints: the version and the git revision mtask was built from.

#include <string>

namespace app {

/// "mtask 0.1.0 (git 17631c9)", or "mtask 0.1.0" for a build made outside a git checkout.
std::string version_line();

}  // namespace app
