// The one place where the app reads the process's surroundings: the terminals, the
// environment, the system and the task file. make_config() (options.cpp) only decides.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "hints.hpp"
#include "mtask/error.hpp"
#include "mtask/grammar/cpu_set.hpp"
#include "options.hpp"

namespace app {
namespace {

/// A task file larger than this is surely no task file (and would only fill memory).
constexpr std::size_t kMaxTaskFileBytes = 16u << 20;

/// Reads `fd` to its end; throws UsageError saying why it could not.
std::string read_all(int fd) {
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n == 0) return text;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw mtask::UsageError(std::strerror(errno));
    }
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxTaskFileBytes) {
      throw mtask::UsageError(fmt::format("larger than {} MiB", kMaxTaskFileBytes >> 20));
    }
  }
}

std::optional<std::string> read_task_file(const std::string& path) {
  if (path == "-") return read_all(STDIN_FILENO);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw mtask::UsageError(std::strerror(errno));
  }
  struct stat facts {};
  std::optional<std::string> text;
  int error = 0;
  if (fstat(fd, &facts) != 0) {
    error = errno;
  } else if (S_ISDIR(facts.st_mode)) {
    error = EISDIR;
  } else {
    try {
      text = read_all(fd);
    } catch (...) {
      close(fd);
      throw;
    }
  }
  close(fd);
  if (error != 0) throw mtask::UsageError(std::strerror(error));
  return text;
}

std::string cannot_enter(const std::string& path) {
  struct stat facts {};
  if (stat(path.c_str(), &facts) != 0) return std::strerror(errno);
  if (!S_ISDIR(facts.st_mode)) return std::strerror(ENOTDIR);
  if (access(path.c_str(), X_OK) != 0) return std::strerror(errno);
  return {};
}

/// Both exist and are one file: stat() follows symbolic links, so every spelling agrees.
bool same_file(const std::string& a, const std::string& b) {
  struct stat first {};
  struct stat second {};
  if (stat(a.c_str(), &first) != 0 || stat(b.c_str(), &second) != 0) return false;
  return first.st_dev == second.st_dev && first.st_ino == second.st_ino;
}

}  // namespace

Surroundings read_surroundings() {
  Surroundings around;
  around.out = mtask::probe_device(STDOUT_FILENO);
  around.err = mtask::probe_device(STDERR_FILENO);
  around.env = mtask::read_terminal_env();
  around.log_level = std::getenv("MTASK_LOG_LEVEL");
  around.allowed_cpus = mtask::allowed_cpus;
  around.cannot_write_report = mtask::cannot_write_report;
  around.is_command = [path = std::getenv("PATH")](const std::string& name) {
    return is_command_on_path(name, path);
  };
  around.read_file = read_task_file;
  around.cannot_enter = cannot_enter;
  around.getenv = [](const char* name) { return std::getenv(name); };
  around.same_file = same_file;
  return around;
}

}  // namespace app
