#pragma once
// Shards: one of N slices of the task list, so that N CI jobs run every task exactly once
// between them (docs/tasks.md, "Shards").

#include <cstddef>
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

}  // namespace mtask
