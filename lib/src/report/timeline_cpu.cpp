// The CPU part of the terminal timeline: state strips, CPU rows and their legend.
#include "report/timeline_cpu.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "mtask/report/colour.hpp"
#include "mtask/text/width.hpp"
#include "report/cpu_spans.hpp"

namespace mtask::detail {
namespace {

struct StateGlyphs {
  std::string_view running;  ///< running on a CPU whose number does not fit, or unknown
  std::string_view waiting;
  std::string_view asleep;
};
constexpr StateGlyphs kUnicodeStates{"█", "╱", "▁"};
constexpr StateGlyphs kAsciiStates{"#", "/", "_"};

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

/// `items` separated by commas in lines of at most `width` columns, each ending with a
/// newline; a line that would pass `width` goes on to the next, indented by two. An item is cut
/// only when it alone is wider than a line (a very long task name).
std::string wrapped(const std::vector<std::string>& items, std::size_t width) {
  std::string out;
  std::string line;
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string item = items[i];
    // Items are separated by commas, except after a heading that ends with ':'.
    if (i + 1 < items.size() && item.back() != ':') item += ',';
    if (display_width(item) + 2 > width) {
      item.resize(width_cut(item, width - 5));
      item += "...";
    }
    if (!line.empty() && display_width(line) + 1 + display_width(item) > width) {
      out += line + '\n';
      line = "  " + item;
    } else {
      line += line.empty() ? item : " " + item;
    }
  }
  return out + line + '\n';
}

}  // namespace

bool has_states(const Timeline& timeline) {
  return std::any_of(timeline.tasks.begin(), timeline.tasks.end(),
                     [](const TimelineTask& t) { return !t.spans.empty(); });
}

std::vector<std::string> task_keys(const Timeline& timeline) {
  std::vector<std::string> keys;
  std::set<char> firsts;
  for (const TimelineTask& task : timeline.tasks) {
    const char c = task.name.empty() ? '\0' : task.name[0];
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 || !firsts.insert(c).second) {
      keys.clear();
      break;
    }
    keys.emplace_back(1, c);
  }
  if (!keys.empty() || timeline.tasks.empty()) return keys;
  constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (std::size_t row = 0; row < timeline.tasks.size(); ++row) {
    keys.emplace_back(row < kLetters.size() ? std::string(1, kLetters[row]) : "*");
  }
  return keys;
}

std::string states_legend(const Timeline& timeline, const std::vector<std::string>& keys,
                          bool unicode, std::size_t width, bool cpu_rows) {
  if (!has_states(timeline)) return {};
  const StateGlyphs& g = unicode ? kUnicodeStates : kAsciiStates;
  // One wording on every machine: a CPU of two digits shows its number where it fits.
  std::vector<std::string> states{"under each task: n running on CPU n",
                                  fmt::format("{} waiting for a CPU", g.waiting),
                                  fmt::format("{} asleep", g.asleep)};
  if (timeline.coarsened_spans > 0) states.back() += " (coarser than sampled)";
  std::vector<std::string> who{"CPU rows: the task that ran there"};
  for (std::size_t row = 0; row < timeline.tasks.size() && row < keys.size(); ++row) {
    who.push_back(fmt::format("{} {}", keys[row], timeline.tasks[row].name));
  }
  if (!cpu_rows) {
    const std::string one_line = joined(states, ", ");
    return display_width(one_line) <= width ? one_line + '\n' : wrapped(states, width);
  }
  const std::vector<std::string> names(who.begin() + 1, who.end());
  const std::string one_line =
      joined(states, ", ") + "; " + who[0] + (names.empty() ? "" : ": " + joined(names, ", "));
  if (display_width(one_line) <= width) return one_line + '\n';
  if (!names.empty()) who[0] += ':';
  return wrapped(states, width) + wrapped(who, width);
}

std::string state_strip(const TimelineTask& task, Duration span, std::size_t columns,
                        bool unicode) {
  const StateGlyphs& g = unicode ? kUnicodeStates : kAsciiStates;
  const std::vector<ColumnState> states = column_states(task, span, columns);
  std::string out;
  for (std::size_t c = 0; c < columns; ++c) {
    const ColumnState& s = states[c];
    if (!s.known) {
      out += ' ';
    } else if (s.state == CpuState::kWaiting) {
      out += g.waiting;
    } else if (s.state == CpuState::kAsleep) {
      out += g.asleep;
    } else if (s.cpu >= 0 && s.cpu < 10) {
      out += static_cast<char>('0' + s.cpu);
    } else {
      // A CPU of two digits or more: its number at the start of its stretch, where it fits.
      const std::string number = s.cpu >= 0 ? std::to_string(s.cpu) : std::string();
      std::size_t run = 1;
      const bool starts = c == 0 || states[c - 1].state != CpuState::kRunning ||
                          states[c - 1].cpu != s.cpu || !states[c - 1].known;
      while (c + run < columns && states[c + run].known &&
             states[c + run].state == CpuState::kRunning && states[c + run].cpu == s.cpu) {
        ++run;
      }
      if (starts && !number.empty() && number.size() <= run) {
        out += number;
        c += number.size() - 1;
      } else {
        out += g.running;
      }
    }
  }
  return out;
}

std::vector<CpuRow> cpu_rows(const Timeline& timeline, const std::vector<std::string>& keys,
                             Duration span, std::size_t columns, bool color) {
  std::vector<CpuRow> rows;
  for (const CpuLane& lane : cpu_lanes(timeline, span, columns)) {
    CpuRow row{fmt::format("CPU {}", lane.cpu), {}};
    for (const std::size_t task : lane.rows) {
      if (task == kNobody || task >= keys.size()) {
        row.cells += ' ';
      } else if (color) {
        row.cells +=
            fmt::format("{}{}{}", task_colour(timeline.tasks[task].index), keys[task], kReset);
      } else {
        row.cells += keys[task];
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace mtask::detail
