// `--cores`: which CPUs the tasks may run on.
#include "mtask/grammar/cpu_set.hpp"

#include <sched.h>

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/text/decimal.hpp"

namespace mtask {
namespace {

/// Larger than any CPU number Linux supports (CONFIG_NR_CPUS is at most 8192).
constexpr int kMaxCpu = 1 << 16;

/// A CPU number: decimal digits only, below kMaxCpu.
int cpu_number(std::string_view text) {
  if (text.empty())
    throw UsageError("empty CPU number (use a count, e.g. 2, or a list, e.g. 0,2-3)");
  const std::optional<Decimal> cpu = parse_decimal(text, kMaxCpu - 1);
  if (!cpu) {
    throw UsageError(
        fmt::format("'{}' is not a CPU number (use a count, e.g. 2, or a list, e.g. 0,2-3)", text));
  }
  if (cpu->over) throw UsageError(fmt::format("CPU {} does not exist", text));
  return static_cast<int>(cpu->value);
}

std::vector<int> first_cpus(std::string_view text, const std::vector<int>& allowed) {
  const int n = cpu_number(text);
  if (n == 0) throw UsageError("needs at least one CPU");
  if (static_cast<std::size_t>(n) > allowed.size()) {
    throw UsageError(fmt::format("{} CPUs asked for, but mtask may use only {} ({})", n,
                                 allowed.size(), format_cpus(allowed)));
  }
  return {allowed.begin(), allowed.begin() + n};
}

std::vector<int> cpu_list(std::string_view text, const std::vector<int>& allowed) {
  std::vector<int> cpus;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) {
      if (comma != std::string_view::npos && text.empty()) break;  // a trailing comma: "3,"
      throw UsageError("empty item in the CPU list");
    }
    const std::size_t dash = item.find('-');
    const int first = cpu_number(item.substr(0, dash));
    const int last = dash == std::string_view::npos ? first : cpu_number(item.substr(dash + 1));
    if (last < first) throw UsageError(fmt::format("range {}-{} goes backwards", first, last));
    for (int cpu = first; cpu <= last; ++cpu) {
      if (!std::ranges::binary_search(allowed, cpu)) {
        throw UsageError(
            fmt::format("CPU {} is not available (mtask may use {})", cpu, format_cpus(allowed)));
      }
      cpus.push_back(cpu);
    }
  }
  std::ranges::sort(cpus);
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

}  // namespace

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (std::size_t cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(static_cast<int>(cpu));
  }
  return cpus;
}

std::vector<int> parse_cpus(std::string_view text, const std::vector<int>& allowed) {
  if (text.empty()) throw UsageError("needs a count of CPUs or a CPU list");
  const bool is_list = text.find_first_of(",-") != std::string_view::npos;
  return is_list ? cpu_list(text, allowed) : first_cpus(text, allowed);
}

std::string format_cpus(const std::vector<int>& cpus) {
  std::string text;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!text.empty()) text += ',';
    text += j == i ? fmt::format("{}", cpus[i]) : fmt::format("{}-{}", cpus[i], cpus[j]);
    i = j + 1;
  }
  return text;
}

}  // namespace mtask
