#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mtask/events.hpp"
#include "mtask/output.hpp"

namespace mtask {

/// The text output of SPEC 3.1: start lines, prefixed task lines, end lines and a summary table.
/// Task stdout lines and mtask's own lines go to `out`; task stderr lines go to `err`.
class TextReporter final : public EventSink {
 public:
  TextReporter(const std::vector<Task>& tasks, Output& out, Output& err);

  void on_start(const StartEvent& e) override;
  void on_line(const LineEvent& e) override;
  void on_exit(const ExitEvent& e) override;
  void on_summary(const SummaryEvent& e) override;
  bool flush() override;

 private:
  /// What is kept of one task, by its index.
  struct TaskState {
    int pid = 0;
    std::string prefix;             ///< "NAME<pad> PID", built when the pid is first seen
    std::array<bool, 2> in_line{};  ///< per stream: pieces of a line written, its end not yet
  };
  static constexpr std::size_t kNobody = static_cast<std::size_t>(-1);

  TaskState& state(const Task& task, int pid);
  Output& destination(Stream stream) { return stream == Stream::kStdout ? out_ : err_; }
  /// Ends with a newline a line that was left open on `stream`'s destination.
  void close_open_line(Stream stream);
  void write_own_line(const Task& task, int pid, char marker, std::string_view text);

  Output& out_;
  Output& err_;
  std::size_t name_width_ = 0;
  std::vector<TaskState> states_;
  /// Per destination (stdout, stderr): the task whose line is unfinished on it, or kNobody.
  std::array<std::size_t, 2> open_{kNobody, kNobody};
  std::string scratch_;
};

}  // namespace mtask
