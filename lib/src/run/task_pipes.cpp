#include "run/task_pipes.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "run/log.hpp"

namespace mtask::detail {
namespace {

/// Reads of one pipe per round, so that one busy task cannot starve the others.
constexpr int kReadsPerRound = 4;
constexpr std::size_t kReadSize = 64 * 1024;

}  // namespace

void TaskPipes::watch(PollSet& set) {
  owners_.clear();
  if (paused()) return;
  for (const auto& slot : children_.running()) {
    for (Stream stream : {Stream::kStdout, Stream::kStderr}) {
      const TaskPipe& pipe = slot->pipe(stream);
      // A pipe that may not be read is watched until it has data, to learn that its task
      // waits for the destination (then the turn there passes soon: LineTurns).
      if (!pipe.open() || (!turns_.may_read(pipe, stream) && turns_.is_waiting(pipe, stream))) {
        continue;
      }
      set.add(pipe.fd.get(), POLLIN, owners_.size());
      owners_.emplace_back(slot.get(), stream);
    }
  }
}

void TaskPipes::ready(std::size_t token, short revents) {
  (void)revents;
  // A read earlier in this round may have given a task the turn: ask again.
  const auto [slot, stream] = owners_[token];
  const TaskPipe& pipe = slot->pipe(stream);
  if (paused()) return;  // an earlier read of this round filled mtask's output queue
  if (turns_.may_read(pipe, stream)) {
    read(*slot, stream);
  } else {
    turns_.waits(pipe, stream);
    turns_.update(Clock::now());
  }
}

void TaskPipes::read(Slot& slot, Stream stream) {
  if (!slot.started && !read_hello(slot) && stream == Stream::kStdout) return;
  if (buffer_.empty()) buffer_.resize(kReadSize);
  TaskPipe& pipe = slot.pipe(stream);
  for (int round = 0; round < kReadsPerRound && pipe.open() && !paused(); ++round) {
    const ssize_t n = ::read(pipe.fd.get(), buffer_.data(), buffer_.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      log().warn("read from task '{}': {}", slot.task.name, std::strerror(errno));
    }
    if (n <= 0) {
      log().debug("task '{}' closed its {}", slot.task.name,
                  stream == Stream::kStdout ? "stdout" : "stderr");
      split(slot, stream, {}, true);
      pipe.fd.reset();
      break;
    }
    pipe.last_read = Clock::now();
    log().trace("read {} bytes of task '{}' ({})", n, slot.task.name,
                stream == Stream::kStdout ? "stdout" : "stderr");
    turns_.took(pipe, stream, static_cast<std::size_t>(n));
    split(slot, stream, std::string_view(buffer_.data(), static_cast<std::size_t>(n)), false);
    if (static_cast<std::size_t>(n) < buffer_.size()) break;  // drained for now
  }
  turns_.update(Clock::now());
}

void TaskPipes::split(Slot& slot, Stream stream, std::string_view bytes, bool at_end) {
  TaskPipe& pipe = slot.pipe(stream);
  const bool was_mid_line = pipe.lines.mid_line();
  // Every line of one read gets the same time: the clock is read once per read, not per line.
  const TimePoint at = at_end ? Clock::now() : pipe.last_read;
  // The lines of one read go on together. A line the splitter assembled from bytes it held
  // is a view of its own buffer, good only during the call: it goes on at once, with those
  // before it.
  const auto deliver = [&] {
    if (batch_.empty()) return;
    events_.on_lines(slot, stream, batch_, at);
    batch_.clear();
  };
  const auto in_bytes = [&](std::string_view text) {
    const auto begin = reinterpret_cast<std::uintptr_t>(bytes.data());
    const auto from = reinterpret_cast<std::uintptr_t>(text.data());
    return from >= begin && from + text.size() <= begin + bytes.size();
  };
  const auto sink = [&](std::string_view text, bool partial) {
    batch_.push_back(LinePiece{text, partial});
    if (bytes.empty() || !in_bytes(text)) deliver();
  };
  batch_.clear();
  if (at_end) {
    pipe.lines.finish(sink);
  } else {
    pipe.lines.feed(bytes, sink);
  }
  deliver();
  if (pipe.lines.mid_line() != was_mid_line) turns_.mid_line_changed(stream, !was_mid_line);
}

bool TaskPipes::read_hello(Slot& slot) {
  // The hello is read on its own, so that taking it never reads task output out of turn.
  TaskPipe& pipe = slot.pipe(Stream::kStdout);
  char* into = reinterpret_cast<char*>(&slot.hello) + slot.hello_read;
  const ssize_t n = pipe.open() ? ::read(pipe.fd.get(), into, sizeof(Hello) - slot.hello_read) : 0;
  if (n < 0) return false;  // EAGAIN: not there yet
  if (n == 0) {
    // The child ended before it could say hello: report it from what the parent knows.
    pipe.fd.reset();
    slot.started = true;
    log().debug("task '{}' (pid {}) ended before its hello", slot.task.name, slot.pid);
    events_.on_hello(slot);
    return true;
  }
  slot.hello_read += static_cast<std::size_t>(n);
  if (!slot.said_hello()) return false;
  log().debug("task '{}' said hello: pid {}, ppid {}", slot.task.name, slot.hello.pid,
              slot.hello.ppid);
  slot.started = true;
  events_.on_hello(slot);
  return true;
}

void TaskPipes::give_up(Slot& slot) {
  if (buffer_.empty()) buffer_.resize(kReadSize);
  for (Stream stream : {Stream::kStdout, Stream::kStderr}) {
    TaskPipe& pipe = slot.pipe(stream);
    while (pipe.open()) {
      const ssize_t n = ::read(pipe.fd.get(), buffer_.data(), buffer_.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // EAGAIN: all there is; 0: EOF
      pipe.last_read = Clock::now();
      split(slot, stream, std::string_view(buffer_.data(), static_cast<std::size_t>(n)), false);
    }
    if (!pipe.open()) continue;
    split(slot, stream, {}, true);
    pipe.fd.reset();
  }
}

}  // namespace mtask::detail
