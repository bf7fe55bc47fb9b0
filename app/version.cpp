#include "version.hpp"

// Written at every build by cmake/git_revision.cmake, and rewritten only when the revision
// changed: a new commit recompiles this file alone (docs/packaging.md, "Version").
#include "mtask_git_revision.hpp"

namespace app {

std::string version_line() {
  std::string line = "mtask " MTASK_VERSION;
  if (std::string revision = MTASK_GIT_REVISION; !revision.empty()) {
    line += " (git " + revision + ")";
  }
  return line;
}

}  // namespace app
