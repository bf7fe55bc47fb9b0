#pragma once
// What mtask says when a command line goes wrong, worked out from CLI11's own declarations
// (commands, options, their kinds): no list of names is repeated here, so a command or option
// added to cli.cpp is known to every message at once (docs/usage.md, "Mistakes mtask answers").

#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace app {

/// What `mtask` alone prints on standard output: what to type first, and where to read more.
std::string short_usage();

/// Throws mtask::UsageError for a flag given a value, `--fail-fast=no` or `--group=1`: a flag
/// takes none (else `--fail-fast=no` would silently turn it off). The flags are those of `top`
/// and of each of its commands; `args` are seen before CLI11 parses them.
void reject_flag_values(const CLI::App& top, const std::vector<std::string>& args);

/// "unknown command 'runn' (did you mean 'run'?)": over the commands `top` declares.
std::string unknown_command(const CLI::App& top, std::string_view word);

/// "unknown option '--jobz' (did you mean '--jobs'?)": over the long options of `app`. For
/// an option of `command` given before the command's name, says where it belongs; for an option
/// of another command given to `app` (`mtask list -j 2`), says whose it is: "'-j' is an option
/// of mtask run, not of mtask list".
std::string unknown_option(const CLI::App& app, const CLI::App* command, std::string_view word);

/// CLI11's message for `error` in mtask's words: "--jobs needs a value (N)" rather than
/// "--jobs: 1 required N missing"; the message unchanged when there is nothing better to say.
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& error);

/// When `value`, given to `option`, looks like a TASK (it parses as one and has ':', '@' or
/// '='): "'sing:1' was taken as the value of --junit (write --junit FILE before the tasks, or
/// --junit=FILE)". Else "".
std::string taken_as_value(std::string_view option, std::string_view type, std::string_view value);

/// The message for a command line without a TASK: when an option of `run` took what looks like
/// a TASK as its value, says so (not for the options in `with_equals`, given as --name=VALUE).
/// It says that there is no ./mtask.toml either: make_config() throws it only then.
std::string no_task_message(const CLI::App& run, const std::vector<std::string>& with_equals);

}  // namespace app
