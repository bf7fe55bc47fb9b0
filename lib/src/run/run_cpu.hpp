#pragma once

#include <optional>
#include <vector>

#include "mtask/events.hpp"

namespace mtask::detail {

/// The CPUs a run's tasks could use, and how busy they were from its begin to its end: what
/// the summary says of the cores and of the CPU other processes took meanwhile
/// (docs/design.md, "Taking turns on the CPU").
class RunCpu {
 public:
  /// `cpus`: the CPUs the tasks are pinned to; empty: those mtask may run on.
  explicit RunCpu(const std::vector<int>& cpus);
  /// The run begins: the CPUs' busy time and mtask's own CPU time so far.
  void begin();
  /// The run ends: fills in `summary.cores` and `summary.others_cpu` (unset when /proc/stat
  /// cannot be read), from `summary.cpu_sum`.
  void end(SummaryEvent& summary) const;

 private:
  std::vector<int> cpus_;
  std::optional<Duration> busy_at_begin_{};
  Duration own_at_begin_{0};
};

/// The CPU time other processes used: the CPUs' busy time less the tasks' and mtask's own,
/// never below 0 (mtask may have run on other CPUs than its tasks').
Duration others_cpu(Duration busy, Duration tasks, Duration own);

}  // namespace mtask::detail
