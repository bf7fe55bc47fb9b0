#include "mtask/report/output.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "posix/fd.hpp"

namespace mtask {
namespace {

// Output is written out once this much is buffered, even before flush().
constexpr std::size_t kFlushThreshold = 64 * 1024;

}  // namespace

FdOutput::~FdOutput() { flush(); }

void FdOutput::write_out(std::string_view text) {
  errno = 0;
  if (posix::write_all(fd_, text)) return;
  broken_ = true;
  error_ = errno != 0 ? errno : EIO;  // a write of 0 bytes that poll() did not explain
}

void FdOutput::write(std::string_view text) {
  if (broken_) return;
  if (text.size() > kFlushThreshold - used_) {
    flush();
    if (broken_) return;
    if (text.size() >= kFlushThreshold) {
      write_out(text);  // too big to gain from the buffer
      return;
    }
  }
  if (!buffer_) buffer_ = std::make_unique<char[]>(kFlushThreshold);
  std::memcpy(buffer_.get() + used_, text.data(), text.size());
  used_ += text.size();
  if (used_ == kFlushThreshold) flush();
}

bool FdOutput::flush() {
  if (!broken_ && used_ > 0) write_out(std::string_view(buffer_.get(), used_));
  used_ = 0;
  if (broken_) buffer_.reset();  // output is dropped from now on
  return !broken_;
}

}  // namespace mtask
