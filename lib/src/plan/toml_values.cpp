// The values of mtask.toml, checked (docs/tasks.md, "mtask.toml").
#include "plan/toml_values.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "plan/file_text.hpp"

namespace mtask::detail {
namespace {

/// "a string", "an integer", ... for messages.
std::string_view type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date or time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

}  // namespace

FilePlace TomlValues::place(const toml::source_region& region) {
  return FilePlace{static_cast<std::size_t>(region.begin.line),
                   static_cast<std::size_t>(region.begin.column)};
}

void TomlValues::fail(const toml::source_region& region, std::string_view message) const {
  fail_at(file_, place(region), message);
}

void TomlValues::fail_type(const toml::node& node, std::string_view key,
                           std::string_view what) const {
  fail(node.source(), fmt::format("{}: expected {}, not {}", key, what, type_name(node.type())));
}

std::uint64_t TomlValues::whole(const toml::node& node, std::string_view key, std::uint64_t min,
                                std::uint64_t max) const {
  const auto* value = node.as_integer();
  if (value == nullptr) fail_type(node, key, "a whole number");
  const std::int64_t number = value->get();
  if (number < 0 || static_cast<std::uint64_t>(number) < min ||
      static_cast<std::uint64_t>(number) > max) {
    fail(node.source(),
         fmt::format("{} = {}: must be a whole number from {} to {}", key, number, min, max));
  }
  return static_cast<std::uint64_t>(number);
}

Duration TomlValues::duration(const toml::node& node, std::string_view key) const {
  // A number is seconds, as on the command line: its text goes through the same rules.
  std::string text;
  if (const auto* string = node.as_string()) {
    text = string->get();
  } else if (const auto* integer = node.as_integer()) {
    text = fmt::format("{}", integer->get());
  } else if (const auto* number = node.as_floating_point()) {
    text = fmt::format("{}", number->get());
  } else {
    fail_type(node, key, "a duration (a string such as \"200ms\", or seconds)");
  }
  try {
    return parse_duration(text);
  } catch (const UsageError& error) {
    fail(node.source(), fmt::format("{} = {}: {}", key, quote_arg(text), error.what()));
  }
}

bool TomlValues::boolean(const toml::node& node, std::string_view key) const {
  const auto* value = node.as_boolean();
  if (value == nullptr) fail_type(node, key, "true or false");
  return value->get();
}

std::string TomlValues::string(const toml::node& node, std::string_view key,
                               bool allow_blank) const {
  const auto* value = node.as_string();
  if (value == nullptr) fail_type(node, key, "a string");
  const std::string& text = value->get();
  if (text.find('\0') != std::string::npos) {
    fail(node.source(), fmt::format("{}: must not contain a NUL byte", key));
  }
  if (!allow_blank &&
      std::ranges::all_of(text, [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); })) {
    fail(node.source(), fmt::format("{} = {}: must not be empty", key, quote_arg(text)));
  }
  return text;
}

const toml::table& TomlValues::table(const toml::node& node, std::string_view key) const {
  const auto* value = node.as_table();
  if (value == nullptr) fail_type(node, key, "a table");
  return *value;
}

const toml::array& TomlValues::array(const toml::node& node, std::string_view key) const {
  const auto* value = node.as_array();
  if (value == nullptr) fail_type(node, key, "an array");
  return *value;
}

std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(
    const toml::table& table) {
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (const auto& [key, value] : table) entries.emplace_back(&key, &value);
  std::ranges::sort(entries, [](const auto& a, const auto& b) {
    const toml::source_position& x = a.first->source().begin;
    const toml::source_position& y = b.first->source().begin;
    return std::pair(x.line, x.column) < std::pair(y.line, y.column);
  });
  return entries;
}

}  // namespace mtask::detail
