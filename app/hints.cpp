// Hints for a first run: names that are also commands, intervals without a unit.
#include "hints.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/grammar/duration.hpp"
#include "mtask/grammar/probe.hpp"

namespace app {
namespace {

/// Over a minute is more than a demo task waits between lines; a bare number that large was
/// most likely meant in milliseconds.
constexpr mtask::Duration kLongestLikely = std::chrono::seconds(60);

/// The distinct demo task names looked up on PATH, at most.
constexpr std::size_t kNamesLookedUp = 32;

/// Whether `text` is a number without a unit that means more than a minute.
bool is_long_bare_number(std::string_view text) {
  if (text.empty() ||
      !std::ranges::all_of(text, [](char c) { return c == '.' || (c >= '0' && c <= '9'); })) {
    return false;
  }
  try {
    return mtask::parse_duration(text) > kLongestLikely;
  } catch (const mtask::UsageError&) {
    return false;  // the parser says what is wrong with it
  }
}

}  // namespace

bool is_command_on_path(const std::string& name, const char* path) {
  if (path == nullptr || name.find('/') != std::string::npos) return false;
  std::string_view dirs = path;
  while (!dirs.empty()) {
    const std::size_t colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
    // An empty entry is the current directory, as for the shell.
    const std::string file = fmt::format("{}/{}", dir.empty() ? "." : dir, name);
    struct stat info {};
    if (stat(file.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
        access(file.c_str(), X_OK) == 0) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> command_name_hints(
    const std::vector<mtask::Task>& tasks,
    const std::function<bool(const std::string&)>& is_command) {
  std::unordered_set<std::string_view> seen;
  std::vector<std::string> hints;
  for (const mtask::Task& task : tasks) {
    if (task.is_command() || !seen.insert(task.name).second) continue;
    // A job that forgot '=' names a few commands; thousands of demo tasks are not looked up
    // on PATH one by one before the run (docs/usage.md, "Mistakes mtask answers").
    if (seen.size() > kNamesLookedUp) break;
    if (!is_command(task.name)) continue;
    const std::string name = mtask::quote_arg(task.name);
    hints.push_back(fmt::format("{} is a built-in demo task; to run the command write {}", name,
                                mtask::quote_arg(task.name + "=" + task.name)));
  }
  return hints;
}

std::string bare_interval_hint(std::string_view task) {
  const std::string_view head = task.substr(0, task.find('='));
  const std::size_t at = head.find('@');
  if (at == std::string_view::npos) return {};
  const std::string_view interval = head.substr(at + 1);
  if (!is_long_bare_number(interval)) return {};
  std::string meant(task);
  meant.insert(at + 1 + interval.size(), "ms");
  return fmt::format("{}: INTERVAL {} has no unit, so it is {} seconds (did you mean {}?)",
                     mtask::quote_arg(task), interval, interval, mtask::quote_arg(meant));
}

std::vector<std::string> unserviced_probe_hints(const std::vector<mtask::Task>& tasks) {
  std::unordered_set<std::string_view> seen;
  std::vector<std::string> hints;
  for (const mtask::Task& task : tasks) {
    if (task.service || task.ready.empty() || !seen.insert(task.name).second) continue;
    const mtask::Probe probe = mtask::probe_of(task);  // checked when the tasks were read
    if (!probe.watches()) continue;
    hints.push_back(fmt::format(
        "{} has a readiness probe ({}) but is no service: the run waits for it to end; if it "
        "runs until stopped, make it a service (--service {}, or service = true)",
        mtask::quote_arg(task.name), probe.text, task.name));
  }
  return hints;
}

std::string bare_interval_option_hint(std::string_view value) {
  if (!is_long_bare_number(value)) return {};
  return fmt::format(
      "--interval {}: a number without a unit is seconds, so it is {} seconds "
      "(did you mean '{}ms'?)",
      mtask::quote_arg(value), value, value);
}

}  // namespace app
