#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mtask {

/// The CPUs this process may run on (sched_getaffinity), in increasing order.
std::vector<int> allowed_cpus();

/// Parses the value of `--cores`: a bare number N takes the first N CPUs of `allowed`; a list
/// of CPU numbers and ranges (`0,2-3`, `1-1`, `3,`) takes exactly those, each of which must be
/// in `allowed`. Returns the CPUs in increasing order, without repeats. Throws UsageError
/// naming the rule broken (and the bad CPU) without quoting the input.
std::vector<int> parse_cpus(std::string_view text, const std::vector<int>& allowed);

/// A CPU list in its shortest form, e.g. "0,2-3".
std::string format_cpus(const std::vector<int>& cpus);

}  // namespace mtask
