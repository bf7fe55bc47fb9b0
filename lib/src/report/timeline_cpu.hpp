#pragma once
// The CPU part of the terminal timeline: a strip of states under each task's bar, one row per
// CPU, their legend and the run's figures (docs/output.md, "Who ran where").

#include <cstddef>
#include <string>
#include <vector>

#include "mtask/report/timeline.hpp"

namespace mtask::detail {

/// Some task has CPU states (the run was sampled).
bool has_states(const Timeline& timeline);

/// One character (or a few) standing for each task in the CPU rows: its name's first letter
/// when those differ, else a, b, c... by row.
std::vector<std::string> task_keys(const Timeline& timeline);

/// The legend of the strips and the CPU rows, as lines of at most `width` columns (each ends
/// with a newline); empty without states. Without `cpu_rows` (none is drawn), only the strips'.
std::string states_legend(const Timeline& timeline, const std::vector<std::string>& keys,
                          bool unicode, std::size_t width, bool cpu_rows);

/// The state strip of `task`: `columns` cells over 0 to `span`.
std::string state_strip(const TimelineTask& task, Duration span, std::size_t columns, bool unicode);

/// One row per CPU a task ran on: its label ("CPU 1") and `columns` cells, each the key of the
/// task that ran there most (coloured as the task when `color`).
struct CpuRow {
  std::string label;
  std::string cells;
};
std::vector<CpuRow> cpu_rows(const Timeline& timeline, const std::vector<std::string>& keys,
                             Duration span, std::size_t columns, bool color);

}  // namespace mtask::detail
