// The bash completion script: one function, _mtask, and three tables written from the
// commands' descriptions (completion.hpp). It needs bash alone, not the bash-completion package.
#include <string>

#include <fmt/format.h>

#include "completion.hpp"

namespace app {
namespace {

std::vector<std::string> names_of(const OptionSpec& option) {
  std::vector<std::string> names = option.short_names;
  names.insert(names.end(), option.long_names.begin(), option.long_names.end());
  return names;
}

/// The command that lists what its operands may be; `cur` is the word being completed.
std::string operands(const CommandSpec& command) {
  std::vector<std::string> choices = command.operand_choices;
  for (const CommandSpec& sub : command.commands) choices.push_back(sub.name);
  if (command.tasks) return "_mtask_reply \"$(_mtask_tasks)\" \"$2\"";
  if (choices.empty()) return ":";
  return fmt::format("_mtask_reply {} \"$2\"", sh_quoted(words(choices)));
}

/// The case arms of _mtask_value for the options of `command` that take a value.
std::string value_arms(const CommandSpec& command) {
  std::string arms;
  for (const OptionSpec& option : command.options) {
    if (option.value == ValueKind::kNone) continue;
    std::string patterns;
    for (const std::string& name : names_of(option))
      patterns += (patterns.empty() ? "" : "|") + sh_quoted(command.name + " " + name);
    std::string action = ":";  // a value to type: nothing to offer
    if (option.files) {
      action = "compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- \"$3\")";
    } else if (!option.choices.empty()) {
      action = fmt::format("_mtask_reply {} \"$3\"", sh_quoted(words(option.choices)));
    } else if (option.task_name && option.after_name.empty()) {
      action = "_mtask_reply \"$(_mtask_tasks)\" \"$3\"";
    } else if (option.task_name) {
      // NAME=...: the name and its '=', and the rest is the user's to type.
      action = fmt::format(
          "compopt -o nospace 2>/dev/null; mapfile -t COMPREPLY < <(compgen -W "
          "\"$(_mtask_tasks)\" -S {} -- \"$3\")",
          sh_quoted(option.after_name));
    }
    // An optional value: what looks like an option is not one (`--timestamps --group`).
    if (option.value == ValueKind::kOptional) action = "[[ $3 == -* ]] && return 1; " + action;
    arms += fmt::format("    {}) {} ;;\n", patterns, action);
  }
  return arms;
}

}  // namespace

std::string bash_script(const CommandSpec& mtask) {
  std::vector<const CommandSpec*> commands = {&mtask};
  for (const CommandSpec& command : mtask.commands) commands.push_back(&command);
  std::string options_arms;
  std::string operand_arms;
  std::string value_arms_all;
  for (const CommandSpec* command : commands) {
    std::vector<std::string> names;
    for (const OptionSpec& option : command->options) {
      const std::vector<std::string> more = names_of(option);
      names.insert(names.end(), more.begin(), more.end());
    }
    const std::string key = sh_quoted(command->name);
    options_arms += fmt::format("    {}) echo {} ;;\n", key, sh_quoted(words(names)));
    operand_arms += fmt::format("    {}) {} ;;\n", key, operands(*command));
    value_arms_all += value_arms(*command);
  }
  return fmt::format(
      R"script(# bash completion for mtask, written by `mtask completion bash` from mtask's own
# command-line definitions: do not edit. Load it with `source <(mtask completion bash)`, or
# install it as bash-completion's completions/mtask.

# The names of the tasks of the task file, which a TASK may start with: the file of -f or
# --file on the line so far, else ./mtask.toml; none when it is missing or has a mistake.
# `mtask list -o json` writes one task a line, its name first (docs/tasks.md).
_mtask_tasks() {{
  local file=mtask.toml i
  for (( i = 1; i < COMP_CWORD; i++ )); do
    case ${{COMP_WORDS[i]}} in
      -f|--file)  # bash splits --file=x into --file, =, x
        [[ ${{COMP_WORDS[i+1]}} == = ]] && (( i++ ))
        (( i + 1 < COMP_CWORD )) && file=${{COMP_WORDS[i+1]}} ;;
      --file=*) file=${{COMP_WORDS[i]#--file=}} ;;
      -f?*) file=${{COMP_WORDS[i]#-f}} ;;
    esac
  done
  file=${{file/#\~/$HOME}}
  [[ $file != - && -r $file ]] || return 0  # standard input is the user's to type
  command mtask list -o json -f "$file" 2>/dev/null </dev/null | sed -n 's/^{{"task":"\([^"]*\)".*/\1/p'
}}

# COMPREPLY: the words of $1 that start with $2.
_mtask_reply() {{
  mapfile -t COMPREPLY < <(compgen -W "$1" -- "$2")
}}

# The options of command $1 ('' for mtask itself).
_mtask_options() {{
  case $1 in
{}  esac
}}

# The operands of command $1 that start with $2.
_mtask_operands() {{
  case $1 in
{}  esac
}}

# The values of option $2 of command $1 that start with $3; status 1 when $2 takes none.
_mtask_value() {{
  case "$1 $2" in
{}    *) return 1 ;;
  esac
}}

_mtask() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} prev='' command='' option='' given='' word i
  COMPREPLY=()
  (( COMP_CWORD > 0 )) && prev=${{COMP_WORDS[COMP_CWORD-1]}}
  # The command is the first word that is not an option: mtask's own options take no value.
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word=${{COMP_WORDS[i]}}
    if [[ -z $command ]]; then
      [[ $word == -* ]] || command=$word
    elif [[ $word == -- ]]; then
      _mtask_operands "$command" "$cur"  # after --, operands only
      return 0
    fi
  done
  # A value: `--output json`, or `--output=json` that bash splits into --output, =, json
  # (one word when COMP_WORDBREAKS lacks =: the reply then repeats `--output=`).
  if [[ $cur == = && $prev == -* ]]; then
    option=$prev cur=''
  elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then
    option=${{COMP_WORDS[COMP_CWORD-2]}}
    # NAME=... (--ready web=tcp:8000, a TASK lint=make lint): the rest is the user's to type.
    [[ $option == -* ]] || return 0
  elif [[ $cur == --*=* ]]; then
    option=${{cur%%=*}} given=${{cur%%=*}}= cur=${{cur#*=}}
  elif [[ $prev == -* ]]; then
    option=$prev
  fi
  if [[ -n $option ]] && _mtask_value "$command" "$option" "$cur"; then
    [[ -n $given ]] && COMPREPLY=("${{COMPREPLY[@]/#/$given}}")
    return 0
  fi
  if [[ $cur == -* ]]; then
    _mtask_reply "$(_mtask_options "$command")" "$cur"
  else
    _mtask_operands "$command" "$cur"
  fi
}}

complete -F _mtask mtask
)script",
      options_arms, operand_arms, value_arms_all);
}

}  // namespace app
