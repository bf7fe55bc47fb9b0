#pragma once
// What `mtask ... --help` lists, read back from its text: the tests of the manual page and of
// the shell completions check that each lists everything the help does.

#include <string>
#include <vector>

namespace e2e {

/// The option names in a help text, each with its dashes (`-j`, `--jobs`, `--colour`): the
/// words that start an indented line with a dash, up to the first that does not start with
/// one, split at commas and cut before a value (`--timestamps[=KIND]`).
std::vector<std::string> help_options(const std::string& help);

/// Only the names that start with two dashes.
std::vector<std::string> long_options(const std::vector<std::string>& names);

/// The command names in a help text: the first word of each indented line under a heading
/// that names them ("Subcommands:" or "Commands:"), up to the next blank line.
std::vector<std::string> help_commands(const std::string& help);

/// The names of `expected` that `offered` lacks, in the order of `expected`.
std::vector<std::string> missing(const std::vector<std::string>& expected,
                                 const std::vector<std::string>& offered);

/// True when `program` is an executable file in a directory of $PATH: a tool a test needs.
bool on_path(const std::string& program);

/// "a, b, c": for messages.
std::string joined(const std::vector<std::string>& names);

}  // namespace e2e
