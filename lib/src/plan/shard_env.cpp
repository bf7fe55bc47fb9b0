// `--shard auto`: the slice a CI names in its own variables (docs/tasks.md, "Shards").
#include <array>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/grammar/task.hpp"
#include "mtask/plan/shard.hpp"

namespace mtask {
namespace {

/// One CI's pair of variables: which slice (counted from `base`) of how many.
struct CiPair {
  const char* index;
  const char* total;
  std::uint64_t base;
};

/// In the order they are looked at; Slurm's base is read from its own variables.
constexpr std::array<CiPair, 4> kPairs{
    {{"CI_NODE_INDEX", "CI_NODE_TOTAL", 1},
     {"CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL", 0},
     {"BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", 0},
     {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", 0}}};

/// A variable's value, or nullopt when it is unset or empty.
std::optional<std::string> read(const GetEnv& getenv, const char* name) {
  const char* value = getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::uint64_t number(const char* name, const std::string& value) {
  try {
    return parse_count(value);
  } catch (const UsageError&) {
    throw UsageError(
        fmt::format("{}={}: not a whole number from 0 to {}", name, quote_arg(value), kMaxCount));
  }
}

/// Slurm numbers the tasks of an array from SLURM_ARRAY_TASK_MIN in steps of
/// SLURM_ARRAY_TASK_STEP (`--array=1-8`, `--array=0-15:4`): the 0-based place of `id` in it.
std::uint64_t slurm_place(const GetEnv& getenv, std::uint64_t id) {
  const auto min = read(getenv, "SLURM_ARRAY_TASK_MIN");
  const auto step = read(getenv, "SLURM_ARRAY_TASK_STEP");
  const std::uint64_t first = min ? number("SLURM_ARRAY_TASK_MIN", *min) : 0;
  const std::uint64_t by = step ? number("SLURM_ARRAY_TASK_STEP", *step) : 1;
  if (id < first || by == 0 || (id - first) % by != 0) {
    throw UsageError(fmt::format(
        "SLURM_ARRAY_TASK_ID={} is not in the array from SLURM_ARRAY_TASK_MIN={} in steps of "
        "SLURM_ARRAY_TASK_STEP={} (use --shard K/N for an array of listed ids)",
        id, first, by));
  }
  return (id - first) / by;
}

Shard shard_of(const GetEnv& getenv, const CiPair& pair, const std::optional<std::string>& index,
               const std::optional<std::string>& total) {
  if (!total) {
    throw UsageError(
        fmt::format("{} is set but {} is not (set both, or neither)", pair.index, pair.total));
  }
  const std::uint64_t n = number(pair.total, *total);
  if (!index) {
    // GitLab sets CI_NODE_TOTAL=1, and no index, on a job without `parallel:`.
    if (n == 1) return Shard{};
    throw UsageError(
        fmt::format("{} is set but {} is not (set both, or neither)", pair.total, pair.index));
  }
  const std::uint64_t given = number(pair.index, *index);
  if (n == 0) throw UsageError(fmt::format("{}=0: there must be at least one slice", pair.total));
  if (std::string_view(pair.index) == "SLURM_ARRAY_TASK_ID") {
    const std::uint64_t place = slurm_place(getenv, given);
    if (place >= n) {
      throw UsageError(
          fmt::format("SLURM_ARRAY_TASK_ID={} is task {} of the array, but "
                      "SLURM_ARRAY_TASK_COUNT={}",
                      given, place + 1, n));
    }
    return Shard{static_cast<std::size_t>(place + 1), static_cast<std::size_t>(n)};
  }
  if (given < pair.base || given - pair.base >= n) {
    throw UsageError(fmt::format("{}={} with {}={}: it counts from {}, so it must be from {} to {}",
                                 pair.index, given, pair.total, n, pair.base, pair.base,
                                 n - 1 + pair.base));
  }
  const std::uint64_t place = given - pair.base;
  return Shard{static_cast<std::size_t>(place + 1), static_cast<std::size_t>(n)};
}

}  // namespace

Shard shard_from_ci(const GetEnv& getenv) {
  for (const CiPair& pair : kPairs) {
    const auto index = read(getenv, pair.index);
    const auto total = read(getenv, pair.total);
    if (index || total) return shard_of(getenv, pair, index, total);
  }
  return Shard{};
}

}  // namespace mtask
