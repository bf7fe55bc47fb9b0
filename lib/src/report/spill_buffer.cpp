#include "mtask/report/spill_buffer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <utility>

#include "posix/fd.hpp"

namespace mtask {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

std::string temp_dir() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

}  // namespace

int open_anonymous_file() {
  const std::string dir = temp_dir();
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  // No O_TMPFILE here (an old kernel, or a file system without it): name it, then unlink it
  // at once, so it is gone from disk before a byte is written.
  std::string path = dir + "/mtask-XXXXXX";
  fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) return -1;
  ::unlink(path.c_str());
  return fd;
}

SpillBuffer::SpillBuffer(SpillBuffer&& other) noexcept
    : memory_limit_(other.memory_limit_),
      memory_(std::move(other.memory_)),
      fd_(std::exchange(other.fd_, -1)),
      spilled_(std::exchange(other.spilled_, 0)),
      dropped_(std::exchange(other.dropped_, 0)) {}

SpillBuffer& SpillBuffer::operator=(SpillBuffer&& other) noexcept {
  if (this != &other) {
    clear();
    memory_limit_ = other.memory_limit_;
    memory_ = std::move(other.memory_);
    fd_ = std::exchange(other.fd_, -1);
    spilled_ = std::exchange(other.spilled_, 0);
    dropped_ = std::exchange(other.dropped_, 0);
  }
  return *this;
}

SpillBuffer::~SpillBuffer() { clear(); }

void SpillBuffer::append(std::string_view bytes) {
  memory_.append(bytes);
  if (memory_.size() > memory_limit_ && !spill()) {
    // No file: keep the first memory_limit_ bytes and count the rest.
    dropped_ += memory_.size() - memory_limit_;
    memory_.resize(memory_limit_);
  }
}

bool SpillBuffer::spill() {
  if (fd_ < 0) fd_ = open_anonymous_file();
  if (fd_ < 0 || !posix::write_all(fd_, memory_)) return false;
  spilled_ += memory_.size();
  memory_.clear();
  return true;
}

void SpillBuffer::write_to(Output& out) const {
  if (fd_ >= 0) {
    std::array<char, kChunk> chunk{};
    off_t offset = 0;
    std::size_t left = spilled_;
    while (left > 0) {
      const ssize_t n = ::pread(fd_, chunk.data(), std::min(left, chunk.size()), offset);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      const auto got = static_cast<std::size_t>(n);
      out.write(std::string_view(chunk.data(), got));
      offset += static_cast<off_t>(got);
      left -= got;
    }
  }
  for (std::size_t at = 0; at < memory_.size(); at += kChunk) {
    out.write(std::string_view(memory_).substr(at, kChunk));
  }
}

std::string SpillBuffer::head(std::size_t n) const {
  // Only what is needed is read: the file first, in chunks, then memory.
  std::string text;
  text.reserve(std::min(n, size()));
  if (fd_ >= 0) {
    std::array<char, kChunk> chunk{};
    off_t offset = 0;
    std::size_t left = std::min(n, spilled_);
    while (left > 0) {
      const ssize_t got = ::pread(fd_, chunk.data(), std::min(left, chunk.size()), offset);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      text.append(chunk.data(), static_cast<std::size_t>(got));
      offset += static_cast<off_t>(got);
      left -= static_cast<std::size_t>(got);
    }
    if (text.size() < std::min(n, spilled_)) return text;  // a read failed: what came
  }
  text.append(std::string_view(memory_).substr(0, n - text.size()));
  return text;
}

void SpillBuffer::clear() {
  std::string().swap(memory_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  spilled_ = 0;
  dropped_ = 0;
}

}  // namespace mtask
