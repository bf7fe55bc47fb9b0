#include "mtask/json_reporter.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <iterator>

#include "mtask/status.hpp"
#include "mtask/utf8.hpp"

namespace mtask {
namespace {

// Numbers are written in plain decimal with at least one digit after the point and no
// trailing zeros beyond it: never an exponent, never nan or inf.
void trim_zeros(std::string& out) {
  while (out.size() >= 2 && out.back() == '0' && out[out.size() - 2] != '.') out.pop_back();
}

// Seconds to the microsecond, computed on integers so no rounding noise shows.
void append_seconds(std::string& out, Duration d) {
  const std::int64_t ns = d.count();
  if (ns < 0) out += '-';
  const std::uint64_t magnitude =
      ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  const std::uint64_t micros = magnitude / 1000 + (magnitude % 1000 >= 500 ? 1 : 0);
  fmt::format_to(std::back_inserter(out), "{}.{:06}", micros / 1'000'000, micros % 1'000'000);
  trim_zeros(out);
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

template <typename... Args>
void append(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

}  // namespace

void JsonReporter::begin_task_event(std::string_view event, const Task& task, int pid) {
  line_.clear();
  append(line_, R"({{"event":"{}","task":)", event);
  append_string(line_, task.name);
  append(line_, R"(,"index":{},"pid":{})", task.index, pid);
}

void JsonReporter::end_event(Duration t) {
  line_ += R"(,"t":)";
  append_seconds(line_, t);
  line_ += "}\n";
  out_.write(line_);
}

void JsonReporter::on_start(const StartEvent& e) {
  begin_task_event("start", e.task, e.pid);
  append(line_, R"(,"ppid":{})", e.ppid);
  end_event(e.t);
}

void JsonReporter::on_line(const LineEvent& e) {
  begin_task_event("line", e.task, e.pid);
  line_ += e.stream == Stream::kStdout ? R"(,"stream":"stdout","text":)"
                                       : R"(,"stream":"stderr","text":)";
  append_string(line_, e.text);
  if (e.partial) line_ += R"(,"partial":true)";
  end_event(e.t);
}

void JsonReporter::on_exit(const ExitEvent& e) {
  const TaskResult& r = e.result;
  if (r.outcome == Outcome::kNotStarted) return;  // counted in the summary's "tasks" only

  begin_task_event("exit", e.task, r.pid);
  line_ += R"(,"code":)";
  line_ += r.outcome == Outcome::kExited ? std::to_string(r.code) : "null";
  line_ += R"(,"signal":)";
  const bool by_signal =
      r.outcome == Outcome::kSignaled || (r.outcome == Outcome::kTimedOut && r.signal != 0);
  if (by_signal) {
    append_string(line_, signal_name(r.signal));
  } else {
    line_ += "null";
  }
  line_ += r.outcome == Outcome::kTimedOut ? R"(,"timed_out":true)" : R"(,"timed_out":false)";
  line_ += R"(,"wall_s":)";
  append_seconds(line_, r.wall);
  line_ += R"(,"user_s":)";
  append_seconds(line_, r.user_cpu);
  line_ += R"(,"sys_s":)";
  append_seconds(line_, r.sys_cpu);
  append(line_, R"(,"max_rss_kb":{})", r.max_rss_kb);
  end_event(e.t);
}

void JsonReporter::on_summary(const SummaryEvent& e) {
  line_.clear();
  append(line_, R"({{"event":"summary","parent_pid":{},"tasks":{},"failed":{},"wall_s":)",
         e.parent_pid, e.tasks.size(), e.failed);
  append_seconds(line_, e.wall);
  line_ += R"(,"task_wall_sum_s":)";
  append_seconds(line_, e.task_wall_sum);
  line_ += R"(,"speedup":)";
  append_ratio(line_, e.speedup);
  append(line_, R"(,"exit_code":{}}})", e.exit_code);
  line_ += '\n';
  out_.write(line_);
}

}  // namespace mtask
