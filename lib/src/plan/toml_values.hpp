#pragma once
// The values of mtask.toml, each checked for its type and rule; an error points at the value
// (docs/tasks.md, "Errors in a task file").

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "mtask/grammar/duration.hpp"
#include "mtask/plan/task_file.hpp"

namespace mtask::detail {

/// Reads the values of one file; every error names the file.
class TomlValues {
 public:
  explicit TomlValues(std::string_view file) : file_(file) {}

  /// Where `region` begins.
  static FilePlace place(const toml::source_region& region);

  /// Throws UsageError "FILE:LINE:COLUMN: message" at the beginning of `region`.
  [[noreturn]] void fail(const toml::source_region& region, std::string_view message) const;

  /// An integer from `min` to `max`.
  std::uint64_t whole(const toml::node& node, std::string_view key, std::uint64_t min,
                      std::uint64_t max) const;
  /// A DURATION as a string ("200ms"), or a number of seconds.
  Duration duration(const toml::node& node, std::string_view key) const;
  bool boolean(const toml::node& node, std::string_view key) const;
  /// A string without NUL bytes; `allow_blank` false: with more than blanks in it.
  std::string string(const toml::node& node, std::string_view key, bool allow_blank) const;
  const toml::table& table(const toml::node& node, std::string_view key) const;
  const toml::array& array(const toml::node& node, std::string_view key) const;

 private:
  /// "KEY: expected WHAT, not A TYPE", at the value.
  [[noreturn]] void fail_type(const toml::node& node, std::string_view key,
                              std::string_view what) const;

  std::string_view file_;
};

/// The keys of `table` with their values in the file's order (toml++ keeps them sorted by
/// name): checks then meet errors in the order a reader fixes them, top to bottom.
std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(const toml::table& table);

/// The task NAME of `[tasks.NAME]`, read from its table (toml_task.cpp).
FileTask read_toml_task(const TomlValues& values, std::string_view name, const toml::table& table);

}  // namespace mtask::detail
