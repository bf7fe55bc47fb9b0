#pragma once
// Reading the small text files of /proc: one open, read and close, through EINTR.

#include <sys/types.h>

#include <span>
#include <string>

namespace mtask::posix {

/// Appends the whole of the file at `path` (a small /proc file) to `text`. False when it
/// cannot be opened or a read fails (what was read before stays in `text`).
bool read_proc_file(const char* path, std::string& text);

/// Reads the start of the file at `path` into `buffer` with one read: a /proc file of a
/// process gives all it has in one read when the buffer holds it. The bytes read (0 for an
/// empty file), or -1 when it cannot be opened or read. Allocates nothing.
ssize_t read_proc_start(const char* path, std::span<char> buffer) noexcept;
/// The same for `path` relative to the open directory `dir` (AT_FDCWD: as above).
ssize_t read_proc_start(int dir, const char* path, std::span<char> buffer) noexcept;

}  // namespace mtask::posix
