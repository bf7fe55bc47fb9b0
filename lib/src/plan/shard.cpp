// Shards of the task list (docs/tasks.md, "Shards").
#include "mtask/plan/shard.hpp"

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/grammar/task.hpp"

namespace mtask {

std::string Shard::label() const { return fmt::format("{}/{}", k, n); }

Shard parse_shard(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) throw UsageError("expected K/N (e.g. 2/4) or auto");
  std::uint64_t k = 0;
  std::uint64_t n = 0;
  try {
    k = parse_count(text.substr(0, slash));
    n = parse_count(text.substr(slash + 1));
  } catch (const UsageError&) {
    throw UsageError("expected K/N with whole numbers, 1 <= K <= N (e.g. 2/4)");
  }
  if (n == 0 || k == 0 || k > n) throw UsageError("K and N must satisfy 1 <= K <= N");
  return Shard{static_cast<std::size_t>(k), static_cast<std::size_t>(n)};
}

}  // namespace mtask
