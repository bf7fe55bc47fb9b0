// The zsh completion script: an _arguments specification per command, written from the
// commands' descriptions (completion.hpp), for zsh's completion system (compinit).
#include <string>

#include <fmt/format.h>

#include "completion.hpp"

namespace app {
namespace {

/// `text` inside an _arguments description `[...]` or a `name:description` of _describe.
std::string escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '[' || c == ']' || c == '\\' || c == ':') out += '\\';
    out += c;
  }
  return out;
}

/// What follows an option's description: `:MESSAGE:ACTION` for its value.
std::string value_spec(const OptionSpec& option) {
  if (option.value == ValueKind::kNone) return "";
  std::string action = " ";  // a value to type: the message alone
  if (option.files) action = "_files";
  // NAME=...: the name and its '=' (removed when a blank is typed instead of the rest).
  if (option.task_name)
    action = option.after_name.empty() ? "_mtask_tasks" : "_mtask_tasks -qS" + option.after_name;
  if (!option.choices.empty()) action = "(" + words(option.choices) + ")";
  const std::string message = option.value_name.empty() ? "value" : option.value_name;
  return (option.value == ValueKind::kOptional ? "::" : ":") + escaped(message) + ":" + action;
}

/// The _arguments specifications of `option`, one per name.
void add_option_specs(const OptionSpec& option, std::vector<std::string>& specs) {
  std::vector<std::string> names = option.short_names;
  names.insert(names.end(), option.long_names.begin(), option.long_names.end());
  // Each name excludes the others (and itself), except where repeating counts: -vv.
  std::string exclude;
  if (option.repeatable) {
    exclude = "*";
  } else if (names.size() > 1) {
    exclude = "(" + words(names) + ")";
  }
  // --help and --version: nothing else after them.
  if (option.long_names == std::vector<std::string>{"--help"} ||
      option.long_names == std::vector<std::string>{"--version"})
    exclude = "(- *)";
  for (const std::string& name : names) {
    std::string form = name;
    if (name.starts_with("--") && option.value == ValueKind::kRequired) form += "=";
    if (name.starts_with("--") && option.value == ValueKind::kOptional) form += "=-";
    specs.push_back(
        sh_quoted(exclude + form + "[" + escaped(option.description) + "]" + value_spec(option)));
  }
}

/// `_arguments` and its specifications, one to a line.
std::string arguments(const std::string& flags, const std::vector<std::string>& specs) {
  std::string text = "  _arguments " + flags + " :";
  for (const std::string& spec : specs) text += " \\\n    " + spec;
  return text;
}

/// The function that completes the words after `command`'s name.
std::string command_function(const CommandSpec& command) {
  std::vector<std::string> specs;
  for (const OptionSpec& option : command.options) add_option_specs(option, specs);
  if (!command.operand_choices.empty())
    specs.push_back(sh_quoted("1:SHELL:(" + words(command.operand_choices) + ")"));
  if (command.tasks) specs.emplace_back("'*:TASK:_mtask_tasks'");
  return fmt::format("_mtask_{}() {{\n{}\n}}\n\n", command.name, arguments("-s -S", specs));
}

}  // namespace

std::string zsh_script(const CommandSpec& mtask) {
  std::string functions;
  std::string commands;
  std::string dispatch;
  for (const CommandSpec& command : mtask.commands) {
    functions += command_function(command);
    commands += "        " + sh_quoted(escaped(command.name) + ":" + command.description) + "\n";
    dispatch += fmt::format("        {0}) _mtask_{0} && ret=0 ;;\n", command.name);
  }
  std::vector<std::string> specs;
  for (const OptionSpec& option : mtask.options) add_option_specs(option, specs);
  specs.emplace_back("'1:command:->command'");
  specs.emplace_back("'*::argument:->argument'");
  return fmt::format(R"script(#compdef mtask
# zsh completion for mtask, written by `mtask completion zsh` from mtask's own command-line
# definitions: do not edit. Install it as _mtask in a directory of $fpath, or load it with
# `source <(mtask completion zsh)` after compinit.

# The names of the tasks of the task file, which a TASK may start with: the file of -f or
# --file on the line so far, else ./mtask.toml; none when it is missing or has a mistake.
# `mtask list -o json` writes one task a line, its name first (docs/tasks.md). Arguments go
# to compadd (-qS= after a NAME of --ready NAME=PROBE).
_mtask_tasks() {{
  local file=mtask.toml expl i
  local -a names
  for (( i = 2; i < CURRENT; i++ )); do
    case $words[i] in
      (-f|--file) (( i + 1 < CURRENT )) && file=${{(Q)words[i+1]}} ;;
      (--file=*) file=${{(Q)words[i]#--file=}} ;;
      (-f?*) file=${{(Q)words[i]#-f}} ;;
    esac
  done
  file=${{file/#\~/$HOME}}
  # Standard input (-f -) is the user's to type.
  [[ $file != - && -r $file ]] && names=(${{(f)"$(command mtask list -o json -f $file \
    2>/dev/null </dev/null | sed -n 's/^{{"task":"\([^"]*\)".*/\1/p')"}})
  if (( $#names )); then
    _wanted tasks expl 'task' compadd "$@" -a names
  else
    _message 'TASK: NAME[:COUNT][@INTERVAL][=COMMAND]'
  fi
}}

{}_mtask() {{
  local curcontext=$curcontext state state_descr line ret=1
  typeset -A opt_args
{} && ret=0
  case $state in
    command)
      local -a commands=(
{}      )
      _describe -t commands 'mtask command' commands && ret=0
      ;;
    argument)
      curcontext=${{curcontext%:*:*}}:mtask-$words[1]:
      case $words[1] in
{}      esac
      ;;
  esac
  return ret
}}

if [[ $funcstack[1] == _mtask ]]; then
  _mtask "$@"
else
  compdef _mtask mtask
fi
)script",
                     functions, arguments("-C -s", specs), commands, dispatch);
}

}  // namespace app
