// Report files: the check before the run and the write at its end share the rule of
// posix::way_to_write, so that what is checked is what is done.
#include "mtask/report/report_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "mtask/text/quote.hpp"
#include "posix/atomic_file.hpp"

namespace mtask {
namespace {

std::string reason(int error) { return std::generic_category().message(error); }

/// Why no file can be created in directory `parent` (a path's parent_path(), "" for ".").
std::string cannot_create_in(const std::string& parent) {
  // A C string rather than an assignment of "." to the std::string: GCC 12 warns about the
  // assignment in an optimised build (-Wrestrict, a false positive).
  const char* const dir = parent.empty() ? "." : parent.c_str();
  struct stat st {};
  if (::stat(dir, &st) != 0) {
    if (errno == ENOENT) return fmt::format("no directory {}", quote_arg(dir));
    return fmt::format("cannot reach {}: {}", quote_arg(dir), reason(errno));
  }
  if (!S_ISDIR(st.st_mode)) return fmt::format("{} is not a directory", quote_arg(dir));
  if (::access(dir, W_OK | X_OK) != 0) {
    return fmt::format("cannot create files in {}: {}", quote_arg(dir), reason(errno));
  }
  return {};
}

std::string parent_of(const std::string& path) {
  return std::filesystem::path(path).parent_path().string();
}

/// A file that exists (or a symlink followed to one): it must be writable and not a directory.
std::string cannot_write_existing(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return fmt::format("cannot reach it: {}", reason(errno));
    // A symlink to nothing: writing through it creates the file it names.
    std::error_code error;
    const std::filesystem::path to = std::filesystem::read_symlink(path, error);
    if (error) return fmt::format("cannot read the link: {}", error.message());
    const std::filesystem::path target =
        to.is_absolute() ? to : std::filesystem::path(parent_of(path)) / to;
    return cannot_create_in(target.parent_path().string());
  }
  if (S_ISDIR(st.st_mode)) return "is a directory";
  if (::access(path.c_str(), W_OK) != 0) return fmt::format("cannot write it: {}", reason(errno));
  return {};
}

}  // namespace

std::string cannot_write_report(const std::string& path, ReportWriting how) {
  std::error_code error;
  const std::optional<posix::WriteWay> way = posix::way_to_write(path, error);
  if (!way) {
    if (error.value() == EISDIR) return "is a directory";
    return fmt::format("cannot reach it: {}", error.message());
  }
  struct stat st {};
  const bool exists = ::lstat(path.c_str(), &st) == 0;
  if (exists) {
    if (std::string why = cannot_write_existing(path); !why.empty()) return why;
    // A regular file written whole is replaced: the temporary is made beside it.
    if (*way == posix::WriteWay::kReplace && how == ReportWriting::kWhole) {
      return cannot_create_in(parent_of(path));
    }
    return {};
  }
  return cannot_create_in(parent_of(path));
}

std::string write_report_file(const std::string& path, std::string_view content) {
  const std::optional<posix::FileError> error = posix::write_file_atomically(path, content);
  return error ? error->message() : std::string();
}

}  // namespace mtask
