#pragma once
// The run that the command line asks for, after every value was checked.

#include <optional>
#include <string>
#include <vector>

#include "mtask/grammar/task.hpp"
#include "mtask/report/colour.hpp"
#include "mtask/report/text_reporter.hpp"
#include "mtask/report/timeline.hpp"
#include "mtask/run/runner.hpp"

namespace app {

/// What the command line asked for, as checked values: the tasks, how to run them, and how
/// to report the run.
struct Config {
  std::vector<mtask::Task> tasks;
  mtask::RunOptions run;
  bool json = false;
  // Reports (issue 5)
  std::string junit;   ///< empty: no JUnit report
  std::string joblog;  ///< empty: no job log
  mtask::ColourMode colour = mtask::ColourMode::kAuto;
  mtask::Timestamps timestamps = mtask::Timestamps::kNone;
  bool group = false;
  std::optional<bool> progress;  ///< unset: when stderr is a terminal and the run is long
  // Lesson (issue 7)
  bool timeline = false;
  mtask::TimelineStyle timeline_style;
  std::string timeline_svg;  ///< empty: none
  std::string trace;         ///< empty: none
  bool explain = false;
};

}  // namespace app
