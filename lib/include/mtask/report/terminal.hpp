#pragma once
// What mtask knows of the place it writes to, decided once per descriptor: whether it is a
// terminal, how wide, whether it can redraw a line in place, draw beyond ASCII, show colour.

#include <cstddef>

#include "mtask/report/colour.hpp"

namespace mtask {

/// The environment variables that decide how mtask writes to a terminal, as getenv() gives
/// them: nullptr when unset.
struct TerminalEnv {
  const char* term = nullptr;            ///< TERM ("dumb": a terminal that cannot redraw)
  const char* columns = nullptr;         ///< COLUMNS: the width when the device does not say
  const char* no_color = nullptr;        ///< NO_COLOR
  const char* clicolor_force = nullptr;  ///< CLICOLOR_FORCE
  const char* lc_all = nullptr;          ///< LC_ALL, else LC_CTYPE, else LANG: the locale
  const char* lc_ctype = nullptr;
  const char* lang = nullptr;
};

/// What a descriptor itself tells.
struct TerminalDevice {
  bool is_tty = false;
  std::size_t columns = 0;  ///< the window's width; 0 when the device does not say
};

/// Everything a writer asks of its destination, decided once (decide_terminal()).
struct TerminalFacts {
  bool is_tty = false;     ///< the descriptor is a terminal
  bool dumb = false;       ///< TERM=dumb: no cursor movement, no erasing
  std::size_t width = 80;  ///< columns: the device's, else $COLUMNS, else 80
  bool utf8 = false;       ///< the locale is UTF-8: characters beyond ASCII can be drawn
  bool colour = false;     ///< escape sequences for colour are welcome (use_colour())

  /// A line redrawn in place (carriage return, erase to end of line) shows as meant.
  bool can_redraw() const { return is_tty && !dumb; }
};

/// The facts from what the device says, `--color` and the environment. Reads nothing else.
TerminalFacts decide_terminal(const TerminalDevice& device, ColourMode mode,
                              const TerminalEnv& env);

/// `device_columns` when not 0, else $COLUMNS when it is a whole number from 1 to 9999,
/// else 80.
std::size_t terminal_width(std::size_t device_columns, const char* columns);

/// True when LC_ALL, else LC_CTYPE, else LANG (the first set and not empty) names a UTF-8
/// locale ("utf-8" or "utf8", in any case).
bool locale_is_utf8(const TerminalEnv& env);

/// The variables of TerminalEnv from the process's environment.
TerminalEnv read_terminal_env();

/// What `fd` tells: isatty() and the window size (TIOCGWINSZ).
TerminalDevice probe_device(int fd);

/// decide_terminal() for `fd` and the process's own environment.
TerminalFacts probe_terminal(int fd, ColourMode mode);

}  // namespace mtask
