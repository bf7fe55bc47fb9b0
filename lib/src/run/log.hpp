// The engine's log: spdlog's logger named "mtask" when the program made one, else the library's
// own, which writes only warnings and errors to stderr (docs/design.md, "Logging").
#pragma once

#include <spdlog/logger.h>

namespace mtask::detail {

/// The logger the engine writes to. Looked up at each call, so that a program may replace the
/// logger named "mtask" between runs (the app does, to erase its progress line first).
spdlog::logger& log();

}  // namespace mtask::detail
