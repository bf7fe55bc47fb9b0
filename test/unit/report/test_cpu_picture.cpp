// Who ran where: the timeline's CPU states from samples, drawn in the terminal, the SVG and
// the trace; the time scale; the SVG's contrast and its widths for Chinese names.
#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "mtask/report/timeline.hpp"
#include "mtask/text/width.hpp"

using namespace std::chrono_literals;
using mtask::CpuState;
using mtask::Duration;
using mtask::Outcome;
using mtask::TaskResult;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = text.find('\n', begin);
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Two CPU-bound tasks a and b for `wall`, sampled every 5 ms: on one core they take turns (one
/// runs while the other waits, swapping every 50 ms), on two each has a core of its own.
class CpuRun {
 protected:
  std::vector<mtask::Task> tasks{{.name = "a", .index = 0}, {.name = "b", .index = 1}};
  std::vector<TaskResult> results{2};
  mtask::TimelineRecorder recorder;

  void sample(std::size_t i, Duration from, Duration running, Duration waiting, int cpu) {
    recorder.on_cpu_sample(
        {tasks[i], i, 100 + static_cast<int>(i), from, from + 5ms, running, waiting, cpu});
  }

  void run(bool one_core, Duration wall = 2000ms) {
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      recorder.on_start({tasks[i], 100 + static_cast<int>(i), 99, 0ms});
    }
    int k = 0;
    for (Duration t = 0ms; t < wall; t += 5ms, ++k) {
      if (one_core) {
        const bool a_runs = k / 10 % 2 == 0;
        sample(0, t, a_runs ? 5ms : 0ms, a_runs ? 0ms : 5ms, 0);
        sample(1, t, a_runs ? 0ms : 5ms, a_runs ? 5ms : 0ms, 0);
      } else {
        sample(0, t, 5ms, 0ms, 0);
        sample(1, t, 5ms, 0ms, 1);
      }
    }
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      results[i] = TaskResult{.outcome = Outcome::kExited,
                              .pid = 100 + static_cast<int>(i),
                              .ppid = 99,
                              .wall = wall,
                              .user_cpu = one_core ? wall / 2 : wall};
      recorder.on_exit({tasks[i], results[i], wall});
    }
    mtask::SummaryEvent summary{99, tasks, results, 0, wall, 2 * wall, one_core ? 1.0 : 2.0,
                                0,  wall};
    summary.sequential = one_core ? wall : 2 * wall;
    summary.cpu_sum = one_core ? wall : 2 * wall;
    summary.cores = one_core ? 1 : 2;
    recorder.on_summary(summary);
  }
};

std::string ascii(const mtask::Timeline& timeline, std::size_t width = 80, Duration scale = 0ms) {
  return mtask::render_timeline(timeline, {.width = width, .unicode = false, .scale = scale});
}

/// The row whose label starts with `label`, without its label: the cells between the bars.
std::string cells_of(const std::string& text, const std::string& label) {
  for (const std::string& line : lines_of(text)) {
    if (line.rfind(label, 0) != 0) continue;
    const std::size_t left = line.find('|');
    return line.substr(left + 1, line.rfind('|') - left - 1);
  }
  return "(no row " + label + ")";
}

/// The strip under a task's bar: the line after the one that starts with `label`.
std::string strip_of(const std::string& text, const std::string& label) {
  const std::vector<std::string> lines = lines_of(text);
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    if (lines[i].rfind(label, 0) != 0) continue;
    const std::string& line = lines[i + 1];
    const std::size_t left = line.find('|');
    return line.substr(left + 1, line.rfind('|') - left - 1);
  }
  return "(no strip " + label + ")";
}

/// The WCAG contrast ratio of two colours "#rrggbb".
double contrast(const std::string& a, const std::string& b) {
  const auto luminance = [](const std::string& hex) {
    double channels[3];
    for (std::size_t i = 0; i < 3; ++i) {
      const double c = std::stoi(hex.substr(1 + 2 * i, 2), nullptr, 16) / 255.0;
      channels[i] = c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  };
  const double la = luminance(a);
  const double lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

std::string attribute(const std::string& element, const std::string& name) {
  std::smatch m;
  if (std::regex_search(element, m, std::regex("\\s" + name + "=\"([^\"]*)\""))) return m[1];
  return {};
}

}  // namespace

TEST_CASE("samples of the same state and CPU merge into one span", "[timeline][cpu]") {
  mtask::TimelineRecorder recorder;
  const mtask::Task task{.name = "a", .index = 0};
  const auto sample = [&](Duration from, Duration running, Duration waiting, int cpu) {
    recorder.on_cpu_sample({task, 0, 7, from, from + 5ms, running, waiting, cpu});
  };
  sample(0ms, 5ms, 0ms, 1);
  sample(5ms, 4ms, 1ms, 1);    // still running on CPU 1
  sample(10ms, 4ms, 0ms, 2);   // another CPU
  sample(15ms, 1ms, 3ms, 2);   // waiting
  sample(20ms, 0ms, 0ms, -1);  // asleep
  sample(25ms, 1ms, 0ms, 2);   // asleep too: running is not the largest
  const std::vector<mtask::CpuSpan>& spans = recorder.timeline().tasks.at(0).spans;
  REQUIRE(spans.size() == 4);
  CHECK(spans[0].state == CpuState::kRunning);
  CHECK(spans[0].cpu == 1);
  CHECK(spans[0].from == 0ms);
  CHECK(spans[0].to == 10ms);
  CHECK(spans[0].running == 9ms);
  CHECK(spans[0].waiting == 1ms);
  CHECK(spans[1].cpu == 2);
  CHECK(spans[2].state == CpuState::kWaiting);
  CHECK(spans[3].state == CpuState::kAsleep);
  CHECK(spans[3].to == 30ms);
  CHECK(recorder.timeline().samples == 6);
}

TEST_CASE("a long run's spans stay bounded: neighbours merge and the merges are counted",
          "[timeline][cpu]") {
  mtask::TimelineRecorder recorder;
  const mtask::Task task{.name = "a", .index = 0};
  // An hour of a task that takes turns every 5 ms: 720,000 samples, each a new state.
  constexpr int kSamples = 720'000;
  for (int k = 0; k < kSamples; ++k) {
    const Duration from = 5ms * k;
    recorder.on_cpu_sample(
        {task, 0, 7, from, from + 5ms, k % 2 == 0 ? 5ms : 0ms, k % 2 == 0 ? 0ms : 5ms, 0});
  }
  const mtask::Timeline& timeline = recorder.timeline();
  const std::vector<mtask::CpuSpan>& spans = timeline.tasks.at(0).spans;
  CHECK(spans.size() <= mtask::kTimelineSpansPerTask);
  CHECK(timeline.tasks.at(0).span_quantum > 0ms);
  CHECK(timeline.coarsened_spans > 0);
  CHECK(timeline.samples == static_cast<std::uint64_t>(kSamples));
  // Still the whole hour, in order, with every sample's times counted.
  CHECK(spans.front().from == 0ms);
  CHECK(spans.back().to == 5ms * kSamples);
  Duration running{0};
  for (std::size_t i = 0; i < spans.size(); ++i) {
    running += spans[i].running;
    if (i > 0) CHECK(spans[i].from >= spans[i - 1].to);
  }
  CHECK(running == 5ms * (kSamples / 2));
}

TEST_CASE("many tasks share the budget of spans", "[timeline][cpu]") {
  std::vector<mtask::Task> tasks;
  for (std::size_t i = 0; i < 1000; ++i) tasks.push_back({.name = "t", .index = i});
  mtask::TimelineRecorder recorder;
  recorder.on_begin({1, tasks, {}, {}});
  for (int k = 0; k < 5000; ++k) {
    const Duration from = 5ms * k;
    recorder.on_cpu_sample({tasks[0], 0, 7, from, from + 5ms, 5ms, 0ms, k % 2});
  }
  const std::size_t share = mtask::kTimelineMaxSpans / 1000;
  CHECK(recorder.timeline().tasks.at(0).spans.size() <= share);
  CHECK(recorder.timeline().coarsened_spans > 0);
}

TEST_CASE_METHOD(CpuRun, "in the terminal, taking turns and running in parallel differ at a glance",
                 "[timeline][cpu]") {
  SECTION("one core: each strip mixes running on CPU 0 and waiting; one CPU row, both tasks") {
    run(true);
    const std::string text = ascii(recorder.timeline());
    INFO(text);
    for (const std::string& line : lines_of(text)) CHECK(mtask::display_width(line) <= 80);
    const std::string a = strip_of(text, "a ");
    CHECK(contains(a, "0"));
    CHECK(contains(a, "/"));
    CHECK(std::count(a.begin(), a.end(), '0') > 10);
    CHECK(std::count(a.begin(), a.end(), '/') > 10);
    CHECK(cells_of(text, "CPU 0").find_first_not_of("ab") == std::string::npos);
    CHECK(contains(cells_of(text, "CPU 0"), "a"));
    CHECK(contains(cells_of(text, "CPU 0"), "b"));
    CHECK_FALSE(contains(text, "CPU 1"));
    CHECK(contains(text, "n running on CPU n, / waiting for a CPU, _ asleep"));
    CHECK(contains(text, "CPU rows: the task that ran there: a a, b b"));
    CHECK(lines_of(text).back() == "1.00x speedup; 1.0 cores busy of 1 (2.00 s CPU in 2.00 s)");
  }
  SECTION("two cores: a strip of 0s and one of 1s, a CPU row for each task") {
    run(false);
    const std::string text = ascii(recorder.timeline());
    INFO(text);
    const std::string a = strip_of(text, "a ");
    const std::string b = strip_of(text, "b ");
    CHECK(a.find_first_not_of('0') == std::string::npos);
    CHECK(b.find_first_not_of('1') == std::string::npos);
    CHECK(cells_of(text, "CPU 0").find_first_not_of('a') == std::string::npos);
    CHECK(cells_of(text, "CPU 1").find_first_not_of('b') == std::string::npos);
    CHECK(lines_of(text).back() == "2.00x speedup; 2.0 cores busy of 2 (4.00 s CPU in 2.00 s)");
  }
  SECTION("the unicode picture draws waiting hatched") {
    run(true);
    const std::string text = mtask::render_timeline(recorder.timeline(), {.width = 80});
    CHECK(contains(text, "╱"));
    CHECK(contains(text, "░ alive"));
  }
}

TEST_CASE_METHOD(CpuRun, "the verdict is drawn with the speedup when the recorder has one",
                 "[timeline][cpu]") {
  recorder.set_verdict([](const mtask::SummaryEvent& e) {
    return e.cores == 1 ? std::string("took turns on 1 CPU") : std::string("in parallel");
  });
  run(true);
  CHECK(recorder.timeline().figures.verdict == "took turns on 1 CPU");
  CHECK(contains(ascii(recorder.timeline(), 100), "1.00x speedup: took turns on 1 CPU; 1.0 cores"));
  CHECK(contains(mtask::render_timeline_svg(recorder.timeline()),
                 "1.00x speedup: took turns on 1 CPU; 1.0 cores busy of 1"));
}

TEST_CASE_METHOD(CpuRun,
                 "a fixed time scale: a shorter run fills part of the axis, a longer one "
                 "is drawn to its end",
                 "[timeline][cpu]") {
  run(false, 2000ms);
  const std::string text = ascii(recorder.timeline(), 80, 4000ms);
  INFO(text);
  CHECK(lines_of(text)[0].rfind("timeline: 2.00 s on a 4.00 s scale, one column = ", 0) == 0);
  CHECK(lines_of(text)[1] == "# a line came out, - alive");  // too long for the header
  // The strip of a covers half the axis: its samples end at 2 s of 4.
  const std::string a = strip_of(text, "a ");
  const std::size_t drawn = a.find_last_not_of(' ') + 1;
  CHECK(drawn >= a.size() / 2 - 1);
  CHECK(drawn <= a.size() / 2 + 1);
  CHECK(contains(text, "4s"));
  const std::string longer = ascii(recorder.timeline(), 80, 1000ms);
  CHECK(lines_of(longer)[0].rfind(
            "timeline: 2.00 s (longer than the 1.00 s scale: drawn to its end), one column", 0) ==
        0);
  CHECK(strip_of(longer, "a ").find(' ') == std::string::npos);

  const std::string svg = mtask::render_timeline_svg(recorder.timeline(), {.scale = 4000ms});
  CHECK(contains(svg, "; on a 4.00 s scale)"));
  CHECK_FALSE(contains(svg, "scale-end"));
  const std::string beyond = mtask::render_timeline_svg(recorder.timeline(), {.scale = 1000ms});
  CHECK(contains(beyond, "longer than the 1.00 s scale: drawn to its end"));
  CHECK(contains(beyond, "class=\"scale-end\""));
}

TEST_CASE_METHOD(CpuRun, "the SVG draws states in the CPU's colour, a row per CPU and a legend",
                 "[timeline][cpu][svg]") {
  run(false);
  const std::string svg = mtask::render_timeline_svg(recorder.timeline());
  CHECK(contains(svg, "class=\"state running\" data-cpu=\"0\""));
  CHECK(contains(svg, "class=\"state running\" data-cpu=\"1\""));
  CHECK(contains(svg, "<g class=\"cpu\" data-cpu=\"0\">"));
  CHECK(contains(svg, "<g class=\"cpu\" data-cpu=\"1\">"));
  CHECK(contains(svg, ">waiting for a CPU</text>"));
  CHECK(contains(svg, ">asleep</text>"));
  CHECK(contains(svg, "2.00x speedup; 2.0 cores busy of 2"));
  // Each CPU's row has one stretch: the task that had it all along.
  CHECK(std::regex_search(svg, std::regex("<title>CPU 0: a ran, [^<]* to 2.00 s</title>")));
  CHECK(std::regex_search(svg, std::regex("<title>CPU 1: b ran, [^<]* to 2.00 s</title>")));
  std::ptrdiff_t ran = 0;
  for (std::size_t p = svg.find("class=\"ran\""); p != std::string::npos;
       p = svg.find("class=\"ran\"", p + 1)) {
    ++ran;
  }
  CHECK(ran == 2);
}

TEST_CASE_METHOD(CpuRun, "the SVG of tasks taking turns hatches their waits on one CPU",
                 "[timeline][cpu][svg]") {
  run(true);
  const std::string svg = mtask::render_timeline_svg(recorder.timeline());
  CHECK(contains(svg, "class=\"state waiting\""));
  CHECK(contains(svg, "fill=\"url(#waiting)\""));
  CHECK(contains(svg, "<pattern id=\"waiting\""));
  CHECK_FALSE(contains(svg, "data-cpu=\"1\""));
}

TEST_CASE("every text of the SVG has a contrast of at least 4.5:1 with its background",
          "[timeline][svg]") {
  // Eight tasks (every colour of the palette), with states, CPU rows, needs and a scale.
  std::vector<mtask::Task> tasks;
  std::vector<TaskResult> results;
  mtask::TimelineRecorder recorder;
  for (std::size_t i = 0; i < 8; ++i) {
    tasks.push_back({.name = "task" + std::to_string(i), .index = i});
  }
  tasks[1].needs = {"task0"};
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const int pid = 10 + static_cast<int>(i);
    recorder.on_start({tasks[i], pid, 1, 0ms});
    for (Duration t = 0ms; t < 100ms; t += 5ms) {
      recorder.on_cpu_sample({tasks[i], i, pid, t, t + 5ms, 3ms, 1ms, static_cast<int>(i)});
    }
    results.push_back({.outcome = Outcome::kExited, .pid = pid, .ppid = 1, .wall = 100ms});
    recorder.on_exit({tasks[i], results[i], 100ms});
  }
  mtask::SummaryEvent summary{1, tasks, results, 0, 100ms, 800ms, 8.0, 0, 100ms};
  summary.cores = 8;
  recorder.on_summary(summary);
  const std::string svg = mtask::render_timeline_svg(recorder.timeline(), {.scale = 50ms});
  std::smatch m;
  REQUIRE(std::regex_search(svg, m, std::regex("<svg [^>]*>")));
  const std::string root = m[0];
  const std::string inherited =
      attribute(root, "fill").empty() ? "#000000" : attribute(root, "fill");
  REQUIRE(std::regex_search(svg, m, std::regex("<rect[^>]*width=\"100%\"[^>]*>")));
  const std::string background = attribute(m[0], "fill");
  REQUIRE(background.size() == 7);
  int texts = 0;
  const std::regex text_element("<text[^>]*>([^<]*)<");
  for (std::sregex_iterator it(svg.begin(), svg.end(), text_element), end; it != end; ++it) {
    const std::string element = (*it)[0];
    std::string fill = attribute(element, "fill");
    if (fill.empty()) fill = inherited;
    INFO(element << " " << fill);
    REQUIRE(fill.size() == 7);
    CHECK(contrast(fill, background) >= 4.5);
    ++texts;
  }
  CHECK(texts > 20);
}

TEST_CASE("the SVG names fonts for Chinese and counts wide characters as two columns",
          "[timeline][svg]") {
  const std::vector<mtask::Task> tasks{
      {.name = "唱歌唱歌唱歌唱歌唱歌唱歌唱歌唱歌唱歌唱歌", .index = 0}};
  const std::vector<TaskResult> results{
      {.outcome = Outcome::kExited, .pid = 7, .ppid = 1, .wall = 100ms}};
  mtask::TimelineRecorder recorder;
  recorder.on_start({tasks[0], 7, 1, 0ms});
  recorder.on_exit({tasks[0], results[0], 100ms});
  recorder.on_summary({1, tasks, results, 0, 100ms, 100ms, 1.0, 0, 100ms});
  const std::string svg = mtask::render_timeline_svg(recorder.timeline());
  for (const char* font : {"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                           "PingFang SC", "Microsoft YaHei", "sans-serif"}) {
    CHECK(contains(svg, font));
  }
  // The label "唱歌... (pid 7)" is 48 columns: its bar starts right of it.
  std::smatch m;
  REQUIRE(std::regex_search(svg, m, std::regex("<rect class=\"span\" x=\"([0-9.]+)\"")));
  const double bar = std::stod(m[1]);
  CHECK(bar > 10 + 48 * 7.5);
}

TEST_CASE_METHOD(CpuRun, "the trace has state slices per task and a track per CPU",
                 "[timeline][cpu][trace]") {
  run(true);
  const nlohmann::json trace = nlohmann::json::parse(mtask::render_trace(recorder.timeline()));
  std::map<std::pair<std::int64_t, std::int64_t>, std::string> threads;
  std::map<std::int64_t, std::string> processes;
  std::map<std::string, int> states;
  std::map<std::int64_t, std::vector<std::pair<double, double>>> on_cpu;
  for (const nlohmann::json& e : trace.at("traceEvents")) {
    const std::string ph = e.at("ph");
    const std::int64_t pid = e.at("pid");
    const std::int64_t tid = e.at("tid");
    if (ph == "M" && e.at("name") == "process_name") processes[pid] = e["args"]["name"];
    if (ph == "M" && e.at("name") == "thread_name") threads[{pid, tid}] = e["args"]["name"];
    if (ph == "X" && e.at("cat") == "cpu") {
      const std::string name = e.at("name");
      if (processes.count(pid) != 0 && processes[pid] == "CPUs") {
        on_cpu[tid].emplace_back(e.at("ts").get<double>(), e.at("dur").get<double>());
      } else {
        ++states[name];
      }
    }
  }
  std::int64_t cpus = 0;
  for (const auto& [pid, name] : processes) {
    if (name == "CPUs") cpus = pid;
  }
  REQUIRE(cpus != 0);
  CHECK(cpus > 4'194'304);  // never a real process
  std::vector<std::string> cpu_names;
  for (const auto& [key, name] : threads) {
    if (key.first == cpus) cpu_names.push_back(name);
  }
  CHECK(cpu_names == std::vector<std::string>{"CPU 0"});
  CHECK(states["running on CPU 0"] >= 38);  // a span per 50 ms of each task
  CHECK(states["waiting for a CPU"] >= 38);
  // The CPU's slices do not overlap: a track Perfetto draws as it is.
  for (auto& [tid, slices] : on_cpu) {
    std::sort(slices.begin(), slices.end());
    CHECK(slices.size() >= 38);
    for (std::size_t i = 1; i < slices.size(); ++i) {
      CHECK(slices[i].first >= slices[i - 1].first + slices[i - 1].second - 1e-3);
    }
  }
}
