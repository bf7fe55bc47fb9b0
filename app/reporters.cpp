#include "reporters.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "log_sink.hpp"
#include "mtask/report/explain.hpp"
#include "mtask/report/joblog_reporter.hpp"
#include "mtask/report/json_reporter.hpp"
#include "mtask/report/junit_reporter.hpp"
#include "mtask/report/multi_sink.hpp"
#include "mtask/report/output.hpp"
#include "mtask/report/progress.hpp"
#include "mtask/report/report_file.hpp"
#include "mtask/report/terminal.hpp"
#include "mtask/text/quote.hpp"
#include "progress_line.hpp"

namespace app {
namespace {

/// A report or standard output that could not be written.
constexpr int kReportStatus = 3;

/// Every reporter of a run, fed through one MultiSink. Each reporter is added in
/// add_reporters(); the outputs and the reporters live as long as the run.
struct Reporters {
  mtask::FdOutput out{STDOUT_FILENO};
  mtask::FdOutput err{STDERR_FILENO};
  mtask::FdOutput terminal{STDERR_FILENO};  ///< the status line's own, flushed at every change
  std::vector<std::unique_ptr<mtask::EventSink>> owned;
  mtask::MultiSink all;
  mtask::Progress* progress = nullptr;  ///< the live status line, redrawn as the run goes on
  bool report_failed = false;           ///< a report file could not be written: exit status 3

  template <typename Sink, typename... Args>
  void add(Args&&... args) {
    owned.push_back(std::make_unique<Sink>(std::forward<Args>(args)...));
    all.add(*owned.back());
  }
};

/// A report that could not be written: a message on stderr, and `failed` set.
void report_error(const std::string& error, bool& failed) {
  if (error.empty()) return;
  spdlog::error("{}", error);
  failed = true;
}

/// The JUnit report, with a message on stderr when it could not be written.
class JunitFile final : public mtask::EventSink {
 public:
  JunitFile(const std::vector<mtask::Task>& tasks, const std::string& path,
            const mtask::RunContext& context, bool& failed)
      : junit_(tasks, path, mtask::JunitReporter::kDefaultKeepBytes, context), failed_(failed) {}
  void on_begin(const mtask::BeginEvent& e) override { junit_.on_begin(e); }
  void on_start(const mtask::StartEvent& e) override { junit_.on_start(e); }
  void on_line(const mtask::LineEvent& e) override { junit_.on_line(e); }
  void on_exit(const mtask::ExitEvent& e) override { junit_.on_exit(e); }
  void on_summary(const mtask::SummaryEvent& e) override {
    junit_.on_summary(e);
    report_error(junit_.error(), failed_);
  }

 private:
  mtask::JunitReporter junit_;
  bool& failed_;
};

/// The job log, with a message on stderr (once, at the end) when it could not be written.
class JoblogFile final : public mtask::EventSink {
 public:
  JoblogFile(const std::string& path, const mtask::RunContext& context, bool& failed)
      : joblog_(mtask::JoblogReporter::open(path, context)), failed_(failed) {}
  void on_begin(const mtask::BeginEvent& e) override { joblog_->on_begin(e); }
  void on_exit(const mtask::ExitEvent& e) override { joblog_->on_exit(e); }
  void on_summary(const mtask::SummaryEvent&) override {
    joblog_->flush();
    report_error(joblog_->error(), failed_);
  }
  bool flush() override { return joblog_->flush(); }

 private:
  std::unique_ptr<mtask::JoblogReporter> joblog_;
  bool& failed_;
};

/// The text output's look: colour, timestamps, grouping, progress.
mtask::TextOptions text_options(const Config& config, Reporters& reporters) {
  mtask::TextOptions options;
  options.colour_out = config.out_terminal.colour;
  options.colour_err = config.err_terminal.colour;
  options.unicode = config.out_terminal.utf8;
  options.timestamps = config.timestamps;
  options.group = config.group;
  options.ready_timeout = config.run.ready_timeout;
  if (config.progress) {
    reporters.add<ProgressLine>(reporters.terminal, config.tasks.size(), config.run.jobs,
                                config.progress_always);
    reporters.progress = &static_cast<ProgressLine&>(*reporters.owned.back()).progress();
    reporters.progress->set_width(config.err_terminal.width);
    options.progress = reporters.progress;
  }
  return options;
}

void add_reporters(const Config& config, Reporters& reporters) {
  // What every report says of the run that its events do not: the shard.
  const mtask::RunContext context{config.shard ? config.shard->label() : std::string()};
  // Standard output: exactly one format.
  if (config.json) {
    reporters.add<mtask::JsonReporter>(reporters.out, context);
  } else {
    const mtask::TextOptions options = text_options(config, reporters);
    reporters.add<mtask::TextReporter>(config.tasks, reporters.out, reporters.err, options,
                                       context);
  }
  // Reports: files beside standard output.
  if (!config.junit.empty()) {
    reporters.add<JunitFile>(config.tasks, config.junit, context, reporters.report_failed);
  }
  if (!config.joblog.empty()) {
    reporters.add<JoblogFile>(config.joblog, context, reporters.report_failed);
  }
  // The lesson: the narration on stderr, and the pictures of the run once it is over
  // (written on the summary, which also comes after a stop by signal).
  if (config.explain) {
    reporters.add<mtask::ExplainReporter>(
        reporters.err, mtask::ExplainOptions{getpid(), config.run.busy, config.run.cpus});
  }
  if (config.timeline || !config.timeline_svg.empty() || !config.trace.empty()) {
    reporters.add<mtask::TimelineRecorder>();
    auto& recorder = static_cast<mtask::TimelineRecorder&>(*reporters.owned.back());
    if (config.timeline) {
      recorder.add_writer([&config, &reporters](const mtask::Timeline& timeline) {
        reporters.out.write("\n");
        reporters.out.write(mtask::render_timeline(timeline, config.timeline_style));
      });
    }
    const auto write_file = [&reporters](const char* option, const std::string& path,
                                         const std::string& text) {
      if (const std::string error = mtask::write_report_file(path, text); !error.empty()) {
        report_error(fmt::format("{} {}: {}", option, mtask::quote_arg(path), error),
                     reporters.report_failed);
      }
    };
    if (!config.timeline_svg.empty()) {
      recorder.add_writer([&config, write_file](const mtask::Timeline& timeline) {
        write_file("--timeline-svg", config.timeline_svg,
                   mtask::render_timeline_svg(timeline, config.svg_style));
      });
    }
    if (!config.trace.empty()) {
      recorder.add_writer([&config, write_file](const mtask::Timeline& timeline) {
        write_file("--trace", config.trace, mtask::render_trace(timeline));
      });
    }
  }
}

/// mtask's exit status once the run is over (docs/usage.md, "Exit status"): a signal's wins
/// (128+N; 141 only when the reader of stdout is gone), then 3 when stdout failed otherwise or
/// a report could not be written, then the tasks'.
int final_status(int status, const Reporters& reporters) {
  const int out_error = reporters.out.error();
  const bool out_failed = out_error != 0 && out_error != EPIPE;
  if (out_failed) {
    spdlog::error("cannot write to standard output: {}",
                  std::generic_category().message(out_error));
  }
  // The runner stops with 141 whenever stdout cannot be written; only EPIPE means the reader
  // went away.
  if (out_failed && status == 128 + SIGPIPE) return kReportStatus;
  if (status >= 128) return status;
  if (out_failed || reporters.report_failed) return kReportStatus;
  return status;
}

}  // namespace

int run(const Config& config) {
  Reporters reporters;
  add_reporters(config, reporters);
  // mtask's own log, from here to the end of the run, on the reporters' stderr.
  const LogThrough log(std::make_shared<OutputLogSink>(reporters.err, reporters.progress));
  mtask::RunOptions options = config.run;
  // The whole process is mtask's: it may adopt whatever its tasks leave behind.
  options.adopt_orphans = true;
  // Writes to a reader that is slow (or never reads) wait in the run's loop, not in write():
  // signals and --timeout work meanwhile (docs/design.md, "When nobody reads").
  if (reporters.out.queue_when_slow()) options.queued_outputs.push_back(&reporters.out);
  // Both on the same pipe or terminal (2>&1): one queue, so that lines are never torn.
  if (!reporters.err.share_queue_with(reporters.out) && reporters.err.queue_when_slow()) {
    options.queued_outputs.push_back(&reporters.err);
  }
  if (reporters.progress != nullptr) {
    options.wake_every = std::chrono::milliseconds(100);
    // A resized window: the line is drawn to the new width from its next redraw on.
    options.on_resize = [&reporters] {
      reporters.progress->set_width(mtask::terminal_width(
          mtask::probe_device(STDERR_FILENO).columns, mtask::read_terminal_env().columns));
    };
  }
  const int status = mtask::run_tasks(config.tasks, options, reporters.all);
  return final_status(status, reporters);
}

}  // namespace app
