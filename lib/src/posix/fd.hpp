#pragma once

#include <cstddef>
#include <string_view>
#include <system_error>

#include "posix/unique_fd.hpp"

namespace mtask::posix {

/// Writes all of `data` to `fd`, through partial writes and EINTR; on a non-blocking
/// descriptor it waits with poll() while the reader is slow. False on any other error (EPIPE
/// when the reader is gone). Async-signal-safe: children use it between fork and _exit.
bool write_all(int fd, const void* data, std::size_t size) noexcept;
inline bool write_all(int fd, std::string_view text) noexcept {
  return write_all(fd, text.data(), text.size());
}

/// Writes as much of `data` to the non-blocking `fd` as it takes now, through partial writes
/// and EINTR, without waiting. Returns the bytes written, or -1 with errno set on an error
/// other than EAGAIN (EPIPE when the reader is gone).
long write_now(int fd, const void* data, std::size_t size) noexcept;

/// Closes every descriptor from `first` up (close_range where the kernel has it).
/// Async-signal-safe.
void close_from(int first) noexcept;

/// A pipe whose two ends are close-on-exec.
struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

/// Makes a close-on-exec pipe, with `flags` (O_NONBLOCK) on both ends too; the error of pipe2
/// when it fails.
std::error_code make_pipe(Pipe& pipe, int flags = 0) noexcept;

}  // namespace mtask::posix
