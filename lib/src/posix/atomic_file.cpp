#include "posix/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <utility>

#include <fmt/format.h>

#include "posix/fd.hpp"

namespace mtask::posix {

std::string FileError::message() const { return fmt::format("{} {}: {}", call, path, reason()); }

AtomicFile::AtomicFile(std::string path, mode_t mode)
    : path_(std::move(path)), temporary_(path_ + ".tmp"), mode_(mode) {}

FileError AtomicFile::fail(const char* call, const std::string& about) {
  const int saved = errno;
  discard();
  return FileError{call, about, std::error_code(saved, std::generic_category())};
}

std::optional<FileError> AtomicFile::open() {
  discard();
  fd_.reset(::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_));
  if (!fd_) return fail("open", temporary_);
  exists_ = true;
  return std::nullopt;
}

std::optional<FileError> AtomicFile::write(std::string_view data) {
  if (!fd_) errno = EBADF;
  if (!fd_ || !write_all(fd_.get(), data)) return fail("write", temporary_);
  return std::nullopt;
}

std::optional<FileError> AtomicFile::commit(bool sync) {
  if (!fd_) {
    errno = EBADF;
    return fail("close", temporary_);
  }
  if (sync && ::fsync(fd_.get()) != 0) return fail("fsync", temporary_);
  // close() reports the last write errors of some file systems (NFS): it must be checked.
  if (::close(fd_.release()) != 0) return fail("close", temporary_);
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) return fail("rename", path_);
  exists_ = false;
  return std::nullopt;
}

void AtomicFile::discard() noexcept {
  fd_.reset();
  if (exists_) ::unlink(temporary_.c_str());
  exists_ = false;
}

std::optional<FileError> write_file_atomically(const std::string& path, std::string_view content,
                                               bool sync) {
  AtomicFile file(path);
  if (auto error = file.open()) return error;
  if (auto error = file.write(content)) return error;
  return file.commit(sync);
}

}  // namespace mtask::posix
