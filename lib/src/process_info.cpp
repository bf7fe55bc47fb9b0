#include "process_info.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <string_view>

namespace mtask::detail {

std::size_t thread_count() {
  const int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buffer[4096];
  const ssize_t n = read(fd, buffer, sizeof buffer);
  close(fd);
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

void raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace mtask::detail
