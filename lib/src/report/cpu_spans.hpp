#pragma once
// The CPU states of a timeline: recorded from samples into bounded spans, and read back per
// column of a picture or per CPU (docs/output.md, "Who ran where").

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mtask/report/timeline.hpp"

namespace mtask::detail {

/// The state of a stretch of `span`: the largest of running, waiting and asleep (the rest).
CpuState state_of(Duration span, Duration running, Duration waiting);

/// Adds a sample to `task`'s spans: merged into the last span when it has the same state and
/// CPU (or when the last is shorter than the task's quantum); past `budget` spans, neighbours
/// are merged in pairs and the quantum grows. Returns how many spans were merged away so.
std::uint64_t add_sample(TimelineTask& task, const CpuSampleEvent& e, std::size_t budget);

/// What a task did in one column of a picture: the state it spent most of it in.
struct ColumnState {
  bool known = false;  ///< some span covers the column
  CpuState state = CpuState::kAsleep;
  int cpu = -1;  ///< while running: the CPU it ran on most in the column
};

/// `task`'s states in `columns` columns covering 0 to `span`.
std::vector<ColumnState> column_states(const TimelineTask& task, Duration span,
                                       std::size_t columns);

/// Which task ran on one CPU, column by column: the index of its row in the timeline's tasks,
/// or kNobody.
struct CpuLane {
  int cpu = 0;
  std::vector<std::size_t> rows;
};
inline constexpr std::size_t kNobody = static_cast<std::size_t>(-1);

/// One lane per CPU some task ran on, in the order of the CPUs.
std::vector<CpuLane> cpu_lanes(const Timeline& timeline, Duration span, std::size_t columns);

/// A stretch of time in which one task ran on a CPU; slices of one CPU do not overlap.
struct CpuSlice {
  Duration from{0};
  Duration to{0};
  std::size_t row = 0;  ///< the task's row in the timeline
};

/// Per CPU some task ran on (in the order of the CPUs), its slices in time order.
std::vector<std::pair<int, std::vector<CpuSlice>>> cpu_slices(const Timeline& timeline);

/// The summary's figures in one line: "1.00x speedup: took turns on 1 CPU; 1.0 cores busy of
/// 1 (4.00 s CPU in 4.01 s)"; empty when no summary gave them.
std::string figures_text(const Timeline& timeline);

/// How the picture's time axis runs: from 0 to `span`, the scale asked for or the run's wall
/// time when longer (`beyond_scale`).
struct Axis {
  Duration span{0};
  bool beyond_scale = false;
};
Axis axis_of(const Timeline& timeline, Duration scale);

}  // namespace mtask::detail
