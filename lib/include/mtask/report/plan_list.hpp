#pragma once
// `mtask list`: the resolved plan of a run, as a table or as JSON Lines (docs/tasks.md,
// "mtask list"; docs/output.md, "The plan").

#include <cstdint>
#include <string>
#include <vector>

#include "mtask/grammar/duration.hpp"
#include "mtask/grammar/probe.hpp"
#include "mtask/grammar/task.hpp"

namespace mtask {

/// What the run gives every task that does not give its own, and the slice it is.
struct PlanDefaults {
  Duration timeout{0};        ///< --timeout; 0: none
  std::uint64_t retries = 0;  ///< --retries
  std::string shard{};        ///< "K/N" under --shard; empty: the whole list
  /// --ready-timeout (or [run] ready_timeout): how long a probe that watches a running task
  /// waits when the task gives no ready_timeout of its own.
  Duration ready_timeout = kDefaultReadyTimeout;
};

/// The plan as a table for people: a header row, then one row per task with its name, command
/// (or "built-in"), count, interval, timeout, retries, environment changes, working directory,
/// needs and shard; "-" where there is none. Columns are padded to the widest cell in display
/// columns; control characters in a cell are escaped. Every line ends with a newline.
std::string plan_table(const std::vector<Task>& tasks, const PlanDefaults& defaults);

/// The plan as JSON Lines: one object per task, keys in this order: task, index, command (null
/// for a built-in task), count, interval_s, timeout_s (null: none), retries, env (an object),
/// cwd (null: mtask's), service, ready (null: none), ready_timeout_s (how long it may take to
/// become ready, as ready_timeout_of() counts it; null: no limit), needs (an array), shard
/// ("K/N" or null), needed_only (in the slice only because a task of it needs it).
std::string plan_json(const std::vector<Task>& tasks, const PlanDefaults& defaults);

}  // namespace mtask
