#include "posix/fd.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace mtask::posix {
namespace {

// Waits until `fd` can take more bytes. False when it never will.
bool wait_writable(int fd) noexcept {
  pollfd entry{.fd = fd, .events = POLLOUT, .revents = 0};
  while (true) {
    const int ready = ::poll(&entry, 1, -1);
    // POLLERR or POLLHUP: the next write() says why (EPIPE for a pipe without reader).
    if (ready >= 0) return (entry.revents & POLLNVAL) == 0;
    if (errno != EINTR) return false;
  }
}

}  // namespace

long write_now(int fd, const void* data, std::size_t size) noexcept {
  const char* p = static_cast<const char*>(data);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t written = ::write(fd, p + done, size - done);
    if (written > 0) {
      done += static_cast<std::size_t>(written);
      continue;
    }
    if (written < 0 && errno == EINTR) continue;
    if (written == 0 || errno == EAGAIN || errno == EWOULDBLOCK) break;
    return -1;
  }
  return static_cast<long>(done);
}

bool write_all(int fd, const void* data, std::size_t size) noexcept {
  // What write_now() cannot write yet waits for the descriptor to take more (a non-blocking
  // one that is full).
  const char* p = static_cast<const char*>(data);
  for (;;) {
    const long written = write_now(fd, p, size);
    if (written < 0) return false;
    p += written;
    size -= static_cast<std::size_t>(written);
    if (size == 0) return true;
    if (!wait_writable(fd)) return false;
  }
}

void close_from(int first) noexcept {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0U, 0U) == 0) return;
#endif
  const long max_fd = ::sysconf(_SC_OPEN_MAX);
  for (long fd = first; fd < max_fd && fd < 65536; ++fd) ::close(static_cast<int>(fd));
}

std::error_code make_pipe(Pipe& pipe, int flags) noexcept {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | flags) != 0) return {errno, std::generic_category()};
  pipe.read.reset(fds[0]);
  pipe.write.reset(fds[1]);
  return {};
}

}  // namespace mtask::posix
