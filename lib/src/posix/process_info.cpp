#include "posix/process_info.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "posix/proc_file.hpp"

namespace mtask::detail {

std::size_t thread_count() {
  char buffer[4096];
  const ssize_t n = posix::read_proc_start("/proc/self/status", buffer);
  if (n <= 0) return 0;
  const std::string_view text(buffer, static_cast<std::size_t>(n));
  constexpr std::string_view kKey = "\nThreads:";
  const std::size_t at = text.find(kKey);
  if (at == std::string_view::npos) return 0;
  std::size_t pos = at + kKey.size();
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  std::size_t count = 0;
  std::from_chars(text.data() + pos, text.data() + text.size(), count);
  return count;
}

std::string describe_limit(int error) {
  rlimit limit{};
  switch (error) {
    case EMFILE:
      getrlimit(RLIMIT_NOFILE, &limit);
      return fmt::format("the limit on open files of a process (RLIMIT_NOFILE = {})",
                         limit.rlim_cur);
    case ENFILE:
      return "the system-wide limit on open files";
    case EAGAIN:
      getrlimit(RLIMIT_NPROC, &limit);
      if (limit.rlim_cur == RLIM_INFINITY) return "the system's limit on processes";
      return fmt::format("the limit on processes of a user (RLIMIT_NPROC = {})", limit.rlim_cur);
    case ENOMEM:
      return "the memory available for a new process";
    default:
      return std::strerror(error);
  }
}

rlim_t raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return RLIM_INFINITY;
  const rlim_t original = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (original != limit.rlim_max) setrlimit(RLIMIT_NOFILE, &limit);
  return original;
}

}  // namespace mtask::detail
