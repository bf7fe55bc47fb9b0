#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mtask/events.hpp"
#include "mtask/grammar/duration.hpp"
#include "mtask/report/output.hpp"

namespace mtask {

/// A line a task wrote, as a mark on the timeline.
struct TimelineMark {
  Duration t{0};  ///< when mtask read the line's end, since the start of the run
  Stream stream = Stream::kStdout;
  std::string text;  ///< the line's first bytes (at most kTimelineTextSize, never a cut character)
};

/// An attempt of a task that failed before the task ran again (--retries).
struct TimelineAttempt {
  std::uint32_t attempt = 1;  ///< which attempt, from 1
  int pid = 0;
  Duration start{0};   ///< fork, since the start of the run
  Duration end{0};     ///< reaping, since the start of the run
  std::string status;  ///< "exit 1", "timed out", ...
};

/// What a task did in a stretch of time, from the CPU samples (docs/output.md, "Who ran where").
enum class CpuState : std::uint8_t {
  kRunning,  ///< on a CPU
  kWaiting,  ///< ready to run, waiting for a CPU
  kAsleep,   ///< neither: sleeping, waiting for input or output
};

/// A stretch of a task's life in one state: consecutive samples of the same state (and CPU)
/// merged. The state is the largest of the three times in it.
struct CpuSpan {
  Duration from{0};  ///< since the start of the run
  Duration to{0};
  CpuState state = CpuState::kAsleep;
  int cpu = -1;         ///< while running: the CPU it ran on most; -1: unknown
  Duration running{0};  ///< on a CPU in the stretch (several processes add up)
  Duration waiting{0};  ///< waiting for a CPU in the stretch
};

/// One task of a run in time: its last attempt, and the failed ones before it.
struct TimelineTask {
  std::string name;
  std::size_t index = 0;
  bool started = false;  ///< false for a task that never ran
  int pid = 0;
  int ppid = 0;
  Duration start{0};   ///< fork, since the start of the run
  Duration end{0};     ///< reaping, since the start of the run
  std::string status;  ///< "exit 0", "SIGTERM", "timed out", ...
  bool failed = false;
  Duration cpu{0};                  ///< user + system CPU time
  std::vector<TimelineMark> marks;  ///< the lines kept, in order
  std::uint64_t lines = 0;          ///< every line, kept or not
  /// Attempts that failed before the last, in order: the latest kTimelineEarlierKept.
  std::vector<TimelineAttempt> earlier;
  std::uint64_t earlier_not_kept = 0;  ///< failed attempts before those in `earlier`
  // Services, readiness and needs (docs/smoke.md).
  /// It had needs: it waited for them from the run's start until `waited_until`.
  bool waited = false;
  Duration waited_until{0};  ///< its first start, or when it was given up (not started)
  /// When its last attempt became ready (a ready event came): it was getting ready from
  /// `start` until then.
  std::optional<Duration> ready_at{};
  std::string probe{};  ///< the probe of that ready event ("tcp:8000", "started")
  /// Why its last attempt was never ready (TaskResult::not_ready), when it started and no
  /// ready event came: it was getting ready, in vain, from `start` to `end`. Else empty.
  std::string never_ready{};
  /// Its states in time, from the CPU samples (only when a view asked for them), in order.
  std::vector<CpuSpan> spans{};
  /// Coarser than the samples: once the spans reached their budget, neighbours were merged
  /// into stretches at least this long (0: as sampled).
  Duration span_quantum{0};
};

/// What the run's summary says of its speed, drawn with the picture (docs/output.md,
/// "Speedup").
struct TimelineFigures {
  double speedup = 0;  ///< sequential / wall
  Duration sequential{0};
  bool upper_bound = false;  ///< the speedup is at most this
  Duration cpu_sum{0};       ///< user + system CPU of every attempt
  Duration cpu_wait_sum{0};
  std::size_t cores = 0;  ///< CPUs the tasks could run on; 0: no summary said
  std::optional<Duration> others_cpu{};
  std::string verdict;  ///< a short phrase on what the speedup means; empty: none
};

/// What a run looked like in time: when each task lived and when its lines came out.
struct Timeline {
  int parent_pid = 0;
  Duration wall{0};
  std::vector<TimelineTask> tasks;  ///< in command-line order
  std::uint64_t dropped_marks = 0;  ///< lines counted but not kept (memory stays bounded)
  std::uint64_t samples = 0;        ///< CPU samples received
  /// Spans merged into a neighbour once a task's spans reached their budget
  /// (kTimelineSpansPerTask): the picture of that task is coarser than the samples.
  std::uint64_t coarsened_spans = 0;
  TimelineFigures figures;
};

/// How many bytes of each line a timeline keeps, and how many marks in all.
inline constexpr std::size_t kTimelineTextSize = 80;
inline constexpr std::size_t kTimelineMaxMarks = 100'000;
/// How many failed attempts before the last a timeline keeps per task: memory stays bounded
/// however often a task runs again.
inline constexpr std::size_t kTimelineEarlierKept = 10;
/// How many state spans a timeline keeps per task, and in all: a task past its share has its
/// spans merged in pairs (coarser, never dropped), so memory stays bounded however long it runs.
inline constexpr std::size_t kTimelineSpansPerTask = 4096;
inline constexpr std::size_t kTimelineMaxSpans = 400'000;

/// Records a Timeline from the events of a run, and hands it to every writer added when the
/// summary comes (also after a stop by signal, which still ends with a summary).
class TimelineRecorder final : public EventSink {
 public:
  using Writer = std::function<void(const Timeline&)>;

  void add_writer(Writer writer) { writers_.push_back(std::move(writer)); }

  void on_begin(const BeginEvent& e) override;
  void on_start(const StartEvent& e) override;
  void on_line(const LineEvent& e) override;
  void on_exit(const ExitEvent& e) override;
  void on_ready(const ReadyEvent& e) override;
  void on_cpu_sample(const CpuSampleEvent& e) override;
  void on_summary(const SummaryEvent& e) override;

  const Timeline& timeline() const { return timeline_; }

 private:
  TimelineTask& task(const Task& t);

  Timeline timeline_;
  std::size_t kept_ = 0;
  std::vector<Duration> exits_;  ///< per task index: when its exit event came
  /// Per task index: its attempt that failed and is to run again; it joins `earlier` when the
  /// next attempt starts (a stop may cancel that: then it stays the task's last).
  std::vector<std::optional<TimelineAttempt>> failing_;
  /// Per task index: a task of this run has it (under --shard, the others' indexes have none).
  std::vector<bool> used_;
  std::vector<Writer> writers_;
  std::size_t span_budget_ = kTimelineSpansPerTask;  ///< per task, from the number of tasks
};

/// How to draw a timeline in a terminal.
struct TimelineStyle {
  std::size_t width = 80;  ///< columns available
  bool unicode = true;     ///< block characters; else ASCII
  bool color = false;      ///< ANSI colours, one per task
  /// A fixed time axis (--timeline-scale), to compare runs side by side; 0: the run's wall
  /// time. A run longer than the scale is drawn to its end, and the header says so.
  Duration scale{0};
};

/// How to draw a timeline as SVG.
struct SvgStyle {
  Duration scale{0};  ///< as TimelineStyle::scale
};

/// The timeline as text: a header, one row per task (name, pid, then a bar over the run's wall
/// time: where the task was alive, and where its lines came out; where it waited for its needs,
/// was getting ready and became ready), and a time axis. With CPU samples, a strip of states
/// under each bar (running on CPU n, waiting for a CPU, asleep), one row per CPU saying which
/// task ran there, and their legend; with a summary, the speedup and the cores busy below the
/// axis. Every line fits in `style.width` columns (at least 40 are used).
std::string render_timeline(const Timeline& timeline, const TimelineStyle& style);

/// The same picture as a standalone SVG document.
std::string render_timeline_svg(const Timeline& timeline, const SvgStyle& style = {});

/// The run as Chrome trace-event JSON ({"traceEvents":[...]}, timestamps in microseconds), as
/// Perfetto and chrome://tracing open it: a track per task and one for the parent, a complete
/// ("X") event for each task's life (one per attempt) and an instant ("i") event per line; the
/// wait for its needs and the time it took to get ready as "X" events, its ready as an "i".
/// With CPU samples, the task's states as "X" slices on its track ("running on CPU 1",
/// "waiting for a CPU", "asleep") and a process "CPUs" with a track per CPU: which task ran.
std::string render_trace(const Timeline& timeline);

}  // namespace mtask
