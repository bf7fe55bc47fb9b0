#include "posix/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "posix/fd.hpp"

namespace mtask::posix {
namespace {

/// mtask's own standard output or error when `path` names the same file; else -1.
int own_stream_at(const std::string& path) {
  struct stat target {};
  if (::stat(path.c_str(), &target) != 0) return -1;
  for (const int fd : {STDOUT_FILENO, STDERR_FILENO}) {
    struct stat own {};
    if (::fstat(fd, &own) == 0 && own.st_dev == target.st_dev && own.st_ino == target.st_ino) {
      return fd;
    }
  }
  return -1;
}

}  // namespace

int open_stream(const std::string& path, mode_t mode) noexcept {
  if (const int own = own_stream_at(path); own >= 0) return ::fcntl(own, F_DUPFD_CLOEXEC, 3);
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
}

std::string FileError::message() const { return fmt::format("{} {}: {}", call, path, reason()); }

std::optional<WriteWay> way_to_write(const std::string& path, std::error_code& error) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return WriteWay::kReplace;
    error = std::error_code(errno, std::generic_category());
    return std::nullopt;
  }
  if (S_ISREG(st.st_mode)) return WriteWay::kReplace;
  if (S_ISDIR(st.st_mode)) {
    error = std::error_code(EISDIR, std::generic_category());
    return std::nullopt;
  }
  return WriteWay::kThrough;
}

AtomicFile::AtomicFile(std::string path, mode_t mode) : path_(std::move(path)), mode_(mode) {}

FileError AtomicFile::fail(const char* call, const std::string& about) {
  const int saved = errno != 0 ? errno : EIO;
  FileError error{call, about, std::error_code(saved, std::generic_category())};
  discard();
  return error;
}

std::optional<FileError> AtomicFile::open() {
  discard();
  std::error_code error;
  const std::optional<WriteWay> way = way_to_write(path_, error);
  if (!way) return FileError{"lstat", path_, error};
  through_ = *way == WriteWay::kThrough;
  return through_ ? open_through() : open_temporary();
}

std::optional<FileError> AtomicFile::open_temporary() {
  const std::filesystem::path target(path_);
  const std::filesystem::path dir = target.parent_path();
  temporary_ = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  std::vector<char> name(temporary_.begin(), temporary_.end());
  name.push_back('\0');
  fd_.reset(::mkostemp(name.data(), O_CLOEXEC));
  if (!fd_) return fail("mkstemp", temporary_);
  temporary_ = name.data();
  exists_ = true;
  // mkstemp makes the file 0600; the report gets the usual permissions, as open() would.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd_.get(), mode_ & ~mask) != 0) return fail("fchmod", temporary_);
  return std::nullopt;
}

std::optional<FileError> AtomicFile::open_through() {
  // `--junit /dev/stdout` with stdout redirected to a file: opening the file again (with
  // O_TRUNC) would cut off what mtask already wrote there; go on after it instead.
  fd_.reset(open_stream(path_, mode_));
  if (!fd_) return fail("open", path_);
  return std::nullopt;
}

std::optional<FileError> AtomicFile::write(std::string_view data) {
  errno = fd_ ? 0 : EBADF;
  if (!fd_ || !write_all(fd_.get(), data)) return fail("write", written());
  return std::nullopt;
}

std::optional<FileError> AtomicFile::commit(bool sync) {
  if (!fd_) {
    errno = EBADF;
    return fail("close", written());
  }
  if (sync && ::fsync(fd_.get()) != 0 && !(through_ && errno == EINVAL)) {
    return fail("fsync", written());  // a device or a FIFO cannot be synced: nothing to do
  }
  // close() reports the last write errors of some file systems (NFS): it must be checked.
  if (::close(fd_.release()) != 0) return fail("close", written());
  if (!through_ && std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    return fail("rename", path_);
  }
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
