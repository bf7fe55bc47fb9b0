#pragma once
// The text report's summary: the table of tasks and the lines under it (docs/output.md,
// "Summary").

#include <string>

#include "mtask/events.hpp"

namespace mtask {

/// Appends the summary of run `e` to `out`: its table, red rows of failed tasks when `colour`,
/// an ellipsis in cut statuses when `unicode` (else "..."), then the totals and the speedup.
void append_summary(std::string& out, const SummaryEvent& e, bool colour, bool unicode);

}  // namespace mtask
