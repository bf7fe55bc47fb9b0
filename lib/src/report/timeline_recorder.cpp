// The timeline recorded from a run's events: spans, lines, attempts, CPU states and figures.
#include <algorithm>
#include <string>

#include "mtask/report/timeline.hpp"
#include "mtask/text/speedup.hpp"
#include "mtask/text/status.hpp"
#include "mtask/text/utf8.hpp"
#include "report/cpu_spans.hpp"

namespace mtask {

TimelineTask& TimelineRecorder::task(const Task& t) {
  if (t.index >= timeline_.tasks.size()) {
    timeline_.tasks.resize(t.index + 1);
    used_.resize(t.index + 1);
  }
  TimelineTask& task = timeline_.tasks[t.index];
  task.index = t.index;
  used_[t.index] = true;
  if (task.name.empty()) task.name = t.name;
  return task;
}

void TimelineRecorder::on_begin(const BeginEvent& e) {
  // Many tasks share the budget: each keeps fewer spans (a few at the least).
  const std::size_t tasks = std::max<std::size_t>(e.tasks.size(), 1);
  span_budget_ = std::clamp<std::size_t>(kTimelineMaxSpans / tasks, 16, kTimelineSpansPerTask);
}

void TimelineRecorder::on_cpu_sample(const CpuSampleEvent& e) {
  ++timeline_.samples;
  timeline_.coarsened_spans += detail::add_sample(task(e.task), e, span_budget_);
}

void TimelineRecorder::on_start(const StartEvent& e) {
  TimelineTask& t = task(e.task);
  if (e.task.index < failing_.size() && failing_[e.task.index]) {
    t.earlier.push_back(*failing_[e.task.index]);
    failing_[e.task.index].reset();
    if (t.earlier.size() > kTimelineEarlierKept) {
      t.earlier.erase(t.earlier.begin());
      ++t.earlier_not_kept;
    }
  }
  t.started = true;
  t.pid = e.pid;
  t.ppid = e.ppid;
  t.ready_at.reset();  // readiness is per attempt
  if (!e.task.needs.empty() && !t.waited) {
    t.waited = true;
    t.waited_until = e.t;
  }
}

void TimelineRecorder::on_line(const LineEvent& e) {
  if (e.partial) return;  // a long line counts once, when its last piece comes
  TimelineTask& t = task(e.task);
  ++t.lines;
  if (kept_ >= kTimelineMaxMarks) {
    ++timeline_.dropped_marks;
    return;
  }
  ++kept_;
  t.marks.push_back(TimelineMark{
      e.t, e.stream, std::string(e.text.substr(0, utf8_safe_cut(e.text, kTimelineTextSize)))});
}

void TimelineRecorder::on_ready(const ReadyEvent& e) {
  TimelineTask& t = task(e.task);
  t.ready_at = e.t;
  t.probe = std::string(e.probe);
}

void TimelineRecorder::on_exit(const ExitEvent& e) {
  if (e.result.outcome == Outcome::kNotStarted && !e.task.needs.empty()) {
    // It waited for its needs until it was given up (or the run was stopped).
    TimelineTask& t = task(e.task);
    if (!t.waited) {
      t.waited = true;
      t.waited_until = e.t;
    }
  }
  if (e.task.index >= exits_.size()) exits_.resize(e.task.index + 1, Duration::max());
  exits_[e.task.index] = e.t;
  if (e.retrying) {
    const TaskResult& r = e.result;
    if (e.task.index >= failing_.size()) failing_.resize(e.task.index + 1);
    failing_[e.task.index] = TimelineAttempt{r.attempt, r.pid, r.started,
                                             std::min(r.started + r.wall, e.t), describe(r)};
  }
}

void TimelineRecorder::on_summary(const SummaryEvent& e) {
  std::size_t indexes = e.tasks.size();
  for (const Task& task : e.tasks) indexes = std::max(indexes, task.index + 1);
  exits_.resize(std::max(exits_.size(), indexes), Duration::max());
  timeline_.parent_pid = e.parent_pid;
  timeline_.wall = e.wall;
  timeline_.figures =
      TimelineFigures{e.speedup, e.sequential, e.sequential_upper_bound, e.cpu_sum, e.cpu_wait_sum,
                      e.cores,   e.others_cpu, speedup_verdict(e)};
  for (std::size_t i = 0; i < e.tasks.size() && i < e.results.size(); ++i) {
    TimelineTask& t = task(e.tasks[i]);
    const TaskResult& r = e.results[i];
    t.started = r.outcome != Outcome::kNotStarted;
    if (t.started) {
      t.pid = r.pid;
      t.ppid = r.ppid;
      t.start = r.started;
      // `started` is taken just after fork returned and `wall` counts from just before it, so
      // their sum overshoots the reaping by the time fork took; the exit event, which comes
      // after the reaping, bounds it.
      t.end = std::min({r.started + r.wall, exits_[t.index], e.wall});
    }
    t.status = describe(r);
    t.never_ready = t.started && !r.ready_at ? r.not_ready : std::string();
    t.failed = r.failed();
    t.cpu = r.user_cpu + r.sys_cpu;
  }
  // One row per task of this run: none for the indexes of other shards' tasks.
  std::size_t row = 0;
  for (std::size_t i = 0; i < timeline_.tasks.size(); ++i) {
    if (!used_[i]) continue;
    if (row != i) timeline_.tasks[row] = std::move(timeline_.tasks[i]);
    ++row;
  }
  timeline_.tasks.resize(row);
  used_.assign(row, true);
  for (const Writer& writer : writers_) writer(timeline_);
}

}  // namespace mtask
