#include "posix/proc_scan.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "posix/proc_file.hpp"

namespace mtask::posix {
namespace {

/// "/proc/PID/NAME" in `path`.
void proc_path(pid_t pid, std::string_view name, char (&path)[40]) noexcept {
  std::memcpy(path, "/proc/", 6);
  char* end = std::to_chars(path + 6, path + 24, pid).ptr;
  *end++ = '/';
  std::memcpy(end, name.data(), name.size());
  end[name.size()] = '\0';
}

/// The layout getdents64 fills in (the C library declares no type for it).
struct LinuxDirent64 {
  ino64_t d_ino;
  off64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[1];
};

}  // namespace

bool read_stat(pid_t pid, ProcStat& stat) noexcept {
  char path[40];
  proc_path(pid, "stat", path);
  char text[1024];
  const ssize_t size = read_proc_start(path, text);
  if (size <= 0) return false;
  // "PID (COMM) STATE PPID PGRP SESSION TTY TPGID FLAGS ... PROCESSOR ...": COMM may hold
  // anything, so the fields are counted from the last ')'.
  const char* const stop = text + size;
  const char* at = stop;
  while (at != text && at[-1] != ')') --at;
  if (at == text || stop - at < 4 || at[0] != ' ') return false;
  stat.state = at[1];
  at += 3;
  int ppid = -1;
  const auto [after_ppid, error] = std::from_chars(at, stop, ppid);
  if (error != std::errc{}) return false;
  stat.ppid = ppid;
  at = after_ppid;
  // Field 4 is PPID; each later field is found after one more space.
  stat.pgrp = -1;
  stat.flags = 0;
  stat.processor = -1;
  for (int field = 4; at < stop && field < 39; ++at) {
    if (*at != ' ') continue;
    ++field;
    if (field == 5) std::from_chars(at + 1, stop, stat.pgrp);
    if (field == 9) std::from_chars(at + 1, stop, stat.flags);
    if (field == 39) std::from_chars(at + 1, stop, stat.processor);
  }
  return true;
}

long parse_decimal(std::string_view text) noexcept {
  long number = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc{} || end == text.data()) return -1;
  return number;
}

std::ptrdiff_t find_in_environ(pid_t pid, std::string_view prefix, std::span<char> buffer,
                               std::span<char> value) noexcept {
  char path[40];
  proc_path(pid, "environ", path);
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  std::size_t held = 0;   // bytes of an unfinished entry at the start of buffer
  bool skipping = false;  // inside an entry too long for buffer: ignored to its end
  std::ptrdiff_t found = -1;
  for (bool end = false; !end && found < 0;) {
    const ssize_t n = read(fd, buffer.data() + held, buffer.size() - held);
    if (n < 0 && errno == EINTR) continue;
    end = n <= 0;
    std::size_t size = held + (n > 0 ? static_cast<std::size_t>(n) : 0);
    // At the end, a last entry without its NUL still counts.
    if (end && size > 0 && size < buffer.size()) buffer[size++] = '\0';
    std::size_t start = 0;
    for (std::size_t i = 0; i < size && found < 0; ++i) {
      if (buffer[i] != '\0') continue;
      const std::string_view entry(buffer.data() + start, i - start);
      if (!skipping && entry.starts_with(prefix)) {
        const std::size_t copied = std::min(entry.size() - prefix.size(), value.size());
        std::copy_n(entry.data() + prefix.size(), copied, value.data());
        found = static_cast<std::ptrdiff_t>(copied);
      }
      skipping = false;
      start = i + 1;
    }
    held = size - start;
    if (held == buffer.size()) {
      held = 0;
      skipping = true;
    } else if (held > 0) {
      std::memmove(buffer.data(), buffer.data() + start, held);
    }
  }
  close(fd);
  return found;
}

bool for_each_process(std::span<char> buffer, void (*visit)(pid_t pid, void* context),
                      void* context) noexcept {
  const int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  for (;;) {
    const long n = syscall(SYS_getdents64, fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (long at = 0; at < n;) {
      const auto* entry = reinterpret_cast<const LinuxDirent64*>(buffer.data() + at);
      at += entry->d_reclen;
      const long pid = parse_decimal(entry->d_name);
      if (pid > 0) visit(static_cast<pid_t>(pid), context);
    }
  }
  close(fd);
  return true;
}

}  // namespace mtask::posix
