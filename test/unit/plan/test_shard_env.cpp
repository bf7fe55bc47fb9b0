#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "mtask/error.hpp"
#include "mtask/plan/shard.hpp"

using mtask::Shard;

namespace {

/// A getenv over `vars` alone.
mtask::GetEnv env_of(const std::map<std::string, std::string>& vars) {
  return [vars](const char* name) -> const char* {
    const auto found = vars.find(name);
    return found == vars.end() ? nullptr : found->second.c_str();
  };
}

Shard from(const std::map<std::string, std::string>& vars) {
  return mtask::shard_from_ci(env_of(vars));
}

std::string error_of(const std::map<std::string, std::string>& vars) {
  try {
    from(vars);
  } catch (const mtask::UsageError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("shard_from_ci: no CI variable is the whole list", "[unit][shard]") {
  CHECK(from({}) == Shard{1, 1});
  CHECK(from({{"CI", "true"}, {"CI_NODE_INDEX", ""}}) == Shard{1, 1});  // empty counts as unset
}

TEST_CASE("shard_from_ci: GitLab's CI_NODE_INDEX counts from 1", "[unit][shard]") {
  CHECK(from({{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "4"}}) == Shard{1, 4});
  CHECK(from({{"CI_NODE_INDEX", "4"}, {"CI_NODE_TOTAL", "4"}}) == Shard{4, 4});
  // A job without `parallel:` has CI_NODE_TOTAL=1 and no index.
  CHECK(from({{"CI_NODE_TOTAL", "1"}}) == Shard{1, 1});
  CHECK(error_of({{"CI_NODE_INDEX", "0"}, {"CI_NODE_TOTAL", "4"}}) ==
        "CI_NODE_INDEX=0 with CI_NODE_TOTAL=4: it counts from 1, so it must be from 1 to 4");
  CHECK(error_of({{"CI_NODE_INDEX", "5"}, {"CI_NODE_TOTAL", "4"}}) ==
        "CI_NODE_INDEX=5 with CI_NODE_TOTAL=4: it counts from 1, so it must be from 1 to 4");
}

TEST_CASE("shard_from_ci: CircleCI's and Buildkite's indexes count from 0", "[unit][shard]") {
  CHECK(from({{"CIRCLE_NODE_INDEX", "0"}, {"CIRCLE_NODE_TOTAL", "3"}}) == Shard{1, 3});
  CHECK(from({{"CIRCLE_NODE_INDEX", "2"}, {"CIRCLE_NODE_TOTAL", "3"}}) == Shard{3, 3});
  CHECK(from({{"BUILDKITE_PARALLEL_JOB", "0"}, {"BUILDKITE_PARALLEL_JOB_COUNT", "2"}}) ==
        Shard{1, 2});
  CHECK(from({{"BUILDKITE_PARALLEL_JOB", "1"}, {"BUILDKITE_PARALLEL_JOB_COUNT", "2"}}) ==
        Shard{2, 2});
  CHECK(error_of({{"CIRCLE_NODE_INDEX", "3"}, {"CIRCLE_NODE_TOTAL", "3"}}) ==
        "CIRCLE_NODE_INDEX=3 with CIRCLE_NODE_TOTAL=3: it counts from 0, so it must be from 0 to "
        "2");
}

TEST_CASE("shard_from_ci: Slurm's array ids count from SLURM_ARRAY_TASK_MIN", "[unit][shard]") {
  CHECK(from({{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}) == Shard{1, 4});
  CHECK(from({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}) == Shard{4, 4});
  // --array=1-4
  CHECK(from({{"SLURM_ARRAY_TASK_ID", "1"},
              {"SLURM_ARRAY_TASK_COUNT", "4"},
              {"SLURM_ARRAY_TASK_MIN", "1"}}) == Shard{1, 4});
  CHECK(from({{"SLURM_ARRAY_TASK_ID", "4"},
              {"SLURM_ARRAY_TASK_COUNT", "4"},
              {"SLURM_ARRAY_TASK_MIN", "1"}}) == Shard{4, 4});
  // --array=0-15:4 is ids 0, 4, 8, 12
  CHECK(from({{"SLURM_ARRAY_TASK_ID", "8"},
              {"SLURM_ARRAY_TASK_COUNT", "4"},
              {"SLURM_ARRAY_TASK_MIN", "0"},
              {"SLURM_ARRAY_TASK_STEP", "4"}}) == Shard{3, 4});
  CHECK(error_of({{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}) ==
        "SLURM_ARRAY_TASK_ID=4 is task 5 of the array, but SLURM_ARRAY_TASK_COUNT=4");
  CHECK_THROWS_AS(from({{"SLURM_ARRAY_TASK_ID", "0"},
                        {"SLURM_ARRAY_TASK_COUNT", "4"},
                        {"SLURM_ARRAY_TASK_MIN", "1"}}),
                  mtask::UsageError);
}

TEST_CASE("shard_from_ci: a half-set or bad pair names its variables", "[unit][shard]") {
  CHECK(error_of({{"CI_NODE_INDEX", "2"}}) ==
        "CI_NODE_INDEX is set but CI_NODE_TOTAL is not (set both, or neither)");
  CHECK(error_of({{"CIRCLE_NODE_TOTAL", "3"}}) ==
        "CIRCLE_NODE_TOTAL is set but CIRCLE_NODE_INDEX is not (set both, or neither)");
  CHECK(error_of({{"BUILDKITE_PARALLEL_JOB", "x"}, {"BUILDKITE_PARALLEL_JOB_COUNT", "2"}}) ==
        "BUILDKITE_PARALLEL_JOB='x': not a whole number from 0 to 1000000000");
  CHECK(error_of({{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "0"}}) ==
        "CI_NODE_TOTAL=0: there must be at least one slice");
}
