// The messages of a command line gone wrong, from what CLI11 knows of mtask's commands and
// options (docs/usage.md, "Mistakes mtask answers").
#include "cli_messages.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "mtask/error.hpp"
#include "mtask/grammar/task.hpp"
#include "mtask/text/suggest.hpp"

namespace app {
namespace {

/// The option of `app` with the long name `name` (without its dashes), or nullptr.
const CLI::Option* find_long(const CLI::App& app, std::string_view name) {
  for (const CLI::Option* option : app.get_options()) {
    if (std::ranges::find(option->get_lnames(), name) != option->get_lnames().end()) return option;
  }
  return nullptr;
}

/// The option of `app` with the short name `letter` (without its dash), or nullptr.
const CLI::Option* find_short(const CLI::App& app, std::string_view letter) {
  for (const CLI::Option* option : app.get_options()) {
    if (std::ranges::find(option->get_snames(), letter) != option->get_snames().end()) {
      return option;
    }
  }
  return nullptr;
}

/// The option an argument `--name=VALUE` or `-X=VALUE` names in `app`, and its name with its
/// dashes; nullptr when it is neither form or `app` has no such option.
std::pair<const CLI::Option*, std::string> named_with_value(const CLI::App& app,
                                                            std::string_view arg) {
  const std::size_t equals = arg.find('=');
  if (equals == std::string_view::npos) return {nullptr, {}};
  if (arg.starts_with("--")) {
    return {find_long(app, arg.substr(2, equals - 2)), std::string(arg.substr(0, equals))};
  }
  if (arg.starts_with("-") && equals == 2) {
    return {find_short(app, arg.substr(1, 1)), std::string(arg.substr(0, 2))};
  }
  return {nullptr, {}};
}

/// Every long name of `app`'s options, without dashes.
std::vector<std::string> long_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back(name);
  }
  return names;
}

/// The option named at the start of CLI11's message ("--jobs: ..."), or nullptr: of the
/// command being parsed first, since several commands declare options of one name (`run` and
/// `list` both have --file, and only the one given has counted its values).
const CLI::Option* named_in(const CLI::App& app, std::string_view message) {
  if (!message.starts_with("--")) return nullptr;
  const std::string_view name = message.substr(2, message.find_first_of(": ") - 2);
  const std::vector<const CLI::App*> commands = app.get_subcommands({});
  for (const CLI::App* command : commands) {
    if (!command->parsed()) continue;
    if (const CLI::Option* option = find_long(*command, name)) return option;
  }
  if (const CLI::Option* option = find_long(app, name)) return option;
  for (const CLI::App* command : commands) {
    if (const CLI::Option* option = find_long(*command, name)) return option;
  }
  return nullptr;
}

/// The long name an option is known by, with its dashes: "--jobs".
std::string long_name(const CLI::Option& option) {
  return option.get_lnames().empty() ? option.get_name() : "--" + option.get_lnames().front();
}

bool looks_like_task(std::string_view value) {
  if (value.find_first_of(":@=") == std::string_view::npos) return false;
  try {
    mtask::parse_task(value);
  } catch (const mtask::UsageError&) {
    return false;
  }
  return true;
}

/// "'-j' is an option of mtask run, not of mtask list" when `word` (`-j`, `-j2`, `--junit`,
/// `--junit=x.xml`) names no option of the command `app` but one of another command; else "".
std::string option_elsewhere(const CLI::App& app, std::string_view word) {
  const CLI::App* top = app.get_parent();
  if (top == nullptr || word.size() < 2 || word[0] != '-') return {};
  const bool is_long = word.starts_with("--");
  const std::string_view name = is_long ? word.substr(2, word.find('=') - 2) : word.substr(1, 1);
  const auto declares = [is_long, name](const CLI::App& command) {
    return is_long ? find_long(command, name) != nullptr : find_short(command, name) != nullptr;
  };
  if (name.empty() || declares(app)) return {};
  for (const CLI::App* other : top->get_subcommands({})) {
    if (other == &app || !declares(*other)) continue;
    return fmt::format(
        "{} is an option of mtask {}, not of mtask {}",
        mtask::quote_arg(is_long ? word.substr(0, name.size() + 2) : word.substr(0, 2)),
        other->get_name(), app.get_name());
  }
  return {};
}

}  // namespace

std::string short_usage() {
  return "mtask runs several tasks at once, one child process each, and shows what happens.\n"
         "\n"
         "Usage: mtask run [OPTIONS] TASK...\n"
         "\n"
         "Try:\n"
         "  mtask run sing:3 dance:3                       two built-in demo tasks at once\n"
         "  mtask run 'lint=make lint' 'test=make test'    two commands at once\n"
         "\n"
         "TASK is NAME[:COUNT][@INTERVAL][=COMMAND]. Every option: mtask run --help\n";
}

void reject_flag_values(const CLI::App& top, const std::vector<std::string>& args) {
  std::vector<const CLI::App*> apps{&top};
  for (const CLI::App* command : top.get_subcommands({})) apps.push_back(command);
  for (const std::string& arg : args) {
    for (const CLI::App* app : apps) {
      const auto [option, name] = named_with_value(*app, arg);
      if (option == nullptr || option->get_expected_max() != 0) continue;
      throw mtask::UsageError(fmt::format("{}: {} takes no value (write {} alone, or leave it out)",
                                          mtask::quote_arg(arg), name, name));
    }
  }
}

std::string unknown_command(const CLI::App& top, std::string_view word) {
  std::vector<std::string> commands;
  for (const CLI::App* command : top.get_subcommands({})) {
    if (!command->get_name().empty()) commands.push_back(command->get_name());
  }
  std::string hint = mtask::did_you_mean(word, commands);
  // `mtask help`, `mtask version`: an option of mtask's own, written as a command.
  if (hint.empty() && find_long(top, word) != nullptr) {
    hint = fmt::format(" (did you mean '--{}'?)", word);
  }
  if (hint.empty()) hint = " (use: mtask run TASK...)";
  return fmt::format("unknown command {}{}", mtask::quote_arg(word), hint);
}

std::string unknown_option(const CLI::App& app, const CLI::App* command, std::string_view word) {
  if (std::string elsewhere = option_elsewhere(app, word); !elsewhere.empty()) return elsewhere;
  const std::string quoted = mtask::quote_arg(word);
  const bool is_long = word.starts_with("--");
  const std::string_view name = is_long ? word.substr(2, word.find('=') - 2) : word;
  // `mtask -j 2 run ...`: an option of the command, given before the command's name.
  const bool of_command =
      command != nullptr &&
      (is_long ? find_long(*command, name) != nullptr
               : word.size() == 2 && word[0] == '-' &&
                     command->get_option_no_throw(std::string(word)) != nullptr);
  if (of_command) {
    return fmt::format("unknown option {} (an option of {}: write it after '{}')", quoted,
                       command->get_name(), command->get_name());
  }
  if (!is_long) return fmt::format("unknown option {}", quoted);
  const std::optional<std::string> best = mtask::closest(name, long_names(app));
  if (!best) return fmt::format("unknown option {}", quoted);
  return fmt::format("unknown option {} (did you mean '--{}'?)", quoted, *best);
}

std::string parse_error_message(const CLI::App& app, const CLI::ParseError& error) {
  const std::string message = error.what();
  const CLI::Option* option = named_in(app, message);
  if (option == nullptr) return message;
  const std::string name = long_name(*option);
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
    if (option->count() > 1) return fmt::format("{} given more than once", name);
    return fmt::format("{} needs a value ({})", name, option->get_type_name());
  }
  // "--output: 'xml': unknown format" as every other option's error: "--output 'xml': ...".
  if (message.starts_with(name + ": '")) return name + message.substr(name.size() + 1);
  return message;
}

std::string taken_as_value(std::string_view option, std::string_view type, std::string_view value) {
  if (!looks_like_task(value)) return {};
  return fmt::format("{} was taken as the value of {} (write {} {} before the tasks, or {}={})",
                     mtask::quote_arg(value), option, option, type, option, type);
}

std::string no_task_message(const CLI::App& run, const std::vector<std::string>& with_equals) {
  // Said only when there is no task file to read either (make_config()).
  constexpr std::string_view kNoTask = "no TASK given and no ./mtask.toml";
  for (const CLI::Option* option : run.get_options()) {
    if (option->get_positional() || option->get_expected_max() == 0) continue;
    if (std::ranges::find(with_equals, long_name(*option)) != with_equals.end()) continue;
    for (const std::string& value : option->results()) {
      const std::string taken = taken_as_value(long_name(*option), option->get_type_name(), value);
      if (!taken.empty()) return fmt::format("{}: {}", kNoTask, taken);
    }
  }
  return fmt::format("{} (e.g. mtask run sing:3 dance:3)", kNoTask);
}

}  // namespace app
