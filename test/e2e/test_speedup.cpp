// The speedup counts what the tasks would have taken one after another, each alone: the time
// a task waited for a CPU is not work. Through the JSON summary's `speedup`.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace {

/// The JSON summary of `mtask run -o json ARGS...`.
nlohmann::json summary_of(std::vector<std::string> args) {
  args.insert(args.begin(), {"run", "-o", "json"});
  const e2e::Run run = e2e::mtask(args);
  REQUIRE(run.status == 0);
  const std::vector<std::string> lines = run.out_lines();
  REQUIRE_FALSE(lines.empty());
  nlohmann::json summary = nlohmann::json::parse(lines.back());
  REQUIRE(summary["event"] == "summary");
  return summary;
}

}  // namespace

TEST_CASE("speedup: busy tasks taking turns on one core save nothing", "[e2e][speedup]") {
  const nlohmann::json summary = summary_of({"--busy", "--cores", "1", "a:2@200ms", "b:2@200ms"});
  // Before: the sum of the walls over the wall, 2.00x.
  CHECK(summary["speedup"].get<double>() < 1.4);
  CHECK(summary["task_wall_sum_s"].get<double>() / summary["wall_s"].get<double>() > 1.6);
}

TEST_CASE("speedup: sleepers overlap even on one core", "[e2e][speedup]") {
  const nlohmann::json summary = summary_of({"--cores", "1", "sing:2@200ms", "dance:2@200ms"});
  CHECK(summary["speedup"].get<double>() > 1.6);
}
