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
  std::string call;  ///< "open", "write", "fsync", "close" or "rename"
  std::string path;  ///< the temporary, or for "rename" the file it was to become
  std::error_code error;

  /// The reason alone, e.g. "No such file or directory".
  std::string reason() const { return error.message(); }
  /// e.g. "open out.svg.tmp: No such file or directory".
  std::string message() const;
};

/// A file written whole or not at all: everything goes to PATH.tmp, which commit() renames to
/// PATH, so a reader never sees half of it. A temporary that is not committed (an error, an
/// exception, a change of mind) is removed.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path, mode_t mode = 0666);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() { discard(); }

  const std::string& path() const { return path_; }
  const std::string& temporary() const { return temporary_; }

  /// Creates (or truncates) the temporary.
  std::optional<FileError> open();
  /// The temporary's descriptor once open() worked, else -1.
  int fd() const { return fd_.get(); }
  /// Writes all of `data` to the temporary; removes it on failure.
  std::optional<FileError> write(std::string_view data);
  /// Closes the temporary (after fsync when `sync`) and renames it to the path; removes it on
  /// failure.
  std::optional<FileError> commit(bool sync = false);
  /// Closes and removes the temporary, if there is one.
  void discard() noexcept;

 private:
  /// The error of `call` from errno, after the temporary is gone.
  FileError fail(const char* call, const std::string& about);

  std::string path_;
  std::string temporary_;
  mode_t mode_;
  UniqueFd fd_;
  bool exists_ = false;  ///< the temporary is on disk
};

/// Writes `content` to `path` through an AtomicFile.
std::optional<FileError> write_file_atomically(const std::string& path, std::string_view content,
                                               bool sync = false);

}  // namespace mtask::posix
