#include "posix/proc_children.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <string>

namespace mtask::posix {

bool read_children(pid_t pid, std::vector<pid_t>& children) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/task/%d/children", static_cast<int>(pid),
                static_cast<int>(pid));
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::string text;
  char buffer[1024];
  bool ok = true;
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ok = false;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  // "PID PID ... " on one line.
  const char* at = text.data();
  const char* const stop = at + text.size();
  while (at < stop) {
    pid_t child = 0;
    const auto [end, error] = std::from_chars(at, stop, child);
    if (error == std::errc{} && child > 0) children.push_back(child);
    at = end == at ? at + 1 : end;
  }
  return ok;
}

}  // namespace mtask::posix
