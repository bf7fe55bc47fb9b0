// The terminal fact sheet. decide_terminal() and the functions it uses are pure; only the
// probes at the end read the descriptor and the environment.
#include "mtask/report/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>

namespace mtask {
namespace {

constexpr std::size_t kDefaultWidth = 80;
constexpr long kMaxColumns = 10'000;

bool set(const char* value) { return value != nullptr && *value != '\0'; }

}  // namespace

std::size_t terminal_width(std::size_t device_columns, const char* columns) {
  if (device_columns > 0) return device_columns;
  if (columns != nullptr) {
    char* end = nullptr;
    const long value = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && value > 0 && value < kMaxColumns) {
      return static_cast<std::size_t>(value);
    }
  }
  return kDefaultWidth;
}

bool locale_is_utf8(const TerminalEnv& env) {
  for (const char* value : {env.lc_all, env.lc_ctype, env.lang}) {
    if (!set(value)) continue;
    std::string text = value;
    std::transform(text.begin(), text.end(), text.begin(), [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return text.find("utf-8") != std::string::npos || text.find("utf8") != std::string::npos;
  }
  return false;
}

TerminalFacts decide_terminal(const TerminalDevice& device, ColourMode mode,
                              const TerminalEnv& env) {
  TerminalFacts facts;
  facts.is_tty = device.is_tty;
  facts.dumb = env.term != nullptr && std::string_view(env.term) == "dumb";
  facts.width = terminal_width(device.columns, env.columns);
  facts.utf8 = locale_is_utf8(env);
  facts.colour = use_colour(mode, device.is_tty, env.clicolor_force, env.no_color);
  return facts;
}

TerminalEnv read_terminal_env() {
  TerminalEnv env;
  env.term = std::getenv("TERM");
  env.columns = std::getenv("COLUMNS");
  env.no_color = std::getenv("NO_COLOR");
  env.clicolor_force = std::getenv("CLICOLOR_FORCE");
  env.lc_all = std::getenv("LC_ALL");
  env.lc_ctype = std::getenv("LC_CTYPE");
  env.lang = std::getenv("LANG");
  return env;
}

TerminalDevice probe_device(int fd) {
  TerminalDevice device;
  device.is_tty = isatty(fd) == 1;
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) == 0) device.columns = size.ws_col;
  return device;
}

TerminalFacts probe_terminal(int fd, ColourMode mode) {
  return decide_terminal(probe_device(fd), mode, read_terminal_env());
}

}  // namespace mtask
