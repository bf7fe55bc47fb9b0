// The text output's task lines: the hot path of a busy run (docs/performance.md, "Writing").
#include <chrono>
#include <ctime>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "mtask/report/colour.hpp"
#include "mtask/report/text_reporter.hpp"

namespace mtask {
namespace {

constexpr std::string_view kLineMarker = "|";
// The rest of a line another task's output cut short.
constexpr std::string_view kContinuedMarker = "+";

// "[  1.502]" (seconds since the start) or "[12:03:04.123]" (local clock time).
void append_timestamp(std::string& out, Timestamps kind, Duration t,
                      std::chrono::system_clock::time_point run_start) {
  if (kind == Timestamps::kElapsed) {
    out += fmt::format("[{:7.3f}] ", to_seconds(t));
    return;
  }
  const auto when = run_start + std::chrono::duration_cast<std::chrono::system_clock::duration>(t);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  out += fmt::format("[{:%H:%M:%S}.{:03}] ", fmt::localtime(static_cast<std::time_t>(ms / 1000)),
                     ms % 1000);
}

}  // namespace

void TextReporter::close_open_line(Stream stream) {
  std::size_t& open = open_[stream_slot(stream)];
  if (open == kNobody) return;
  before_output();
  destination(stream).write("\n");
  open = kNobody;
}

void TextReporter::append_line_start(std::string& out, const Task& task, const TaskState& st,
                                     Stream stream, std::string_view marker, Duration t) const {
  if (options_.timestamps != Timestamps::kNone) {
    append_timestamp(out, options_.timestamps, t, wall_start_);
  }
  if (colour(stream)) {
    out += task_colour(task.index);
    out += st.prefix;
    out += kReset;
  } else {
    out += st.prefix;
  }
  out += ' ';
  out += marker;
  out += ' ';
}

void TextReporter::on_line(const LineEvent& e) {
  const LinePiece line{e.text, e.partial};
  on_lines(LineBatch{e.task, e.pid, e.stream, e.t, {&line, 1}});
}

void TextReporter::on_lines(const LineBatch& batch) {
  if (batch.lines.empty()) return;
  const std::size_t slot = stream_slot(batch.stream);
  const std::size_t task = batch.task.index;
  TaskState& st = state(batch.task, batch.pid);
  // The lines of a batch share their time: the start of a line (timestamp, prefix, colour,
  // marker) is made once for all of them.
  line_start_.clear();
  append_line_start(line_start_, batch.task, st, batch.stream, kLineMarker, batch.t);
  if (options_.group) {
    hold_lines(st, slot, batch);
    return;
  }
  before_output();
  Output& dest = destination(batch.stream);
  for (const LinePiece& line : batch.lines) {
    std::string_view start;  // none when the line goes on where its last piece ended
    if (open_[slot] != task) {
      close_open_line(batch.stream);
      start = line_start_;
      if (st.in_line[slot]) {
        scratch_.clear();
        append_line_start(scratch_, batch.task, st, batch.stream, kContinuedMarker, batch.t);
        start = scratch_;
      }
    }
    // One copy into the output buffer for the whole line.
    dest.write_pieces({start, line.text, line.partial ? std::string_view() : "\n"});
    open_[slot] = line.partial ? task : kNobody;
    st.in_line[slot] = line.partial;
  }
}

void TextReporter::hold_lines(TaskState& st, std::size_t slot, const LineBatch& batch) {
  // Held until the task ends; nothing can come between the pieces of a line here.
  for (const LinePiece& line : batch.lines) {
    scratch_.clear();
    if (!st.in_line[slot]) scratch_ += line_start_;
    scratch_ += line.text;
    if (!line.partial) scratch_ += '\n';
    st.held[slot].append(scratch_);
    st.in_line[slot] = line.partial;
  }
}

}  // namespace mtask
