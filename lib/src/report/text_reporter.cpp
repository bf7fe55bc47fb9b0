#include "mtask/report/text_reporter.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "mtask/report/colour.hpp"
#include "mtask/text/human.hpp"
#include "mtask/text/status.hpp"
#include "mtask/text/width.hpp"
#include "text_summary.hpp"

namespace mtask {
namespace {

// Wide enough for any pid Linux hands out (pid_max is at most 4194304).
constexpr std::size_t kPidWidth = 7;

// The markers after the prefix: what kind of line follows.
constexpr std::string_view kStartMarker = ">";
constexpr std::string_view kEndMarker = "<";
// A task that will never start: a task it needs failed or was never ready.
constexpr std::string_view kNotStartedMarker = "-";
// A task became ready: a check mark, or '+' where only ASCII can be drawn.
constexpr std::string_view kReadyMarker = "\xE2\x9C\x93";  // U+2713
constexpr std::string_view kReadyMarkerAscii = "+";
// A task waits: for its needs (before the run's first start), or for its probe to say it is
// ready. A middle dot and an ellipsis, or '.' and "..." where only ASCII can be drawn.
constexpr std::string_view kNeedsMarker = "\xC2\xB7";  // U+00B7
constexpr std::string_view kNeedsMarkerAscii = ".";
constexpr std::string_view kAwaitMarker = "\xE2\x80\xA6";  // U+2026
constexpr std::string_view kAwaitMarkerAscii = "...";

}  // namespace

TextReporter::TextReporter(const std::vector<Task>& tasks, Output& out, Output& err,
                           const TextOptions& options, RunContext context)
    : out_(out), err_(err), options_(options), context_(std::move(context)), states_(tasks.size()) {
  for (const Task& task : tasks) name_width_ = std::max(name_width_, display_width(task.name));
}

TextReporter::TaskState& TextReporter::state(const Task& task, int pid) {
  if (task.index >= states_.size()) states_.resize(task.index + 1);
  TaskState& st = states_[task.index];
  if (st.prefix.empty() || st.pid != pid) {
    st.pid = pid;
    st.prefix.clear();
    append_padded(st.prefix, task.name, name_width_, false);
    st.prefix += ' ';
    append_padded(st.prefix, std::to_string(pid), kPidWidth, true);
  }
  return st;
}

void TextReporter::before_output() {
  if (options_.progress != nullptr) options_.progress->erase();
}

void TextReporter::write_own_line(const Task& task, int pid, std::string_view marker,
                                  std::string_view text, Duration t, bool failed) {
  close_open_line(Stream::kStdout);
  before_output();
  scratch_.clear();
  // No pid for a task that never started: its pid column is left blank.
  TaskState& st = state(task, pid);
  if (pid == 0) {
    st.prefix.clear();
    append_padded(st.prefix, task.name, name_width_, false);
    st.prefix.append(kPidWidth + 1, ' ');
  }
  append_line_start(scratch_, task, st, Stream::kStdout, marker, t);
  const bool red = failed && colour(Stream::kStdout);
  if (red) scratch_ += kRed;
  scratch_ += text;
  if (red) scratch_ += kReset;
  scratch_ += '\n';
  out_.write(scratch_);
}

void TextReporter::on_begin(const BeginEvent& e) {
  wall_start_ = e.wall_start;
  for (const Task& task : e.tasks) {
    if (task.needs.empty()) continue;
    if (options_.progress != nullptr) options_.progress->task_waiting(task.index);
    std::string names;
    for (const std::string& need : task.needs) {
      if (!names.empty()) names += ", ";
      names += need;
    }
    write_own_line(task, 0, options_.unicode ? kNeedsMarker : kNeedsMarkerAscii,
                   fmt::format("waits for {}", names), Duration{0});
  }
}

void TextReporter::on_start(const StartEvent& e) {
  if (options_.progress != nullptr) options_.progress->task_started(e.task.index);
  std::string text = fmt::format("started (ppid {})", e.ppid);
  if (e.attempt > 1) text += fmt::format(", attempt {}/{}", e.attempt, e.max_attempts);
  write_own_line(e.task, e.pid, kStartMarker, text, e.t);
  // A probe that watches the task may keep the run quiet a while: say what it waits for.
  const Probe probe = probe_of(e.task);
  if (!probe.watches()) return;
  const Duration limit = ready_timeout_of(e.task, probe, options_.ready_timeout);
  const std::string how_long = limit.count() > 0 ? fmt::format("up to {}", human_duration(limit))
                                                 : std::string("no time limit");
  write_own_line(e.task, e.pid, options_.unicode ? kAwaitMarker : kAwaitMarkerAscii,
                 fmt::format("waiting for {} ({})", probe.text, how_long), e.t);
}

void TextReporter::on_ready(const ReadyEvent& e) {
  const std::string text =
      fmt::format("ready after {:.2f} s ({})", to_seconds(e.t - e.result.started), e.probe);
  write_own_line(e.task, e.result.pid, options_.unicode ? kReadyMarker : kReadyMarkerAscii, text,
                 e.t);
}

void TextReporter::release_held(TaskState& st) {
  for (const Stream stream : {Stream::kStdout, Stream::kStderr}) {
    const std::size_t slot = stream_slot(stream);
    if (st.held[slot].empty()) continue;
    if (st.in_line[slot]) st.held[slot].append("\n");
    before_output();
    // stdout and stderr are buffered apart but often reach one terminal: written out around
    // the block, it shows in its place there (docs/output.md, "Grouped output"). A failed
    // flush leaves the output broken, and the next flush() reports it.
    destination(stream == Stream::kStdout ? Stream::kStderr : Stream::kStdout).flush();
    st.held[slot].write_to(destination(stream));
    if (st.held[slot].dropped() > 0) {
      destination(stream).write(fmt::format("[mtask: {} of output lost: no temporary file]\n",
                                            count_of(st.held[slot].dropped(), "byte")));
    }
    destination(stream).flush();
    st.held[slot].clear();
  }
}

void TextReporter::on_exit(const ExitEvent& e) {
  if (options_.progress != nullptr && e.result.outcome != Outcome::kNotStarted) {
    if (e.retrying) {
      options_.progress->attempt_failed(e.task.index);
    } else {
      options_.progress->task_ended(e.task.index, e.result.failed());
    }
  }
  if (e.result.outcome == Outcome::kNotStarted) {
    // Its needs failed: said at that moment, for the run goes on without it. Other tasks that
    // never started (the run was stopped first) are shown in the summary only.
    if (e.result.stopped != StopReason::kNeeds) return;
    if (options_.progress != nullptr) options_.progress->task_not_started(e.task.index);
    write_own_line(e.task, 0, kNotStartedMarker,
                   fmt::format("not started: {}", e.result.needs_failed), e.t);
    return;
  }
  TaskState& st = state(e.task, e.result.pid);
  if (options_.group) release_held(st);
  // A line left unfinished ends with the task.
  for (const Stream stream : {Stream::kStdout, Stream::kStderr}) {
    const std::size_t slot = stream_slot(stream);
    if (open_[slot] == e.task.index) close_open_line(stream);
    st.in_line[slot] = false;
  }
  // A service stopped because the run was over: how it took the stop is no news. A task
  // stopped for never being ready: its reason says how long it was given already.
  std::string text = e.result.was_stopped() && e.result.stopped == StopReason::kRunOver
                         ? fmt::format("stopped (run over) after {}", human_duration(e.result.wall))
                     : stopped_not_ready(e.result) ? describe(e.result)
                                                   : fmt::format("{} after {}", describe(e.result),
                                                                 human_duration(e.result.wall));
  if (e.retrying) {
    text += fmt::format(", retrying ({}/{})", e.result.attempt + 1, e.result.max_attempts);
  }
  write_own_line(e.task, e.result.pid, kEndMarker, text, e.t, e.result.failed());
}

void TextReporter::on_retry_cancelled(const ExitEvent& e) {
  if (options_.progress != nullptr) options_.progress->retry_cancelled(e.task.index);
}

void TextReporter::on_summary(const SummaryEvent& e) {
  if (options_.progress != nullptr) options_.progress->finish();
  for (TaskState& st : states_) release_held(st);  // a task that never sent its exit
  close_open_line(Stream::kStdout);
  close_open_line(Stream::kStderr);
  std::string text = "\n";
  append_summary(text, e, options_.colour_out, options_.unicode);
  if (!context_.shard.empty()) text += fmt::format("shard {} of the task list\n", context_.shard);
  out_.write(text);
}

bool TextReporter::flush() {
  const bool out_ok = out_.flush();
  err_.flush();  // a closed stderr alone does not stop the run
  if (options_.progress != nullptr) options_.progress->draw_if_due();
  return out_ok;
}

}  // namespace mtask
