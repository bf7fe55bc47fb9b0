// Who ran where: the timeline's CPU states from samples, drawn in the terminal; the time scale.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cpu_run.hpp"
#include "mtask/report/timeline.hpp"
#include "mtask/text/width.hpp"

using namespace std::chrono_literals;
using cpu_test::contains;
using cpu_test::CpuRun;
using cpu_test::lines_of;
using mtask::CpuState;
using mtask::Duration;

namespace {

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
    // The verdict comes with the figure; at 80 columns the CPU seconds give way to it.
    CHECK(lines_of(text).back() ==
          "1.00x speedup: took turns on 1 CPU: nothing saved; 1.0 cores busy of 1");
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
    CHECK(lines_of(text).back() == "2.00x speedup: ran in parallel on 2 CPUs; 2.0 cores busy of 2");
  }
  SECTION("the unicode picture draws waiting hatched") {
    run(true);
    const std::string text = mtask::render_timeline(recorder.timeline(), {.width = 80});
    CHECK(contains(text, "╱"));
    CHECK(contains(text, "░ alive"));
  }
}

TEST_CASE_METHOD(CpuRun, "the verdict is drawn with the speedup", "[timeline][cpu]") {
  run(true);
  CHECK(recorder.timeline().figures.verdict == "took turns on 1 CPU: nothing saved");
  CHECK(contains(ascii(recorder.timeline(), 120),
                 "1.00x speedup: took turns on 1 CPU: nothing saved; 1.0 cores busy of 1 (2.00 s "
                 "CPU in 2.00 s)"));
  CHECK(contains(mtask::render_timeline_svg(recorder.timeline()),
                 "1.00x speedup: took turns on 1 CPU: nothing saved; 1.0 cores busy of 1"));
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

TEST_CASE_METHOD(CpuRun, "no CPU row where the tasks only slept on it", "[timeline][cpu]") {
  // Two sleepers: each runs 0.1 ms now and then, on CPU 0, and sleeps the rest.
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    recorder.on_start({tasks[i], 100 + static_cast<int>(i), 99, 0ms});
  }
  for (Duration t = 0ms; t < 1000ms; t += 5ms) {
    sample(0, t, 100us, 0ms, 0);
    sample(1, t, 50us, 0ms, 0);
  }
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    results[i] = cpu_test::TaskResult{.outcome = cpu_test::Outcome::kExited, .wall = 1000ms};
    recorder.on_exit({tasks[i], results[i], 1000ms});
  }
  recorder.on_summary({99, tasks, results, 0, 1000ms, 2000ms, 2.0, 0, 1000ms});
  const std::string text = ascii(recorder.timeline());
  INFO(text);
  CHECK(strip_of(text, "a ").find_first_not_of('_') == std::string::npos);
  // CPU 0 was idle nearly all the time: no task is shown running there, and a row that would
  // say nothing is left out, with its legend.
  CHECK_FALSE(contains(text, "CPU 0"));
  CHECK_FALSE(contains(text, "CPU rows"));
  CHECK(contains(text, "_ asleep"));
}

TEST_CASE_METHOD(CpuRun, "a narrow terminal wraps the states legend: every item stays whole",
                 "[timeline][cpu]") {
  tasks[0].name = "sing";
  tasks[1].name = "dance";
  run(true);
  for (const std::size_t width : {40UL, 50UL, 60UL, 72UL}) {
    const std::string text =
        mtask::render_timeline(recorder.timeline(), {.width = width, .unicode = true});
    INFO(width << "\n" << text);
    for (const std::string& line : lines_of(text)) CHECK(mtask::display_width(line) <= width);
    CHECK_FALSE(contains(text, "..."));
    for (const char* item : {"n running on CPU n", "╱ waiting for a CPU", "▁ asleep",
                             "CPU rows: the task that ran there", "s sing", "d dance"}) {
      CHECK(contains(text, item));
    }
  }
}
