#include "mtask/report/json_reporter.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>

#include <fmt/format.h>

#include "mtask/text/status.hpp"
#include "mtask/text/utf8.hpp"
#include "report/json_text.hpp"

namespace mtask {
namespace {

using namespace std::string_view_literals;

// Numbers are written in plain decimal with at least one digit after the point and no
// trailing zeros beyond it: never an exponent, never nan or inf.
void trim_zeros(std::string& out) {
  while (out.size() >= 2 && out.back() == '0' && out[out.size() - 2] != '.') out.pop_back();
}

// An integer in decimal. Every line event has three numbers, so this is on the hot path:
// std::to_chars costs a fraction of a fmt::format_to into a std::string.
template <typename Integer>
void append_integer(std::string& out, Integer value) {
  char digits[24];
  const char* end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

// Seconds to the microsecond, computed on integers so no rounding noise shows.
void append_seconds(std::string& out, Duration d) {
  const std::int64_t ns = d.count();
  if (ns < 0) out += '-';
  const std::uint64_t magnitude =
      ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  const std::uint64_t micros = magnitude / 1000 + (magnitude % 1000 >= 500 ? 1 : 0);
  append_integer(out, micros / 1'000'000);
  // The fraction: six digits with trailing zeros dropped, but at least one digit.
  char fraction[7] = {'.', '0', '0', '0', '0', '0', '0'};
  std::uint64_t rest = micros % 1'000'000;
  for (std::size_t i = 6; i > 0; --i, rest /= 10) fraction[i] = static_cast<char>('0' + rest % 10);
  std::size_t size = 7;
  while (size > 2 && fraction[size - 1] == '0') --size;
  out.append(fraction, size);
}

// A ratio; one that cannot be computed (a wall time of 0) is written as 0.0.
void append_ratio(std::string& out, double value) {
  fmt::format_to(std::back_inserter(out), "{:.6f}", std::isfinite(value) ? value : 0.0);
  trim_zeros(out);
}

void append_string(std::string& out, std::string_view text) {
  out += '"';
  append_json_escaped(out, text);
  out += '"';
}

// A stop reason as a JSON string, or null for none.
void append_reason(std::string& out, StopReason reason) {
  if (reason == StopReason::kNone) {
    out += "null";
  } else {
    append_string(out, stop_reason_name(reason));
  }
}

template <typename... Args>
void append(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

}  // namespace

void JsonReporter::begin_task_event(std::string_view event, const Task& task, int pid) {
  line_.clear();
  line_ += R"({"event":")"sv;
  line_ += event;
  line_ += R"(","task":)"sv;
  append_string(line_, task.name);
  line_ += R"(,"index":)"sv;
  append_integer(line_, task.index);
  line_ += R"(,"pid":)"sv;
  append_integer(line_, pid);
}

void JsonReporter::end_event(Duration t) {
  line_ += R"(,"t":)"sv;
  append_seconds(line_, t);
  line_ += "}\n"sv;
  out_.write(line_);
}

void JsonReporter::on_start(const StartEvent& e) {
  begin_task_event("start", e.task, e.pid);
  append(line_, R"(,"ppid":{},"attempt":{})", e.ppid, e.attempt);
  if (e.task.needed_only) line_ += R"(,"needed_only":true)"sv;
  end_event(e.t);
}

void JsonReporter::begin_line_event(const Task& task, int pid) {
  // Escaping the name and writing two numbers cost more than the rest of a short line, so
  // the start is kept per task; name and pid are compared, so a reused index is harmless.
  // (Only for the first tasks, so that an odd index in a hand-made event costs no memory.)
  constexpr std::size_t kCachedTasks = 64 * 1024;
  if (task.index >= kCachedTasks) {
    begin_task_event("line", task, pid);
    return;
  }
  if (task.index >= line_prefixes_.size()) line_prefixes_.resize(task.index + 1);
  LinePrefix& prefix = line_prefixes_[task.index];
  if (prefix.pid != pid || prefix.name != task.name) {
    begin_task_event("line", task, pid);
    prefix = LinePrefix{task.name, pid, line_};
  } else {
    line_ = prefix.text;
  }
}

void JsonReporter::on_line(const LineEvent& e) {
  const LinePiece line{e.text, e.partial};
  on_lines(LineBatch{e.task, e.pid, e.stream, e.t, {&line, 1}});
}

void JsonReporter::on_lines(const LineBatch& batch) {
  // The lines of a batch differ only in their text: what comes before it and the time after
  // it are made once, and each line is put straight into the output buffer.
  begin_line_event(batch.task, batch.pid);
  line_ += batch.stream == Stream::kStdout ? R"(,"stream":"stdout","text":")"sv
                                           : R"(,"stream":"stderr","text":")"sv;
  tail_.clear();
  tail_ += R"(,"t":)"sv;
  append_seconds(tail_, batch.t);
  tail_ += "}\n"sv;
  const auto put = [](char* to, std::string_view piece) {
    std::memcpy(to, piece.data(), piece.size());
    return to + piece.size();
  };
  for (const LinePiece& line : batch.lines) {
    const std::string_view after_text = line.partial ? R"(","partial":true)"sv : R"(")"sv;
    const std::size_t most = line_.size() + detail::kJsonEscapedMax * line.text.size() +
                             after_text.size() + tail_.size();
    if (char* const start = out_.room(most)) {
      char* to = put(start, line_);
      to = detail::put_json_text(to, line.text, scratch_);
      to = put(put(to, after_text), tail_);
      out_.commit(static_cast<std::size_t>(to - start));
      continue;
    }
    // More than the buffer has room for (or no buffer): built apart, written in one write.
    scratch_.assign(line_);
    append_json_escaped(scratch_, line.text);
    scratch_ += after_text;
    scratch_ += tail_;
    out_.write(scratch_);
  }
}

void JsonReporter::on_ready(const ReadyEvent& e) {
  begin_task_event("ready", e.task, e.result.pid);
  line_ += R"(,"probe":)"sv;
  append_string(line_, e.probe);
  line_ += R"(,"after_s":)"sv;
  append_seconds(line_, e.t - e.result.started);
  append(line_, R"(,"tries":{})", e.result.probe_tries);
  end_event(e.t);
}

void JsonReporter::on_exit(const ExitEvent& e) {
  const TaskResult& r = e.result;
  if (r.outcome == Outcome::kNotStarted) {
    // It has no pid: its own kind of event (docs/output.md, "Tasks that never started").
    line_.clear();
    line_ += R"({"event":"not_started","task":)"sv;
    append_string(line_, e.task.name);
    line_ += R"(,"index":)"sv;
    append_integer(line_, e.task.index);
    line_ += R"(,"reason":)"sv;
    if (r.stopped == StopReason::kNeeds) {
      // "needs web", the need that failed first; "why" tells the whole chain.
      const std::string_view why = r.needs_failed;
      append_string(line_, why.substr(0, why.find(": ")));
      line_ += R"(,"why":)"sv;
      append_string(line_, why);
    } else {
      append_reason(line_, r.stopped);
    }
    if (e.task.needed_only) line_ += R"(,"needed_only":true)"sv;
    end_event(e.t);
    return;
  }

  begin_task_event("exit", e.task, r.pid);
  line_ += R"(,"code":)"sv;
  line_ += r.outcome == Outcome::kExited ? std::to_string(r.code) : "null";
  line_ += R"(,"signal":)"sv;
  if (const int signal = ending_signal(r); signal != 0) {
    append_string(line_, signal_name(signal));
  } else {
    line_ += "null";
  }
  line_ += r.outcome == Outcome::kTimedOut ? R"(,"timed_out":true)" : R"(,"timed_out":false)";
  line_ += R"(,"wall_s":)"sv;
  append_seconds(line_, r.wall);
  line_ += R"(,"user_s":)"sv;
  append_seconds(line_, r.user_cpu);
  line_ += R"(,"sys_s":)"sv;
  append_seconds(line_, r.sys_cpu);
  append(line_, R"(,"max_rss_kb":{})", r.max_rss_kb);
  line_ += R"(,"stopped":)"sv;
  append_reason(line_, r.was_stopped() ? r.stopped : StopReason::kNone);
  append(line_, R"(,"attempt":{},"retrying":{},"service":{},"not_ready":)", r.attempt, e.retrying,
         e.task.service);
  if (r.not_ready.empty()) {
    line_ += "null";
  } else {
    append_string(line_, r.not_ready);
  }
  append(line_, R"(,"ended_early":{})", r.ended_early);
  // Added later, so after the older keys (docs/output.md, "Speedup").
  append(line_, R"(,"vcsw":{},"ivcsw":{},"cpu_wait_s":)", r.vcsw, r.ivcsw);
  if (r.cpu_wait) {
    append_seconds(line_, *r.cpu_wait);
  } else {
    line_ += "null";
  }
  if (r.cpu_wait_partial) line_ += R"(,"cpu_wait_partial":true)"sv;
  if (e.task.needed_only) line_ += R"(,"needed_only":true)"sv;
  end_event(e.t);
}

void JsonReporter::on_summary(const SummaryEvent& e) {
  line_.clear();
  append(line_, R"({{"event":"summary","parent_pid":{},"tasks":{},"failed":{},"wall_s":)",
         e.parent_pid, e.tasks.size(), e.failed);
  append_seconds(line_, e.wall);
  line_ += R"(,"task_wall_sum_s":)"sv;
  append_seconds(line_, e.task_wall_sum);
  line_ += R"(,"speedup":)"sv;
  append_ratio(line_, e.speedup);
  append(line_, R"(,"exit_code":{},"stopped":)", e.exit_code);
  append_reason(line_, e.stopped);
  std::size_t not_started = 0;
  for (const TaskResult& r : e.results) not_started += r.outcome == Outcome::kNotStarted ? 1 : 0;
  append(line_, R"(,"not_started":{},"flaky":{},"shard":)", not_started, e.flaky);
  if (context_.shard.empty()) {
    line_ += "null";
  } else {
    append_string(line_, context_.shard);
  }
  // Added later, so after the older keys (docs/output.md, "Speedup").
  line_ += R"(,"sequential_s":)"sv;
  append_seconds(line_, e.sequential);
  append(line_, R"(,"sequential_upper_bound":{},"cpu_wait_s":)", e.sequential_upper_bound);
  append_seconds(line_, e.cpu_wait_sum);
  append(line_, R"(,"cores":{},"others_cpu_s":)", e.cores);
  if (e.others_cpu) {
    append_seconds(line_, *e.others_cpu);
  } else {
    line_ += "null";
  }
  line_ += "}\n";
  out_.write(line_);
}

}  // namespace mtask
