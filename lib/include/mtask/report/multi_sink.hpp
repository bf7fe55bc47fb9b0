#pragma once

#include <vector>

#include "mtask/events.hpp"

namespace mtask {

/// Passes every event on to several sinks, in the order they were added (e.g. the text output,
/// a JUnit file and a trace at once).
class MultiSink final : public EventSink {
 public:
  /// Adds a sink; it must outlive this one.
  void add(EventSink& sink) { sinks_.push_back(&sink); }

  void on_begin(const BeginEvent& e) override;
  void on_start(const StartEvent& e) override;
  void on_line(const LineEvent& e) override;
  void on_lines(const LineBatch& batch) override;
  void on_exit(const ExitEvent& e) override;
  void on_ready(const ReadyEvent& e) override;
  void on_cpu_sample(const CpuSampleEvent& e) override;
  void on_retry_cancelled(const ExitEvent& e) override;
  void on_summary(const SummaryEvent& e) override;
  void on_pause() override;
  void on_resume(Duration stopped_for) override;
  /// Flushes every sink; false when any of them can no longer write.
  bool flush() override;

 private:
  std::vector<EventSink*> sinks_;
};

}  // namespace mtask
