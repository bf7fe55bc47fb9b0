// Fair turns in text mode (docs/reliability.md): a task in the middle of a long line holds
// its destination only for a short slice while others wait, and not at all while it waits
// for its other destination itself.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;

namespace {

/// How many times `c` occurs in `text`.
std::size_t count(const std::string& text, char c) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), c));
}

}  // namespace

TEST_CASE("a progress bar without newlines does not keep others off stdout", "[turns]") {
  // `bar` never ends its line: past 64 KiB it is mid-line for good, and the old rule let it
  // hold stdout until it stalled, which it never does. `w` starts writing once the bar holds
  // stdout, and its 60000 lines (about 350 KB) end the run (--fail-fast).
  e2e::Options options;
  options.timeout = 20s;
  const e2e::Run run =
      e2e::mtask({"run", "--fail-fast", "bar=while :; do printf '\\r[%s] ==========' 123456; done",
                  "w=sleep 0.3; seq 1 60000; exit 1"},
                 options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 1);
  CHECK(run.wall < 8s);
  // Every line of w, whole and in order.
  std::size_t next = 1;
  for (const std::string& line : run.out_lines()) {
    const auto bar = line.find("| ");
    if (line.rfind("w ", 0) != 0 || bar == std::string::npos) continue;
    if (line.substr(bar + 2) == std::to_string(next)) ++next;
  }
  CHECK(next == 60001);
}

TEST_CASE("two tasks writing long lines to stdout and stderr in opposite order", "[turns]") {
  // `up` is mid-line on stdout when it writes a long line to stderr, `down` the other way
  // round: each holds the destination the other needs. The old rule freed them only after a
  // second's stall, once per line (6 s here); JSON mode takes well under a second.
  const std::string up =
      "for i in $(seq 10); do head -c 100000 /dev/zero | tr '\\0' @; "
      "head -c 100000 /dev/zero | tr '\\0' '#' >&2; echo >&2; echo; done";
  const std::string down =
      "for i in $(seq 10); do head -c 100000 /dev/zero | tr '\\0' '#' >&2; "
      "head -c 100000 /dev/zero | tr '\\0' @; echo; echo >&2; done";
  e2e::Options options;
  options.timeout = 20s;
  const e2e::Run run = e2e::mtask({"run", "up=" + up, "down=" + down}, options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(run.wall < 3s);
  CHECK(count(run.out, '@') == 2 * 10 * 100000);
  CHECK(count(run.err, '#') == 2 * 10 * 100000);
}
