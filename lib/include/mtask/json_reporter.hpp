#pragma once

#include <string>
#include <string_view>

#include "mtask/events.hpp"
#include "mtask/output.hpp"

namespace mtask {

/// JSON Lines of SPEC 3.2: exactly one object per line on `out`, nothing else.
class JsonReporter final : public EventSink {
 public:
  explicit JsonReporter(Output& out) : out_(out) {}

  void on_start(const StartEvent& e) override;
  void on_line(const LineEvent& e) override;
  void on_exit(const ExitEvent& e) override;
  void on_summary(const SummaryEvent& e) override;
  bool flush() override { return out_.flush(); }

 private:
  /// Starts an object with the keys every task event has: event, task, index, pid.
  void begin_task_event(std::string_view event, const Task& task, int pid);
  /// Adds `"t":...}` and a newline, and writes the object out in one write.
  void end_event(Duration t);

  Output& out_;
  std::string line_;  ///< the object being built, reused from event to event
};

}  // namespace mtask
