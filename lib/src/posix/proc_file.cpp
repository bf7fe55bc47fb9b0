#include "posix/proc_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "posix/unique_fd.hpp"

namespace mtask::posix {
namespace {

/// One read of `fd` into `buffer`, again after EINTR.
ssize_t read_once(int fd, char* buffer, std::size_t size) noexcept {
  ssize_t n;
  do {
    n = read(fd, buffer, size);
  } while (n < 0 && errno == EINTR);
  return n;
}

}  // namespace

bool read_proc_file(const char* path, std::string& text) {
  const UniqueFd fd(open(path, O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  char buffer[4096];
  ssize_t n;
  while ((n = read_once(fd.get(), buffer, sizeof buffer)) > 0) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return n == 0;
}

ssize_t read_proc_start(const char* path, std::span<char> buffer) noexcept {
  return read_proc_start(AT_FDCWD, path, buffer);
}

ssize_t read_proc_start(int dir, const char* path, std::span<char> buffer) noexcept {
  const int fd = openat(dir, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  const ssize_t n = read_once(fd, buffer.data(), buffer.size());
  close(fd);
  return n;
}

}  // namespace mtask::posix
