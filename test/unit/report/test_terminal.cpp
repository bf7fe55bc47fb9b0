// The terminal fact sheet: what a descriptor and the environment say, decided without reading
// either (decide_terminal and the functions it uses).
#include <catch2/catch.hpp>

#include "mtask/report/terminal.hpp"

using mtask::ColourMode;
using mtask::TerminalDevice;
using mtask::TerminalEnv;

namespace {

constexpr TerminalDevice kTty{true, 120};
constexpr TerminalDevice kPipe{false, 0};

}  // namespace

TEST_CASE("the width is the device's, else COLUMNS, else 80", "[terminal]") {
  struct Case {
    std::size_t device;
    const char* columns;
    std::size_t width;
  };
  const Case cases[] = {
      {132, nullptr, 132}, {132, "40", 132},  {0, "40", 40},    {0, nullptr, 80},
      {0, "", 80},         {0, "abc", 80},    {0, "40x", 80},   {0, "0", 80},
      {0, "-5", 80},       {0, "9999", 9999}, {0, "10000", 80}, {0, "99999999999999999999", 80},
  };
  for (const Case& c : cases) {
    INFO("device " << c.device << ", COLUMNS " << (c.columns ? c.columns : "unset"));
    CHECK(mtask::terminal_width(c.device, c.columns) == c.width);
  }
}

TEST_CASE("the locale is UTF-8 by the first of LC_ALL, LC_CTYPE, LANG that is set", "[terminal]") {
  struct Case {
    TerminalEnv env;
    bool utf8;
  };
  const Case cases[] = {
      {{}, false},
      {{.lang = "en_US.UTF-8"}, true},
      {{.lang = "C.utf8"}, true},
      {{.lang = "de_DE.Utf-8"}, true},
      {{.lang = "C"}, false},
      {{.lang = "POSIX"}, false},
      {{.lc_ctype = "C", .lang = "en_US.UTF-8"}, false},  // LC_CTYPE comes first
      {{.lc_all = "en_US.UTF-8", .lc_ctype = "C"}, true},
      {{.lc_all = "", .lc_ctype = "", .lang = "en_US.UTF-8"}, true},  // empty counts as unset
      {{.lc_all = "C", .lang = "en_US.UTF-8"}, false},
  };
  for (const Case& c : cases) {
    INFO("LC_ALL " << (c.env.lc_all ? c.env.lc_all : "unset") << ", LC_CTYPE "
                   << (c.env.lc_ctype ? c.env.lc_ctype : "unset") << ", LANG "
                   << (c.env.lang ? c.env.lang : "unset"));
    CHECK(mtask::locale_is_utf8(c.env) == c.utf8);
  }
}

TEST_CASE("a terminal's facts: tty, width, locale and colour in one place", "[terminal]") {
  const TerminalEnv env{.term = "xterm", .lang = "en_US.UTF-8"};
  const mtask::TerminalFacts tty = mtask::decide_terminal(kTty, ColourMode::kAuto, env);
  CHECK(tty.is_tty);
  CHECK_FALSE(tty.dumb);
  CHECK(tty.can_redraw());
  CHECK(tty.width == 120);
  CHECK(tty.utf8);
  CHECK(tty.colour);

  const mtask::TerminalFacts pipe = mtask::decide_terminal(kPipe, ColourMode::kAuto, env);
  CHECK_FALSE(pipe.is_tty);
  CHECK_FALSE(pipe.can_redraw());
  CHECK(pipe.width == 80);
  CHECK(pipe.utf8);  // the locale does not depend on the descriptor
  CHECK_FALSE(pipe.colour);
}

TEST_CASE("TERM=dumb: a terminal that cannot redraw a line", "[terminal]") {
  struct Case {
    const char* term;
    bool dumb;
  };
  const Case cases[] = {
      {"dumb", true}, {"xterm-256color", false}, {nullptr, false}, {"", false}, {"dumber", false}};
  for (const Case& c : cases) {
    INFO("TERM " << (c.term ? c.term : "unset"));
    const mtask::TerminalFacts facts =
        mtask::decide_terminal(kTty, ColourMode::kAuto, TerminalEnv{.term = c.term});
    CHECK(facts.dumb == c.dumb);
    CHECK(facts.can_redraw() == !c.dumb);
    CHECK(facts.colour);  // colour is --color's and NO_COLOR's business, not TERM's
  }
}

TEST_CASE("a terminal's colour follows --color, CLICOLOR_FORCE and NO_COLOR", "[terminal]") {
  struct Case {
    TerminalDevice device;
    ColourMode mode;
    TerminalEnv env;
    bool colour;
  };
  const Case cases[] = {
      {kTty, ColourMode::kAuto, {}, true},
      {kPipe, ColourMode::kAuto, {}, false},
      {kTty, ColourMode::kAuto, {.no_color = "1"}, false},
      {kTty, ColourMode::kAuto, {.no_color = ""}, true},
      {kPipe, ColourMode::kAuto, {.clicolor_force = "1"}, true},
      {kPipe, ColourMode::kAuto, {.no_color = "1", .clicolor_force = "1"}, true},
      {kPipe, ColourMode::kAuto, {.clicolor_force = "0"}, false},
      {kPipe, ColourMode::kAlways, {.no_color = "1"}, true},
      {kTty, ColourMode::kNever, {.clicolor_force = "1"}, false},
  };
  for (std::size_t i = 0; i < std::size(cases); ++i) {
    INFO("case " << i);
    const Case& c = cases[i];
    CHECK(mtask::decide_terminal(c.device, c.mode, c.env).colour == c.colour);
  }
}
