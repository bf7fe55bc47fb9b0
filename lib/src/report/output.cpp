#include "mtask/report/output.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>

#include "posix/fd.hpp"

namespace mtask {
namespace {

// Output is written out once this much is buffered, even before flush().
constexpr std::size_t kFlushThreshold = 64 * 1024;
// Queued bytes beyond which a write waits for the reader after all. The run's loop keeps a
// queue far shorter (it stops reading the tasks' pipes at 256 KiB); only a write as large as
// a whole task's --group output goes past this, and it must not cost its size in memory.
constexpr std::size_t kQueueCap = 4 * 1024 * 1024;

}  // namespace

FdOutput::~FdOutput() {
  flush();
  if (shared_ != nullptr) return;  // nothing of its own: `shared_` writes it
  // After the run nothing else waits: what is still queued is written, waiting for the reader
  // (write_all polls on the non-blocking description).
  if (!broken_ && !dropped_ && queued() > 0) {
    posix::write_all(fd_, queue_.data() + queue_start_, queued());
  }
  if (!queuing_) return;
  // The description is ours alone: blocking again, for whatever writes to it after the run.
  // Should that fail, writers after the run see EAGAIN (write_all waits with poll).
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags >= 0) (void)::fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK);
}

bool FdOutput::queue_when_slow() {
  struct stat st {};
  if (queuing_ || ::fstat(fd_, &st) != 0) return queuing_;
  if (!S_ISFIFO(st.st_mode) && !(S_ISCHR(st.st_mode) && ::isatty(fd_) == 1)) return false;
  // A description of our own: setting O_NONBLOCK on fd_'s would change it for the shell and
  // every other process that shares it. It takes fd_'s number, so that no descriptor more is
  // used (a run may be short of them). A pipe without a reader cannot be opened: then fd_ is
  // kept and its next write fails with EPIPE as before.
  const std::string path = "/proc/self/fd/" + std::to_string(fd_);
  const int own = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (own < 0) return false;
  queuing_ = ::dup2(own, fd_) == fd_;
  ::close(own);
  return queuing_;
}

bool FdOutput::share_queue_with(FdOutput& other) {
  struct stat mine {};
  struct stat theirs {};
  if (shared_ != nullptr || !other.queuing_ || other.shared_ != nullptr || &other == this ||
      ::fstat(fd_, &mine) != 0 || ::fstat(other.fd_, &theirs) != 0) {
    return shared_ != nullptr;
  }
  // Same device and inode: the same pipe, FIFO or terminal, whatever the descriptions.
  if (mine.st_dev != theirs.st_dev || mine.st_ino != theirs.st_ino ||
      (mine.st_mode & S_IFMT) != (theirs.st_mode & S_IFMT)) {
    return false;
  }
  flush();  // what came before goes first
  shared_ = &other;
  put_ = end_ = nullptr;  // nothing goes into this buffer any more
  return true;
}

int FdOutput::queued_fd() const { return queued() > 0 ? fd_ : -1; }

void FdOutput::fail() {
  broken_ = true;
  error_ = errno != 0 ? errno : EIO;  // a write of 0 bytes that poll() did not explain
  queue_.clear();
  queue_start_ = 0;
}

void FdOutput::write_queued() {
  if (queued() == 0) return;
  errno = 0;
  const long n = posix::write_now(fd_, queue_.data() + queue_start_, queued());
  if (n < 0) {
    fail();
    return;
  }
  queue_start_ += static_cast<std::size_t>(n);
  if (queue_start_ == queue_.size()) {
    queue_.clear();
    queue_start_ = 0;
  } else if (queue_start_ > queue_.size() / 2) {
    queue_.erase(0, queue_start_);  // keeps what is taken from the front from piling up
    queue_start_ = 0;
  }
}

void FdOutput::drop() {
  dropped_ = true;
  queue_.clear();
  queue_.shrink_to_fit();
  queue_start_ = 0;
  buffer_.reset();
  reset_room();
}

void FdOutput::reset_room() {
  put_ = buffer_ ? buffer_.get() : nullptr;
  end_ = buffer_ ? buffer_.get() + kFlushThreshold : nullptr;
}

void FdOutput::write_out(std::string_view text) {
  errno = 0;
  if (!queuing_) {
    if (!posix::write_all(fd_, text)) fail();
    return;
  }
  // Queued bytes go first, to keep the order; what the reader does not take now joins them.
  write_queued();
  if (broken_) return;
  if (queued() == 0) {
    const long n = posix::write_now(fd_, text.data(), text.size());
    if (n < 0) {
      fail();
      return;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  queue_.append(text);
  if (queued() > kQueueCap) wait_below_cap();
}

void FdOutput::wait_below_cap() {
  // Blocks, in poll(), until the reader has taken the excess: memory stays bounded at the cost
  // of this one wait (docs/reliability.md, "Known limits"). Down to half the cap, so that the
  // front is cut off once per megabytes written, not once per write.
  const std::size_t excess = queued() - kQueueCap / 2;
  if (!posix::write_all(fd_, queue_.data() + queue_start_, excess)) {
    fail();
    return;
  }
  queue_.erase(0, queue_start_ + excess);
  queue_start_ = 0;
}

void FdOutput::write(std::string_view text) {
  if (shared_ != nullptr) {
    shared_->write(text);
    return;
  }
  if (broken_ || dropped_) return;
  if (text.size() > kFlushThreshold - used()) {
    flush();
    if (broken_) return;
    if (text.size() >= kFlushThreshold) {
      write_out(text);  // too big to gain from the buffer
      return;
    }
  }
  if (!buffer_) {
    buffer_ = std::make_unique<char[]>(kFlushThreshold);
    reset_room();
  }
  if (!text.empty()) std::memcpy(put_, text.data(), text.size());
  put_ += text.size();
  if (put_ == end_) flush();
}

bool FdOutput::flush() {
  if (shared_ != nullptr) return shared_->flush();
  if (!broken_ && !dropped_ && used() > 0) {
    write_out(std::string_view(buffer_.get(), used()));
  } else if (!broken_ && !dropped_) {
    write_queued();
  }
  if (broken_) buffer_.reset();  // output is dropped from now on
  reset_room();
  return !broken_;
}

}  // namespace mtask
