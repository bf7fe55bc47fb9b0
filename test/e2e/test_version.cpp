// `mtask --version` (docs/packaging.md, "Version"): the version, and the git revision of the
// source tree the binary was built from when it was built in a git checkout.
#include <cstdio>
#include <regex>
#include <string>

#include <catch2/catch.hpp>

#include "harness.hpp"
#include "mtask_git_revision.hpp"

namespace {

/// The exit status of `command` run with /bin/sh.
int status_of(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[128];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
  }
  return pclose(pipe);
}

/// The commit of a `git describe --always --dirty --long` text: "17631c9" of "17631c9-dirty"
/// or of "v0.2.0-3-g17631c9".
std::string commit_of(std::string revision) {
  if (revision.ends_with("-dirty")) revision.resize(revision.size() - 6);
  if (const std::size_t g = revision.rfind("-g"); g != std::string::npos) revision.erase(0, g + 2);
  return revision;
}

}  // namespace

TEST_CASE("version: --version names the version and the git revision it was built from") {
  const e2e::Run run = e2e::mtask({"--version"});
  REQUIRE_FALSE(run.timed_out);
  INFO("stdout: " << run.out << "stderr: " << run.err);
  CHECK(run.status == 0);
  CHECK(run.err.empty());
  // "mtask 0.1.0 (git 17631c9)", "(git v0.2.0-3-g17631c9-dirty)", or no revision at all.
  const std::regex line{R"(mtask [0-9]+\.[0-9]+\.[0-9]+( \(git [0-9A-Za-z._/+-]+\))?\n)"};
  CHECK(std::regex_match(run.out, line));

  // What the build saw (the generated header), which a commit after the build does not change.
  const std::string revision = MTASK_GIT_REVISION;
  INFO("the revision the build saw: '" << revision << "'");
  if (revision.empty()) {
    CHECK(run.out.find(" (git ") == std::string::npos);  // built outside a checkout of its own
    return;
  }
  CHECK(run.out.find(" (git " + revision + ")\n") != std::string::npos);
  // ... and it is a commit of this source tree.
  CHECK(status_of("git -C '" MTASK_SOURCE_DIR "' cat-file -e '" + commit_of(revision) +
                  "^{commit}' 2>/dev/null") == 0);
}
