#pragma once
// The run that the command line asks for, after every value was checked.

#include <optional>
#include <string>
#include <vector>

#include <spdlog/common.h>

#include "mtask/grammar/task.hpp"
#include "mtask/plan/shard.hpp"
#include "mtask/report/terminal.hpp"
#include "mtask/report/text_reporter.hpp"
#include "mtask/report/timeline.hpp"
#include "mtask/run/runner.hpp"

namespace app {

/// What the command line asked for, as checked values: the tasks, how to run them, and how
/// to report the run.
struct Config {
  /// `mtask list`: show the plan, run nothing.
  bool list = false;
  std::vector<mtask::Task> tasks;
  /// The slice of the task list this run is (--shard); unset: the whole list.
  std::optional<mtask::Shard> shard;
  mtask::RunOptions run;
  bool json = false;
  spdlog::level::level_enum log_level = spdlog::level::warn;
  /// Warnings about a command line that is valid but likely not what was meant (hints.hpp),
  /// logged before the run.
  std::vector<std::string> hints;
  /// What mtask says on stderr before the run about the plan it made (nothing to resume).
  std::vector<std::string> notes;
  // Where the output goes, decided once: every writer asks these.
  mtask::TerminalFacts out_terminal;  ///< standard output
  mtask::TerminalFacts err_terminal;  ///< standard error
  // Reports and the look of the output
  std::string junit;   ///< empty: no JUnit report
  std::string joblog;  ///< empty: no job log
  mtask::Timestamps timestamps = mtask::Timestamps::kNone;
  bool group = false;
  /// The live status line on stderr: text output on a terminal that can redraw a line, and
  /// not --no-progress.
  bool progress = false;
  /// `--progress`: the line shows from the start, however short the run.
  bool progress_always = false;
  // Seeing the lesson
  bool timeline = false;
  mtask::TimelineStyle timeline_style;
  std::string timeline_svg;  ///< empty: none
  mtask::SvgStyle svg_style;
  std::string trace;  ///< empty: none
  bool explain = false;
};

}  // namespace app
