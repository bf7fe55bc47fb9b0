#pragma once

#include <string>

#include "mtask/events.hpp"

namespace mtask {

/// The speedup as every report words it: "2.00x", or "at most 2.00x" when some task's CPU wait
/// is unknown (SummaryEvent::sequential_upper_bound); empty when there is none (no task ran,
/// a wall time of 0).
std::string speedup_figure(const SummaryEvent& e);

/// What the speedup means, in a short phrase (docs/output.md, "Speedup"):
/// "took turns on 1 CPU: nothing saved", "ran in parallel on 2 CPUs",
/// "waited together: no CPU needed", "ran one at a time", "one task: nothing to overlap",
/// "CPU wait came partly from other processes (3.10 s of CPU)", "CPU wait not fully known".
/// Empty when no task ran or the wall time is 0.
std::string speedup_verdict(const SummaryEvent& e);

}  // namespace mtask
