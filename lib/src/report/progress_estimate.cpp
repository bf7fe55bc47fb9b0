// The status line's estimate of the time a run still needs (docs/output.md, "Progress").
#include <algorithm>
#include <cstdint>

#include "mtask/report/progress.hpp"

namespace mtask {

std::optional<Duration> estimate_left(const RunPace& pace) {
  if (pace.done == 0 || pace.done + pace.running.size() > pace.tasks) return std::nullopt;
  const std::size_t waiting = pace.tasks - pace.done - pace.running.size();
  if (waiting == 0 && pace.running.empty()) return std::nullopt;
  const Duration mean = pace.done_wall / static_cast<std::int64_t>(pace.done);
  std::size_t slots = pace.jobs == 0 ? pace.tasks : std::min(pace.jobs, pace.tasks);
  slots = std::max({slots, pace.running.size(), std::size_t{1}});

  // When each slot is free: a running task is expected to end once it has run `mean` (or now,
  // if it already ran longer); a slot with no task is free now.
  std::vector<Duration> free_at(slots, Duration{0});
  for (std::size_t i = 0; i < pace.running.size(); ++i) {
    free_at[i] = std::max(mean - pace.running[i], Duration{0});
  }
  std::sort(free_at.begin(), free_at.end());
  Duration left = free_at.back();
  if (waiting == 0) {
    // Only running tasks, all past the average: when they end is anybody's guess.
    if (left.count() == 0) return std::nullopt;
    return left;
  }
  // Each waiting task takes the slot that frees up first. Every slot is free within `mean`, so
  // they fill in rounds: the last of them starts in round (waiting - 1) / slots, in the slot
  // that is (waiting - 1) % slots-th to free up, and ends `mean` after it starts.
  const std::size_t rounds = (waiting - 1) / slots;
  const Duration last_start =
      free_at[(waiting - 1) % slots] + mean * static_cast<std::int64_t>(rounds);
  return std::max(left, last_start + mean);
}

}  // namespace mtask
