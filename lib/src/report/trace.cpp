// The run as Chrome trace-event JSON, for Perfetto and chrome://tracing.
#include <algorithm>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "mtask/report/timeline.hpp"
#include "mtask/text/utf8.hpp"
#include "report/cpu_spans.hpp"

namespace mtask {
namespace {

/// Process ids above the largest a kernel gives (PID_MAX_LIMIT): the tracks mtask adds (the
/// CPUs, the tasks' states) can never be taken for a real process or thread.
constexpr std::int64_t kCpusPid = 4'194'305;
constexpr std::int64_t kStatesTid = 2 * 4'194'304;

/// Microseconds, as the format wants them (fractions allowed).
std::string micros(Duration d) {
  return fmt::format("{:.3f}", static_cast<double>(d.count()) / 1e3);
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  append_json_escaped(out, text);
  out += '"';
  return out;
}

class Trace {
 public:
  explicit Trace(const Timeline& timeline) : timeline_(timeline) {}

  std::string write() {
    out_ = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
    const int parent = timeline_.parent_pid;
    name_track(parent, fmt::format("mtask (pid {})", parent), 0);
    add(fmt::format(
        "{{\"name\":\"mtask run\",\"cat\":\"parent\",\"ph\":\"X\",\"ts\":0,\"dur\":{},"
        "\"pid\":{},\"tid\":{},\"args\":{{\"tasks\":{},\"dropped_line_events\":{}}}}}",
        micros(timeline_.wall), parent, parent, timeline_.tasks.size(), timeline_.dropped_marks));
    for (const TimelineTask& task : timeline_.tasks) {
      if (task.started) {
        write_task(task);
      } else if (task.waited) {
        // No track of its own: on the parent's, the moment it was given up.
        add(fmt::format(
            "{{\"name\":{},\"cat\":\"needs\",\"ph\":\"i\",\"s\":\"t\",\"ts\":{},\"pid\":{},"
            "\"tid\":{},\"args\":{{\"index\":{},\"status\":{}}}}}",
            json_string(fmt::format("{} not started", task.name)), micros(task.waited_until),
            parent, parent, task.index, json_string(task.status)));
      }
    }
    write_cpus();
    out_ += "\n]}\n";
    return std::move(out_);
  }

 private:
  void add(const std::string& event) {
    if (!first_) out_ += ",\n";
    first_ = false;
    out_ += event;
  }

  void name_track(int pid, const std::string& name, std::size_t order) {
    for (const char* kind : {"process_name", "thread_name"}) {
      add(fmt::format(
          "{{\"name\":\"{}\",\"ph\":\"M\",\"pid\":{},\"tid\":{},\"args\":{{\"name\":{}}}}}", kind,
          pid, pid, json_string(name)));
    }
    add(
        fmt::format("{{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":{},\"tid\":{},"
                    "\"args\":{{\"sort_index\":{}}}}}",
                    pid, pid, order));
  }

  void write_task(const TimelineTask& task) {
    const int parent = timeline_.parent_pid;
    name_track(task.pid, fmt::format("{} (pid {})", task.name, task.pid), task.index + 1);
    // Only the latest failed attempts are kept (kTimelineEarlierKept): say how many are not.
    const std::string not_shown =
        task.earlier_not_kept == 0
            ? std::string()
            : fmt::format(",\"earlier_attempts_not_shown\":{}", task.earlier_not_kept);
    add(fmt::format(
        "{{\"name\":{},\"cat\":\"task\",\"ph\":\"X\",\"ts\":{},\"dur\":{},\"pid\":{},\"tid\":{},"
        "\"args\":{{\"index\":{},\"ppid\":{},\"status\":{},\"cpu_ms\":{:.3f},\"lines\":{}{}}}}}",
        json_string(task.name), micros(task.start), micros(task.end - task.start), task.pid,
        task.pid, task.index, task.ppid, json_string(task.status),
        static_cast<double>(task.cpu.count()) / 1e6, task.lines, not_shown));
    // What the parent did for this task, on the parent's own track: fork, then wait.
    add(fmt::format(
        "{{\"name\":{},\"cat\":\"parent\",\"ph\":\"i\",\"s\":\"t\",\"ts\":{},\"pid\":{},"
        "\"tid\":{}}}",
        json_string(fmt::format("fork() -> {} ({})", task.pid, task.name)), micros(task.start),
        parent, parent));
    add(fmt::format(
        "{{\"name\":{},\"cat\":\"parent\",\"ph\":\"i\",\"s\":\"t\",\"ts\":{},\"pid\":{},"
        "\"tid\":{}}}",
        json_string(fmt::format("wait4({}) -> {}", task.pid, task.status)), micros(task.end),
        parent, parent));
    write_readiness(task);
    write_states(task);
    for (std::size_t i = 0; i < task.earlier.size(); ++i) write_attempt(task, i);
    for (const TimelineMark& mark : task.marks) {
      add(
          fmt::format("{{\"name\":{},\"cat\":\"{}\",\"ph\":\"i\",\"s\":\"t\",\"ts\":{},\"pid\":{},"
                      "\"tid\":{}}}",
                      json_string(mark.text), mark.stream == Stream::kStdout ? "stdout" : "stderr",
                      micros(mark.t), task.pid, task.pid));
    }
  }

  void name_thread(std::int64_t pid, std::int64_t tid, const std::string& name, std::size_t order) {
    add(fmt::format(
        "{{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":{},\"tid\":{},\"args\":{{\"name\":{}}}}}",
        pid, tid, json_string(name)));
    add(
        fmt::format("{{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":{},\"tid\":{},"
                    "\"args\":{{\"sort_index\":{}}}}}",
                    pid, tid, order));
  }

  // The task's states from its samples, on a track of their own beside its life (so that they
  // need not nest with the other slices there): one slice per span.
  void write_states(const TimelineTask& task) {
    if (task.spans.empty()) return;
    const std::int64_t tid = kStatesTid + task.pid;
    name_thread(task.pid, tid, "CPU states", 1);
    for (const CpuSpan& span : task.spans) {
      std::string name = span.state == CpuState::kWaiting  ? "waiting for a CPU"
                         : span.state == CpuState::kAsleep ? "asleep"
                         : span.cpu >= 0 ? fmt::format("running on CPU {}", span.cpu)
                                         : std::string("running");
      add(fmt::format(
          "{{\"name\":{},\"cat\":\"cpu\",\"ph\":\"X\",\"ts\":{},\"dur\":{},\"pid\":{},"
          "\"tid\":{},\"args\":{{\"running_ms\":{:.3f},\"waiting_ms\":{:.3f},\"cpu\":{}}}}}",
          json_string(name), micros(span.from), micros(span.to - span.from), task.pid, tid,
          static_cast<double>(span.running.count()) / 1e6,
          static_cast<double>(span.waiting.count()) / 1e6, span.cpu));
    }
  }

  // A process "CPUs" with a track per CPU: which task ran there, in slices that do not overlap.
  void write_cpus() {
    const auto cpus = detail::cpu_slices(timeline_);
    if (cpus.empty()) return;
    add(fmt::format(
        "{{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":{},\"tid\":{},\"args\":{{\"name\":"
        "\"CPUs\"}}}}",
        kCpusPid, kCpusPid));
    add(
        fmt::format("{{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":{},\"tid\":{},"
                    "\"args\":{{\"sort_index\":{}}}}}",
                    kCpusPid, kCpusPid, timeline_.tasks.size() + 1));
    for (const auto& [cpu, slices] : cpus) {
      const std::int64_t tid = kCpusPid + 1 + cpu;
      name_thread(kCpusPid, tid, fmt::format("CPU {}", cpu), static_cast<std::size_t>(cpu));
      for (const detail::CpuSlice& slice : slices) {
        const TimelineTask& task = timeline_.tasks[slice.row];
        add(fmt::format(
            "{{\"name\":{},\"cat\":\"cpu\",\"ph\":\"X\",\"ts\":{},\"dur\":{},\"pid\":{},"
            "\"tid\":{},\"args\":{{\"task\":{},\"index\":{},\"pid\":{}}}}}",
            json_string(task.name), micros(slice.from), micros(slice.to - slice.from), kCpusPid,
            tid, json_string(task.name), task.index, task.pid));
      }
    }
  }

  // On the task's own track: the wait for its needs before its start, the time it took to get
  // ready (within its life) and the moment it was ready.
  void write_readiness(const TimelineTask& task) {
    if (task.waited) {
      add(
          fmt::format("{{\"name\":\"waiting for needs\",\"cat\":\"needs\",\"ph\":\"X\",\"ts\":0,"
                      "\"dur\":{},\"pid\":{},\"tid\":{}}}",
                      micros(std::min(task.waited_until, task.start)), task.pid, task.pid));
    }
    if (!task.never_ready.empty()) {
      add(fmt::format(
          "{{\"name\":{},\"cat\":\"ready\",\"ph\":\"X\",\"ts\":{},\"dur\":{},\"pid\":{},"
          "\"tid\":{},\"args\":{{\"not_ready\":{}}}}}",
          json_string(fmt::format("getting ready (never ready: {})", task.never_ready)),
          micros(task.start), micros(task.end - task.start), task.pid, task.pid,
          json_string(task.never_ready)));
    }
    if (!task.ready_at) return;
    add(fmt::format(
        "{{\"name\":\"getting ready\",\"cat\":\"ready\",\"ph\":\"X\",\"ts\":{},\"dur\":{},"
        "\"pid\":{},\"tid\":{},\"args\":{{\"probe\":{}}}}}",
        micros(task.start), micros(std::min(*task.ready_at, task.end) - task.start), task.pid,
        task.pid, json_string(task.probe)));
    add(
        fmt::format("{{\"name\":{},\"cat\":\"ready\",\"ph\":\"i\",\"s\":\"t\",\"ts\":{},\"pid\":{},"
                    "\"tid\":{}}}",
                    json_string(fmt::format("ready ({})", task.probe)), micros(*task.ready_at),
                    task.pid, task.pid));
  }

  // A failed attempt before the last: a slice on a track of its own process.
  void write_attempt(const TimelineTask& task, std::size_t i) {
    const TimelineAttempt& attempt = task.earlier[i];
    name_track(attempt.pid,
               fmt::format("{} (pid {}, attempt {})", task.name, attempt.pid, attempt.attempt),
               task.index + 1);
    add(fmt::format(
        "{{\"name\":{},\"cat\":\"task\",\"ph\":\"X\",\"ts\":{},\"dur\":{},\"pid\":{},\"tid\":{},"
        "\"args\":{{\"index\":{},\"attempt\":{},\"status\":{}}}}}",
        json_string(task.name), micros(attempt.start), micros(attempt.end - attempt.start),
        attempt.pid, attempt.pid, task.index, attempt.attempt, json_string(attempt.status)));
  }

  const Timeline& timeline_;
  std::string out_;
  bool first_ = true;
};

}  // namespace

std::string render_trace(const Timeline& timeline) { return Trace(timeline).write(); }

}  // namespace mtask
