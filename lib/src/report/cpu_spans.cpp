// The CPU states of a timeline: spans recorded from samples, read per column or per CPU.
#include "report/cpu_spans.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "mtask/text/human.hpp"

namespace mtask::detail {
namespace {

/// `b` (which follows `a`) merged into `a`; the state follows the sums.
void merge_into(CpuSpan& a, const CpuSpan& b) {
  if (b.cpu >= 0 && (a.cpu < 0 || b.running > a.running)) a.cpu = b.cpu;
  a.to = std::max(a.to, b.to);
  a.running += b.running;
  a.waiting += b.waiting;
  a.state = state_of(a.to - a.from, a.running, a.waiting);
}

bool same_state(const CpuSpan& a, const CpuSpan& b) {
  return a.state == b.state && (a.state != CpuState::kRunning || a.cpu == b.cpu);
}

/// Halves `spans` by merging neighbours in pairs, then merges neighbours left in the same state.
void coarsen(std::vector<CpuSpan>& spans) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < spans.size(); i += 2) {
    CpuSpan span = spans[i];
    if (i + 1 < spans.size()) merge_into(span, spans[i + 1]);
    if (kept > 0 && same_state(spans[kept - 1], span)) {
      merge_into(spans[kept - 1], span);
    } else {
      spans[kept++] = span;
    }
  }
  spans.resize(kept);
}

double share(Duration part, Duration whole) {
  return whole.count() <= 0
             ? 0.0
             : static_cast<double>(part.count()) / static_cast<double>(whole.count());
}

/// The columns [first, last] that the stretch [from, to) of a `span` in `columns` overlaps,
/// each with the part of the stretch it holds, passed to `add(column, part)`.
template <typename Add>
void for_columns(Duration from, Duration to, Duration span, std::size_t columns, Add add) {
  if (span.count() <= 0 || to <= from || columns == 0) return;
  const double per = static_cast<double>(span.count()) / static_cast<double>(columns);
  const double f = static_cast<double>(from.count());
  const double t = std::min(static_cast<double>(to.count()), static_cast<double>(span.count()));
  if (t <= f) return;
  const auto first = static_cast<std::size_t>(f / per);
  const auto last = std::min(columns - 1, static_cast<std::size_t>(t / per));
  for (std::size_t c = first; c <= last && c < columns; ++c) {
    const double lo = std::max(f, per * static_cast<double>(c));
    const double hi = std::min(t, per * static_cast<double>(c + 1));
    if (hi > lo) add(c, (hi - lo) / (t - f));
  }
}

}  // namespace

CpuState state_of(Duration span, Duration running, Duration waiting) {
  const Duration asleep = std::max(Duration(0), span - running - waiting);
  if (running >= waiting && running >= asleep) return CpuState::kRunning;
  return waiting >= asleep ? CpuState::kWaiting : CpuState::kAsleep;
}

std::uint64_t add_sample(TimelineTask& task, const CpuSampleEvent& e, std::size_t budget) {
  std::vector<CpuSpan>& spans = task.spans;
  const Duration from = spans.empty() ? e.from : std::max(e.from, spans.back().to);
  if (e.to <= from) return 0;  // nothing new: a stretch already drawn
  CpuSpan span{from, e.to, state_of(e.to - e.from, e.running, e.waiting), -1, e.running, e.waiting};
  if (span.state == CpuState::kRunning || e.running.count() > 0) span.cpu = e.cpu;
  if (!spans.empty()) {
    CpuSpan& last = spans.back();
    // A stretch no longer than the sample between them: no sample went missing.
    const bool next = from - last.to <= e.to - e.from;
    if (next && (same_state(last, span) || last.to - last.from < task.span_quantum)) {
      merge_into(last, span);
      return 0;
    }
  }
  spans.push_back(span);
  if (spans.size() < std::max<std::size_t>(budget, 2)) return 0;
  const std::size_t before = spans.size();
  coarsen(spans);
  const Duration mean =
      (spans.back().to - spans.front().from) / static_cast<std::int64_t>(spans.size());
  task.span_quantum = std::max(task.span_quantum * 2, mean);
  return before - spans.size();
}

std::vector<ColumnState> column_states(const TimelineTask& task, Duration span,
                                       std::size_t columns) {
  struct Sums {
    double running = 0, waiting = 0, asleep = 0;
    std::map<int, double> cpus;
  };
  std::vector<Sums> sums(columns);
  std::vector<ColumnState> out(columns);
  for (const CpuSpan& s : task.spans) {
    const Duration length = s.to - s.from;
    const double running = static_cast<double>(s.running.count());
    const double waiting = static_cast<double>(s.waiting.count());
    const double asleep = std::max(0.0, static_cast<double>(length.count()) - running - waiting);
    for_columns(s.from, s.to, span, columns, [&](std::size_t c, double part) {
      out[c].known = true;
      sums[c].running += running * part;
      sums[c].waiting += waiting * part;
      sums[c].asleep += asleep * part;
      if (s.cpu >= 0) sums[c].cpus[s.cpu] += running * part;
    });
  }
  for (std::size_t c = 0; c < columns; ++c) {
    const Sums& s = sums[c];
    if (!out[c].known) continue;
    if (s.running >= s.waiting && s.running >= s.asleep && s.running > 0) {
      out[c].state = CpuState::kRunning;
      double most = -1;
      for (const auto& [cpu, time] : s.cpus) {
        if (time > most) std::tie(most, out[c].cpu) = std::pair(time, cpu);
      }
    } else {
      out[c].state =
          s.waiting >= s.asleep && s.waiting > 0 ? CpuState::kWaiting : CpuState::kAsleep;
    }
  }
  return out;
}

std::vector<CpuLane> cpu_lanes(const Timeline& timeline, Duration span, std::size_t columns) {
  std::map<int, std::size_t> lane_of;
  for (const TimelineTask& task : timeline.tasks) {
    for (const CpuSpan& s : task.spans) {
      if (s.cpu >= 0 && s.running.count() > 0) lane_of.emplace(s.cpu, 0);
    }
  }
  std::vector<CpuLane> lanes;
  for (auto& [cpu, lane] : lane_of) {
    lane = lanes.size();
    lanes.push_back(CpuLane{cpu, std::vector<std::size_t>(columns, kNobody)});
  }
  // Per lane and column: the most running time of a task so far, this task's, and every task's.
  std::vector<double> best(lanes.size() * columns, 0.0);
  std::vector<double> mine(lanes.size() * columns, 0.0);
  std::vector<double> total(lanes.size() * columns, 0.0);
  for (std::size_t row = 0; row < timeline.tasks.size(); ++row) {
    std::vector<std::size_t> touched;
    for (const CpuSpan& s : timeline.tasks[row].spans) {
      if (s.cpu < 0 || s.running.count() <= 0) continue;
      const std::size_t base = lane_of[s.cpu] * columns;
      for_columns(s.from, s.to, span, columns, [&](std::size_t c, double part) {
        if (mine[base + c] == 0.0) touched.push_back(base + c);
        mine[base + c] += static_cast<double>(s.running.count()) * part;
      });
    }
    for (const std::size_t i : touched) {
      total[i] += mine[i];
      if (mine[i] > best[i]) {
        best[i] = mine[i];
        lanes[i / columns].rows[i % columns] = row;
      }
      mine[i] = 0.0;
    }
  }
  // A CPU the tasks used for less than half a column was mostly idle there, or busy with other
  // processes: a sleeper's moments on it do not make it the sleeper's.
  const double column = static_cast<double>(span.count()) / static_cast<double>(columns);
  for (std::size_t i = 0; i < total.size(); ++i) {
    if (total[i] < column / 2) lanes[i / columns].rows[i % columns] = kNobody;
  }
  // A CPU that was never mostly the tasks' gets no row: it would say nothing.
  std::erase_if(lanes, [](const CpuLane& lane) {
    return std::all_of(lane.rows.begin(), lane.rows.end(),
                       [](std::size_t row) { return row == kNobody; });
  });
  return lanes;
}

std::vector<std::pair<int, std::vector<CpuSlice>>> cpu_slices(const Timeline& timeline) {
  // Per CPU, its running spans; where two overlap, the denser (more running per time) wins.
  struct Piece {
    Duration from, to;
    std::size_t row;
    double density;
  };
  std::map<int, std::vector<Piece>> pieces;
  for (std::size_t row = 0; row < timeline.tasks.size(); ++row) {
    for (const CpuSpan& s : timeline.tasks[row].spans) {
      if (s.state != CpuState::kRunning || s.cpu < 0) continue;
      pieces[s.cpu].push_back({s.from, s.to, row, share(s.running, s.to - s.from)});
    }
  }
  std::vector<std::pair<int, std::vector<CpuSlice>>> out;
  for (auto& [cpu, list] : pieces) {
    std::vector<Duration> edges;
    for (const Piece& p : list) edges.insert(edges.end(), {p.from, p.to});
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    std::sort(list.begin(), list.end(),
              [](const Piece& a, const Piece& b) { return a.from < b.from; });
    std::vector<CpuSlice> slices;
    std::vector<const Piece*> active;
    std::size_t next = 0;
    for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
      const Duration from = edges[i];
      const Duration to = edges[i + 1];
      for (; next < list.size() && list[next].from <= from; ++next) active.push_back(&list[next]);
      std::erase_if(active, [&](const Piece* p) { return p->to <= from; });
      const Piece* winner = nullptr;
      for (const Piece* p : active) {
        if (winner == nullptr || p->density > winner->density) winner = p;
      }
      if (winner == nullptr) continue;
      if (!slices.empty() && slices.back().row == winner->row && slices.back().to == from) {
        slices.back().to = to;
      } else {
        slices.push_back({from, to, winner->row});
      }
    }
    out.emplace_back(cpu, std::move(slices));
  }
  return out;
}

std::string figures_text(const Timeline& timeline) {
  const TimelineFigures& f = timeline.figures;
  if (f.cores == 0) return {};
  const double busy = share(f.cpu_sum, timeline.wall);
  std::string text = fmt::format("{}{:.2f}x speedup", f.upper_bound ? "at most " : "", f.speedup);
  if (!f.verdict.empty()) text += fmt::format(": {}", f.verdict);
  return text + fmt::format("; {:.1f} cores busy of {} ({} CPU in {})", busy, f.cores,
                            human_duration(f.cpu_sum), human_duration(timeline.wall));
}

Axis axis_of(const Timeline& timeline, Duration scale) {
  if (scale.count() <= 0) return {timeline.wall, false};
  if (timeline.wall > scale) return {timeline.wall, true};
  return {scale, false};
}

}  // namespace mtask::detail
