#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "posix/unique_fd.hpp"

namespace mtask::posix {

/// A system call that failed while writing a file, the file it was about, and why.
struct FileError {
  std::string
      call;  ///< "lstat", "mkstemp", "fchmod", "open", "write", "fsync", "close" or "rename"
  std::string path;  ///< the file the call was about (the temporary, or the target)
  std::error_code error;

  /// The reason alone, e.g. "No such file or directory".
  std::string reason() const { return error.message(); }
  /// e.g. "open out.svg: No such file or directory".
  std::string message() const;
};

/// How a file is written at a path (docs/output.md, "Report files").
enum class WriteWay {
  kReplace,  ///< a regular file, or nothing yet: through a temporary renamed over it
  kThrough,  ///< a symlink, a device, a FIFO: opened and written as it is, never replaced
};

/// How `path` is to be written, from lstat(): kReplace for a regular file or a missing one,
/// kThrough for anything else but a directory. A directory is EISDIR in `error`, as is any
/// other failure of lstat; nullopt then.
std::optional<WriteWay> way_to_write(const std::string& path, std::error_code& error);

/// Opens `path` to write a stream into it as it is (created or truncated; a symlink, device or
/// FIFO written through). When `path` is mtask's own standard output or error (`/dev/stdout`
/// redirected to a file), a duplicate of that descriptor, so that what mtask writes there is
/// not overwritten from offset 0. -1 with errno when it cannot be opened.
int open_stream(const std::string& path, mode_t mode) noexcept;

/// A file written whole or not at all, that never clobbers what is not a regular file.
/// A regular file (or a missing one) is written to a temporary made with mkstemp beside it,
/// named `.NAME.XXXXXX`, which commit() renames over it: a reader never sees half of it, and
/// no file of the user's (such as `NAME.tmp`) is touched. A temporary that is not committed
/// (an error, an exception, a change of mind) is removed. A symlink, a device (`/dev/stdout`)
/// or a FIFO is opened and written through instead; a target that is mtask's own standard
/// output or error is written on a duplicate of that descriptor, after what is already there.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path, mode_t mode = 0666);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() { discard(); }

  const std::string& path() const { return path_; }
  /// The temporary once open() made one; empty before, or when written through.
  const std::string& temporary() const { return temporary_; }
  /// True once open() found a target to write through rather than replace.
  bool through() const { return through_; }

  /// Makes the temporary, or opens the target to write through it.
  std::optional<FileError> open();
  /// The descriptor to write once open() worked, else -1.
  int fd() const { return fd_.get(); }
  /// Writes all of `data`; removes the temporary on failure.
  std::optional<FileError> write(std::string_view data);
  /// Closes the file (after fsync when `sync`) and renames the temporary to the path; removes
  /// it on failure.
  std::optional<FileError> commit(bool sync = false);
  /// Closes the file and removes the temporary, if there is one.
  void discard() noexcept;

 private:
  /// The error of `call` from errno, after the temporary is gone.
  FileError fail(const char* call, const std::string& about);
  std::optional<FileError> open_temporary();
  std::optional<FileError> open_through();
  /// The file being written: the temporary, or the path.
  const std::string& written() const { return through_ ? path_ : temporary_; }

  std::string path_;
  std::string temporary_;
  mode_t mode_;
  UniqueFd fd_;
  bool through_ = false;
  bool exists_ = false;  ///< the temporary is on disk
};

/// Writes `content` to `path` through an AtomicFile.
std::optional<FileError> write_file_atomically(const std::string& path, std::string_view content,
                                               bool sync = false);

}  // namespace mtask::posix
