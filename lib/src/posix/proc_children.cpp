#include "posix/proc_children.hpp"

#include <dirent.h>

#include <charconv>
#include <cstdio>
#include <string>

#include "posix/proc_file.hpp"

namespace mtask::posix {

namespace {

/// Appends the children forked by thread `tid` of process `pid`.
bool read_thread_children(pid_t pid, pid_t tid, std::vector<pid_t>& children) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/task/%d/children", static_cast<int>(pid),
                static_cast<int>(tid));
  std::string text;
  const bool ok = read_proc_file(path, text);
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

}  // namespace

bool read_children(pid_t pid, std::vector<pid_t>& children) {
  // The main thread's first: a kernel without the file says so there, and most processes
  // have no other thread.
  if (!read_thread_children(pid, pid, children)) return false;
  char path[32];
  std::snprintf(path, sizeof path, "/proc/%d/task", static_cast<int>(pid));
  DIR* const dir = opendir(path);
  if (dir == nullptr) return true;  // gone since: what was read is all there is
  while (const dirent* entry = readdir(dir)) {
    pid_t tid = 0;
    const char* const name = entry->d_name;
    const char* const end = name + std::char_traits<char>::length(name);
    if (std::from_chars(name, end, tid).ptr != end || tid <= 0 || tid == pid) continue;
    // A thread that ended meanwhile has no children left to tell.
    read_thread_children(pid, tid, children);
  }
  closedir(dir);
  return true;
}

}  // namespace mtask::posix
