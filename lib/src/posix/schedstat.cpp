#include "posix/schedstat.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>

#include "posix/proc_file.hpp"

namespace mtask::posix {
namespace {

/// Skips spaces, then reads one unsigned number; false when there is none.
bool next_number(const char*& at, const char* stop, std::uint64_t& number) noexcept {
  while (at < stop && *at == ' ') ++at;
  const auto [end, error] = std::from_chars(at, stop, number);
  if (error != std::errc{} || end == at) return false;
  at = end;
  return true;
}

}  // namespace

std::optional<SchedStat> parse_schedstat(std::string_view text) noexcept {
  const char* at = text.data();
  const char* const stop = at + text.size();
  std::uint64_t on_cpu = 0;
  std::uint64_t waiting = 0;
  std::uint64_t slices = 0;
  if (!next_number(at, stop, on_cpu) || !next_number(at, stop, waiting) ||
      !next_number(at, stop, slices)) {
    return std::nullopt;
  }
  // A process that ran at all was given a CPU at least once: all zeros is no accounting.
  if (on_cpu == 0 && waiting == 0 && slices == 0) return std::nullopt;
  return SchedStat{Duration(static_cast<Duration::rep>(on_cpu)),
                   Duration(static_cast<Duration::rep>(waiting)), slices};
}

std::optional<SchedStat> read_schedstat(pid_t pid) noexcept { return read_schedstat(-1, pid); }

std::optional<SchedStat> read_schedstat(int proc_dir, pid_t pid) noexcept {
  // "/proc/" only without the directory; the number by to_chars (no format string parsed).
  constexpr std::string_view kProc = "/proc/";
  constexpr std::string_view kFile = "/schedstat";
  char path[48];
  char* at = path;
  if (proc_dir < 0) at = std::copy(kProc.begin(), kProc.end(), at);
  at = std::to_chars(at, path + 24, static_cast<int>(pid)).ptr;
  *std::copy(kFile.begin(), kFile.end(), at) = '\0';
  char text[128];
  const ssize_t size = read_proc_start(proc_dir < 0 ? AT_FDCWD : proc_dir, path, text);
  if (size <= 0) return std::nullopt;
  return parse_schedstat(std::string_view(text, static_cast<std::size_t>(size)));
}

std::optional<std::uint64_t> parse_cpu_busy_ticks(std::string_view text,
                                                  const std::vector<int>& cpus) {
  std::uint64_t busy = 0;
  std::size_t found = 0;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    // "cpuN user nice system idle iowait irq softirq steal guest guest_nice"; the first line,
    // "cpu ...", is every CPU together.
    if (!line.starts_with("cpu") || line.size() < 4 || line[3] == ' ') continue;
    const char* at = line.data() + 3;
    const char* const stop = line.data() + line.size();
    int cpu = -1;
    const auto [after, error] = std::from_chars(at, stop, cpu);
    if (error != std::errc{} || std::find(cpus.begin(), cpus.end(), cpu) == cpus.end()) continue;
    at = after;
    std::uint64_t field[8] = {};
    for (std::uint64_t& number : field) {
      if (!next_number(at, stop, number)) return std::nullopt;
    }
    // user + nice + system + irq + softirq + steal (guest time is already in user).
    busy += field[0] + field[1] + field[2] + field[5] + field[6] + field[7];
    ++found;
  }
  if (found != cpus.size()) return std::nullopt;
  return busy;
}

std::optional<Duration> read_cpu_busy(const std::vector<int>& cpus) {
  std::string text;
  if (!read_proc_file("/proc/stat", text)) return std::nullopt;
  const std::optional<std::uint64_t> ticks = parse_cpu_busy_ticks(text, cpus);
  const long per_second = sysconf(_SC_CLK_TCK);
  if (!ticks || per_second <= 0) return std::nullopt;
  return Duration(static_cast<Duration::rep>(
      *ticks * (1'000'000'000ULL / static_cast<std::uint64_t>(per_second))));
}

}  // namespace mtask::posix
