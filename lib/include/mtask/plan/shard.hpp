#pragma once
// Shards: one of N slices of the task list, so that N CI jobs run every task exactly once
// between them (docs/tasks.md, "Shards").

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace mtask {

/// The K-th of N slices, 1 <= k <= n.
struct Shard {
  std::size_t k = 1;
  std::size_t n = 1;

  /// Whether the task at `position` (0-based, in the order of the task list after selection)
  /// belongs to this slice: slice `position mod n + 1`.
  bool has(std::size_t position) const { return position % n + 1 == k; }
  /// "K/N", as every report names the shard.
  std::string label() const;
  bool operator==(const Shard&) const = default;
};

/// Parses `K/N` (1 <= K <= N, N up to kMaxCount). Throws UsageError naming the rule, without
/// quoting the input.
Shard parse_shard(std::string_view text);

/// Reads one environment variable as std::getenv does: its value, or nullptr when unset.
using GetEnv = std::function<const char*(const char*)>;

/// `--shard auto`: the slice the CI's own variables name, each pair with its CI's base
/// (docs/tasks.md, "Shards"): GitLab's CI_NODE_INDEX (from 1) / CI_NODE_TOTAL, CircleCI's
/// CIRCLE_NODE_INDEX (from 0) / CIRCLE_NODE_TOTAL, Buildkite's BUILDKITE_PARALLEL_JOB (from 0) /
/// BUILDKITE_PARALLEL_JOB_COUNT, Slurm's SLURM_ARRAY_TASK_ID (from SLURM_ARRAY_TASK_MIN, else
/// 0, in steps of SLURM_ARRAY_TASK_STEP, else 1) / SLURM_ARRAY_TASK_COUNT; the first pair of
/// which a variable is set wins. An empty variable counts as unset. None set, or only a total
/// of 1 (GitLab sets CI_NODE_TOTAL=1 on a job without `parallel:`): 1/1. Throws UsageError
/// naming the variables when a pair is half set or its values do not make a slice.
Shard shard_from_ci(const GetEnv& getenv);

}  // namespace mtask
