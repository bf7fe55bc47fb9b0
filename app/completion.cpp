// What the completions know of mtask's command line, read from the CLI11 declarations, and
// `mtask completion SHELL` itself. The scripts are written by completion_bash.cpp,
// completion_zsh.cpp and completion_fish.cpp.
#include "completion.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli.hpp"

namespace app {
namespace {

/// CLI11 writes an optional value's name in brackets ("[KIND]"): the name alone.
std::string value_name(const CLI::Option& option) {
  std::string name = option.get_type_name();
  std::erase_if(name, [](char c) { return c == '[' || c == ']'; });
  return name;
}

/// One line: a description that spans lines is joined with spaces.
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\t') c = ' ';
  return text;
}

OptionSpec describe_option(CLI::Option& option) {
  OptionSpec spec;
  for (const std::string& name : option.get_lnames()) spec.long_names.push_back("--" + name);
  for (const std::string& name : option.get_snames()) spec.short_names.push_back("-" + name);
  spec.description = one_line(option.get_description());
  if (option.get_expected_max() > 0) {
    spec.value = option.get_expected_min() > 0 ? ValueKind::kRequired : ValueKind::kOptional;
    spec.value_name = value_name(option);
    spec.choices = choice_names(option);
    spec.files = spec.value_name == "FILE";
    spec.task_name = spec.value_name == "NAME" || spec.value_name.starts_with("NAME=");
    if (spec.value_name.starts_with("NAME=")) spec.after_name = "=";
  }
  // -vv: a flag that counts (CLI11 keeps every occurrence of it).
  spec.repeatable = option.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
  return spec;
}

CommandSpec describe_command(CLI::App& app) {
  CommandSpec spec;
  spec.name = app.get_name();
  spec.description = one_line(app.get_description());
  for (CLI::Option* option : app.get_options()) {
    if (option->nonpositional()) {
      spec.options.push_back(describe_option(*option));
    } else if (std::vector<std::string> choices = choice_names(*option); !choices.empty()) {
      spec.operand_choices = std::move(choices);
    } else {
      spec.tasks = true;  // TASK: the only operand that is not a choice
    }
  }
  return spec;
}

}  // namespace

const std::vector<std::string>& completion_shells() {
  static const std::vector<std::string> shells = {"bash", "zsh", "fish"};
  return shells;
}

CommandSpec describe_commands(CLI::App& app) {
  CommandSpec mtask = describe_command(app);
  mtask.name.clear();
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; }))
    mtask.commands.push_back(describe_command(*command));
  return mtask;
}

std::string completion_script(const CommandSpec& mtask, std::string_view shell) {
  if (shell == "bash") return bash_script(mtask);
  if (shell == "zsh") return zsh_script(mtask);
  if (shell == "fish") return fish_script(mtask);
  throw std::invalid_argument(fmt::format("no completion for the shell '{}'", shell));
}

void print_completion(CLI::App& app, std::string_view shell) {
  const std::string script = completion_script(describe_commands(app), shell);
  std::fwrite(script.data(), 1, script.size(), stdout);
}

std::string words(const std::vector<std::string>& list) {
  std::string text;
  for (const std::string& word : list) text += (text.empty() ? "" : " ") + word;
  return text;
}

std::string sh_quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace app
