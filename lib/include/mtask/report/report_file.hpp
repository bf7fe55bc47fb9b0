#pragma once
// Report files (--junit, --joblog, --timeline-svg, --trace): one check before anything runs,
// one way to write them (docs/output.md, "Report files").

#include <string>
#include <string_view>

namespace mtask {

/// How a report file is written.
enum class ReportWriting {
  /// Once, at the end: a regular file (or a missing one) is replaced through a temporary made
  /// beside it; a symlink, a device or a FIFO is written through.
  kWhole,
  /// As the run goes (the job log): opened, created or truncated, at the start.
  kStreamed,
};

/// Why a report cannot be written to `path` as `how` says, in a few words ("is a directory",
/// "no directory 'out'", "cannot create files in 'out': Permission denied", "cannot write it:
/// Permission denied"); empty when it can. Reads the file system (lstat, stat, access) and
/// changes nothing on it.
std::string cannot_write_report(const std::string& path, ReportWriting how);

/// Writes `content` to `path` whole (ReportWriting::kWhole). Returns an empty string, or what
/// went wrong: the call, the file and why ("write /dev/full: No space left on device").
std::string write_report_file(const std::string& path, std::string_view content);

}  // namespace mtask
