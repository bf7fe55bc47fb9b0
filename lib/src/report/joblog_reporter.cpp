#include "mtask/report/joblog_reporter.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/text/human.hpp"
#include "mtask/text/status.hpp"
#include "posix/atomic_file.hpp"

namespace mtask {
namespace {

// An FdOutput that owns its descriptor.
class FileOutput final : public Output {
 public:
  explicit FileOutput(int fd) : fd_(fd), out_(fd) {}
  FileOutput(const FileOutput&) = delete;
  FileOutput& operator=(const FileOutput&) = delete;
  ~FileOutput() override {
    out_.flush();
    ::close(fd_);
  }
  void write(std::string_view text) override { out_.write(text); }
  bool flush() override { return out_.flush(); }
  int error() const override { return out_.error(); }

 private:
  int fd_;
  FdOutput out_;
};

}  // namespace

std::string joblog_command(const Task& task) {
  if (!task.is_command()) {
    return fmt::format("(builtin {}:{}@{})", task.name, task.count, format_duration(task.interval));
  }
  std::string out;
  for (const char c : task.command) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return out;
}

JoblogReporter::JoblogReporter(Output& out, const RunContext& context) : out_(out) {
  if (!context.shard.empty()) out_.write(fmt::format("# shard {}\n", context.shard));
  out_.write(kHeader);
  out_.write("\n");
}

std::unique_ptr<JoblogReporter> JoblogReporter::open(const std::string& path,
                                                     const RunContext& context) {
  // Opened as it is, not replaced: the log grows as tasks end and may be read meanwhile, and a
  // symlink, device or FIFO is written through (docs/output.md, "Report files").
  const int fd = posix::open_stream(path, 0644);
  if (fd < 0) {
    throw SystemError(fmt::format("--joblog {}: cannot create it: {}", quote_arg(path),
                                  std::generic_category().message(errno)));
  }
  auto file = std::make_unique<FileOutput>(fd);
  auto reporter = std::make_unique<JoblogReporter>(*file, context);
  reporter->owned_ = std::move(file);
  reporter->path_ = path;
  return reporter;
}

void JoblogReporter::on_begin(const BeginEvent& e) { run_start_ = e.wall_start; }

void JoblogReporter::on_exit(const ExitEvent& e) {
  const TaskResult& r = e.result;
  if (r.outcome == Outcome::kNotStarted) return;
  const auto start =
      run_start_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(r.started);
  const auto start_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(start.time_since_epoch()).count();
  const int signal = ending_signal(r);
  // Unknown: "-"; known for only some of its processes: "+" after it, as in the summary table.
  const std::string cpu_wait =
      r.cpu_wait ? seconds_3(*r.cpu_wait) + (r.cpu_wait_partial ? "+" : "") : std::string("-");
  out_.write(
      fmt::format("{}\t{}\t{}\t{}\t{}.{:03}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                  e.task.index, e.task.name, r.pid, r.ppid, start_ms / 1000, start_ms % 1000,
                  seconds_3(r.wall), seconds_3(r.user_cpu), seconds_3(r.sys_cpu), r.max_rss_kb,
                  r.outcome == Outcome::kExited ? std::to_string(r.code) : "-",
                  signal != 0 ? signal_name(signal) : "-", r.outcome == Outcome::kTimedOut ? 1 : 0,
                  r.was_stopped() ? stop_reason_name(r.stopped) : "-", r.attempt, cpu_wait, r.vcsw,
                  r.ivcsw, joblog_command(e.task)));
}

bool JoblogReporter::flush() {
  if (!out_.flush() && error_.empty()) {
    const int error = out_.error() != 0 ? out_.error() : EIO;
    error_ = fmt::format("--joblog {}: cannot write to it: {}", quote_arg(path_),
                         std::generic_category().message(error));
  }
  return true;  // a job log that cannot be written does not stop the run
}

}  // namespace mtask
