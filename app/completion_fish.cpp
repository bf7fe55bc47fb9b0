// The fish completion script: one `complete` line per command, option and list of operands,
// written from the commands' descriptions (completion.hpp).
#include <string>

#include <fmt/format.h>

#include "completion.hpp"

namespace app {
namespace {

/// `text` in fish's single quotes: only `\` and `'` are special there.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

/// The `complete` line of one option of the command `condition` names.
std::string option_line(const std::string& condition, const OptionSpec& option) {
  std::string line = "complete -c mtask -n " + condition;
  for (const std::string& name : option.short_names) line += " -s " + name.substr(1);
  for (const std::string& name : option.long_names) line += " -l " + name.substr(2);
  if (option.files) {
    line += " -r -F";
  } else if (option.value != ValueKind::kNone) {
    line += " -x";  // a value, but no file names
    if (!option.choices.empty()) line += " -a " + quoted(words(option.choices));
    // NAME=...: each name with its '=' (fish joins the two), and no blank after it.
    if (option.task_name) line += " -a " + quoted("(__mtask_tasks)" + option.after_name);
  }
  return line + " -d " + quoted(option.description) + "\n";
}

/// Every `complete` line for `command` (mtask itself when its name is empty).
std::string command_lines(const CommandSpec& command) {
  const std::string condition =
      quoted("__mtask_using " + std::string(command.name.empty() ? "''" : command.name));
  std::string lines;
  for (const CommandSpec& sub : command.commands)
    lines += fmt::format("complete -c mtask -n {} -a {} -d {}\n", condition, quoted(sub.name),
                         quoted(sub.description));
  for (const OptionSpec& option : command.options) lines += option_line(condition, option);
  if (!command.operand_choices.empty())
    lines += fmt::format("complete -c mtask -n {} -a {}\n", condition,
                         quoted(words(command.operand_choices)));
  if (command.tasks)
    lines += fmt::format("complete -c mtask -n {} -a '(__mtask_tasks)'\n", condition);
  return lines;
}

}  // namespace

std::string fish_script(const CommandSpec& mtask) {
  std::string lines = command_lines(mtask);
  for (const CommandSpec& command : mtask.commands) lines += "\n" + command_lines(command);
  return fmt::format(
      R"script(# fish completion for mtask, written by `mtask completion fish` from mtask's own
# command-line definitions: do not edit. Install it as mtask.fish in a directory of
# $fish_complete_path, or load it with `mtask completion fish | source`.

# The command on the line so far: the first word after mtask that is not an option (mtask's
# own options take no value); nothing before one is given.
function __mtask_command
    for token in (commandline -opc)[2..-1]
        if not string match -q -- '-*' $token
            echo $token
            return
        end
    end
end

# True when the command on the line is $argv[1] ('' for none yet).
function __mtask_using
    set -l command (__mtask_command)
    test "$command" = "$argv[1]"
end

# The names of the tasks of the task file, which a TASK may start with: the file of -f or
# --file on the line so far, else ./mtask.toml; none when it is missing or has a mistake.
# `mtask list -o json` writes one task a line, its name first (docs/tasks.md).
function __mtask_tasks
    set -l file mtask.toml
    set -l tokens (commandline -opc)
    for i in (seq 2 (count $tokens))
        switch $tokens[$i]
            case -f --file
                if test $i -lt (count $tokens)
                    set file $tokens[(math $i + 1)]
                end
            case '--file=*'
                set file (string replace -- --file= '' $tokens[$i])
            case '-f?*'
                set file (string sub -s 3 -- $tokens[$i])
        end
    end
    set file (string replace -r -- '^~' $HOME $file)
    # Standard input (-f -) is the user's to type.
    test "$file" != -; and test -r "$file"; and command -q mtask; or return 0
    command mtask list -o json -f $file 2>/dev/null </dev/null |
        string replace -rf -- '^\{{"task":"([^"]*)".*' '$1'
end

complete -c mtask -f
{})script",
      lines);
}

}  // namespace app
