#pragma once
// The descriptors a test's own process has open: for the checks that a run, a reporter or a
// row of forks leaves none behind.

#include <dirent.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace unit_test {

/// How many descriptors this process has open; the one that lists them is not counted.
inline std::size_t open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  const std::string own = std::to_string(dirfd(dir));
  std::size_t n = 0;
  while (const dirent* entry = readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != ".." && name != own) ++n;
  }
  closedir(dir);
  return n;
}

}  // namespace unit_test
