#include "mtask/report/multi_sink.hpp"

namespace mtask {

void MultiSink::on_begin(const BeginEvent& e) {
  for (EventSink* sink : sinks_) sink->on_begin(e);
}

void MultiSink::on_start(const StartEvent& e) {
  for (EventSink* sink : sinks_) sink->on_start(e);
}

void MultiSink::on_line(const LineEvent& e) {
  for (EventSink* sink : sinks_) sink->on_line(e);
}

void MultiSink::on_lines(const LineBatch& batch) {
  for (EventSink* sink : sinks_) sink->on_lines(batch);
}

void MultiSink::on_exit(const ExitEvent& e) {
  for (EventSink* sink : sinks_) sink->on_exit(e);
}

void MultiSink::on_ready(const ReadyEvent& e) {
  for (EventSink* sink : sinks_) sink->on_ready(e);
}

void MultiSink::on_cpu_sample(const CpuSampleEvent& e) {
  for (EventSink* sink : sinks_) sink->on_cpu_sample(e);
}

void MultiSink::on_retry_cancelled(const ExitEvent& e) {
  for (EventSink* sink : sinks_) sink->on_retry_cancelled(e);
}

void MultiSink::on_summary(const SummaryEvent& e) {
  for (EventSink* sink : sinks_) sink->on_summary(e);
}

void MultiSink::on_pause() {
  for (EventSink* sink : sinks_) sink->on_pause();
}

void MultiSink::on_resume(Duration stopped_for) {
  for (EventSink* sink : sinks_) sink->on_resume(stopped_for);
}

bool MultiSink::flush() {
  bool ok = true;
  for (EventSink* sink : sinks_) ok = sink->flush() && ok;
  return ok;
}

}  // namespace mtask
