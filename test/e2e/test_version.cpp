// `mtask --version` (docs/packaging.md, "Version"): the version, and the git revision of the
// source tree the binary was built from when it was built in a git checkout.
#include <cstdio>
#include <regex>
#include <string>

#include <catch2/catch.hpp>

#include "harness.hpp"

namespace {

/// `git rev-parse --short HEAD` in mtask's source tree, or "" outside a checkout or without git.
std::string source_revision() {
  const std::string command = "git -C '" MTASK_SOURCE_DIR "' rev-parse --short HEAD 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  char buffer[128];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  if (pclose(pipe) != 0) return "";
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
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

  const std::string revision = source_revision();
  if (revision.empty()) return;  // built outside a git checkout: no revision to name
  INFO("HEAD of the source tree: " << revision);
  CHECK(run.out.find(" (git ") != std::string::npos);
  CHECK(run.out.find(revision) != std::string::npos);
}
