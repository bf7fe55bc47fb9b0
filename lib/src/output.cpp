#include "mtask/output.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace mtask {
namespace {

// Output is written out once this much is buffered, even before flush().
constexpr std::size_t kFlushThreshold = 64 * 1024;

// Waits until `fd` can take more bytes. Returns false when it never will.
bool wait_writable(int fd) {
  pollfd entry{.fd = fd, .events = POLLOUT, .revents = 0};
  while (true) {
    const int ready = ::poll(&entry, 1, -1);
    if (ready >= 0) {
      // POLLERR or POLLHUP: the next write() reports why (EPIPE for a pipe without reader).
      return (entry.revents & POLLNVAL) == 0;
    }
    if (errno != EINTR) return false;
  }
}

// Writes all of `text`, through partial writes, EINTR and EAGAIN. Returns false on any other
// error (EPIPE when the reader is gone).
bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written > 0) {
      text.remove_prefix(static_cast<std::size_t>(written));
      continue;
    }
    if (written < 0 && errno == EINTR) continue;
    const bool would_block = written == 0 || errno == EAGAIN || errno == EWOULDBLOCK;
    if (!would_block || !wait_writable(fd)) return false;
  }
  return true;
}

}  // namespace

FdOutput::~FdOutput() { flush(); }

void FdOutput::write(std::string_view text) {
  if (broken_) return;
  if (text.size() > kFlushThreshold - used_) {
    flush();
    if (broken_) return;
    if (text.size() >= kFlushThreshold) {
      broken_ = !write_all(fd_, text);  // too big to gain from the buffer
      return;
    }
  }
  if (!buffer_) buffer_ = std::make_unique<char[]>(kFlushThreshold);
  std::memcpy(buffer_.get() + used_, text.data(), text.size());
  used_ += text.size();
  if (used_ == kFlushThreshold) flush();
}

bool FdOutput::flush() {
  if (!broken_ && used_ > 0) broken_ = !write_all(fd_, std::string_view(buffer_.get(), used_));
  used_ = 0;
  if (broken_) buffer_.reset();  // output is dropped from now on
  return !broken_;
}

}  // namespace mtask
