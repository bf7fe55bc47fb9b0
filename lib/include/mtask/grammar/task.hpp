#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mtask/grammar/duration.hpp"

namespace mtask {

/// The largest COUNT the grammar accepts.
inline constexpr std::uint64_t kMaxCount = 1'000'000'000;
/// The longest NAME, in code points.
inline constexpr std::size_t kMaxNameLength = 32;

/// One TASK argument as the user wrote it: what it gives, and what it leaves to the defaults.
/// The members have default initializers so that designated initializers may leave any of
/// them out without -Wmissing-field-initializers.
struct TaskSpec {
  std::string name{};
  std::optional<std::uint64_t> count{};
  std::optional<Duration> interval{};
  std::optional<std::string> command{};

  bool operator==(const TaskSpec&) const = default;
};

/// Parses TASK = NAME [":" COUNT] ["@" INTERVAL] ["=" COMMAND] (docs/grammar.md).
/// Throws UsageError with a one-line message that quotes `arg` and names the rule broken,
/// e.g. `'sing:3@1parsec': unknown duration unit 'parsec' (use ns, us, ms, s, m, h)`.
TaskSpec parse_task(std::string_view arg);

/// Parses a COUNT on its own (as `--count` takes it): decimal digits, 0 to kMaxCount, never
/// wrapping. Throws UsageError naming the rule (without quoting the input).
std::uint64_t parse_count(std::string_view text);

/// Checks a NAME on its own (docs/grammar.md); returns an empty string when it is valid, else the
/// rule it breaks.
std::string name_error(std::string_view name);

/// The canonical text of a spec, which parse_task reads back to an equal spec.
std::string to_string(const TaskSpec& spec);

/// Values that replace the built-in defaults for tasks that do not give their own
/// (`--count`, `--interval`).
struct TaskDefaults {
  std::optional<std::uint64_t> count{};
  std::optional<Duration> interval{};
};

/// A task ready to run: every field decided.
struct Task {
  std::string name{};
  std::uint64_t count = 3;
  Duration interval = std::chrono::milliseconds(500);
  std::string command{};  ///< empty for a built-in task
  std::size_t index = 0;  ///< position in the task list (command line or file), from 0
  // What a task file may give a task beyond the TASK grammar (docs/tasks.md).
  std::optional<Duration> timeout{};                       ///< its own --timeout; unset: the run's
  std::optional<std::uint64_t> retries{};                  ///< its own --retries; unset: the run's
  std::vector<std::pair<std::string, std::string>> env{};  ///< set in its environment
  std::string cwd{};  ///< its working directory; empty: mtask's
  // Services, readiness and needs (docs/smoke.md).
  bool service = false;
  std::string ready{};                      ///< the readiness probe as written; empty: none
  std::optional<Duration> ready_timeout{};  ///< unset: the default
  std::vector<std::string> needs{};         ///< names of tasks that must be ready first
  /// In this slice of the task list (--shard, --resume-failed) only because a task of it
  /// needs it: reported as such, and left out of JUnit unless it failed (docs/smoke.md).
  bool needed_only = false;

  bool is_command() const { return !command.empty(); }
};

/// Applies the defaults of docs/grammar.md: a built-in task runs 3 times at 0.5 s, a command task
/// once with no interval; `defaults` replace those for whatever the spec leaves out.
Task resolve(const TaskSpec& spec, const TaskDefaults& defaults, std::size_t index);

}  // namespace mtask
