#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mtask/events.hpp"
#include "mtask/report/output.hpp"
#include "mtask/report/run_context.hpp"

namespace mtask {

/// JSON Lines (docs/output.md): exactly one object per line on `out`, nothing else. The summary
/// names the shard of `context` (null when there is none).
class JsonReporter final : public EventSink {
 public:
  explicit JsonReporter(Output& out, RunContext context = {})
      : out_(out), context_(std::move(context)) {}

  void on_start(const StartEvent& e) override;
  void on_line(const LineEvent& e) override;
  /// The lines of a batch, each as on_line() would write it.
  void on_lines(const LineBatch& batch) override;
  void on_exit(const ExitEvent& e) override;
  void on_ready(const ReadyEvent& e) override;
  void on_summary(const SummaryEvent& e) override;
  bool flush() override { return out_.flush(); }

 private:
  /// Starts an object with the keys every task event has: event, task, index, pid.
  void begin_task_event(std::string_view event, const Task& task, int pid);
  /// Starts a line event of `task` in line_, up to the pid (kept per task).
  void begin_line_event(const Task& task, int pid);
  /// Adds `"t":...}` and a newline, and writes the object out in one write.
  void end_event(Duration t);

  /// The start of a line event of one task, up to the pid: made once, not for every line.
  struct LinePrefix {
    std::string name;
    int pid = -1;
    std::string text;
  };

  Output& out_;
  RunContext context_;
  std::string line_;                       ///< the object being built, reused from event to event
  std::vector<LinePrefix> line_prefixes_;  ///< by task index
  std::string tail_;                       ///< the end of each line event of a batch
  std::string scratch_;                    ///< text that is not plain ASCII, escaped
};

}  // namespace mtask
