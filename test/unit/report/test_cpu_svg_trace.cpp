// Who ran where in the SVG and the trace: states, CPU rows and tracks, the contrast of every
// text and the widths of Chinese names.
#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cpu_run.hpp"
#include "mtask/report/timeline.hpp"

using namespace std::chrono_literals;
using cpu_test::contains;
using cpu_test::CpuRun;
using mtask::Duration;
using mtask::Outcome;
using mtask::TaskResult;

namespace {

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
  CHECK(contains(svg, "2.00x speedup: ran in parallel on 2 CPUs; 2.0 cores busy of 2"));
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

/// Eight tasks (every colour of the palette), each on a CPU of its own, with states, CPU rows,
/// needs and a scale.
std::string eight_tasks_svg() {
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
  return mtask::render_timeline_svg(recorder.timeline(), {.scale = 50ms});
}

/// The fill of the last rect before `at`: what a text written on it stands on.
std::string fill_before(const std::string& svg, std::size_t at) {
  const std::size_t rect = svg.rfind("<rect", at);
  return attribute(svg.substr(rect, svg.find('>', rect) - rect + 1), "fill");
}

}  // namespace

TEST_CASE("every text of the SVG has a contrast of at least 4.5:1 with its background",
          "[timeline][svg]") {
  const std::string svg = eight_tasks_svg();
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
    // A task's key in a CPU row stands on the stretch's fill, the rect just before it.
    const std::string under = attribute(element, "class") == "key"
                                  ? fill_before(svg, static_cast<std::size_t>(it->position()))
                                  : background;
    INFO(element << " " << fill << " on " << under);
    REQUIRE(fill.size() == 7);
    REQUIRE(under.size() == 7);
    CHECK(contrast(fill, under) >= 4.5);
    ++texts;
  }
  CHECK(texts > 20);
}

TEST_CASE("the first six tasks' colours differ pairwise by a contrast of at least 1.3:1",
          "[timeline][svg]") {
  // Lightness apart, not only hue: neighbours tell apart at a glance, even without colour vision.
  const std::string svg = eight_tasks_svg();
  std::map<std::string, std::string> fills;
  const std::regex ran("<rect class=\"ran\" data-name=\"(task[0-5])\"[^>]*>");
  for (std::sregex_iterator it(svg.begin(), svg.end(), ran), end; it != end; ++it) {
    fills[(*it)[1]] = attribute((*it)[0], "fill");
  }
  REQUIRE(fills.size() == 6);
  for (auto a = fills.begin(); a != fills.end(); ++a) {
    for (auto b = std::next(a); b != fills.end(); ++b) {
      INFO(a->first << " " << a->second << ", " << b->first << " " << b->second);
      CHECK(contrast(a->second, b->second) >= 1.3);
    }
  }
}

TEST_CASE("each CPU-row stretch wide enough carries its task's name or key", "[timeline][svg]") {
  // Three tasks on two CPUs: c runs on CPU 1 between a and b, which take turns on CPU 0.
  std::vector<mtask::Task> tasks{
      {.name = "a", .index = 0}, {.name = "b", .index = 1}, {.name = "compile", .index = 2}};
  std::vector<TaskResult> results;
  mtask::TimelineRecorder recorder;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    recorder.on_start({tasks[i], 10 + static_cast<int>(i), 1, 0ms});
  }
  int k = 0;
  for (Duration t = 0ms; t < 2000ms; t += 5ms, ++k) {
    const bool first = k / 40 % 2 == 0;
    recorder.on_cpu_sample({tasks[0], 0, 10, t, t + 5ms, first ? 5ms : 0ms, 0ms, 0});
    recorder.on_cpu_sample({tasks[1], 1, 11, t, t + 5ms, first ? 0ms : 5ms, 0ms, first ? 1 : 0});
    recorder.on_cpu_sample({tasks[2], 2, 12, t, t + 5ms, first ? 5ms : 0ms, 0ms, 1});
  }
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const TaskResult result{
        .outcome = Outcome::kExited, .pid = 10 + static_cast<int>(i), .ppid = 1, .wall = 2000ms};
    results.push_back(result);
    recorder.on_exit({tasks[i], result, 2000ms});
  }
  recorder.on_summary({1, tasks, results, 0, 2000ms, 6000ms, 2.0, 0, 2000ms});
  const std::string svg = mtask::render_timeline_svg(recorder.timeline());
  const std::map<std::string, std::string> keys{{"a", "a"}, {"b", "b"}, {"compile", "c"}};
  const std::regex ran(
      "<rect class=\"ran\" data-name=\"([^\"]*)\"[^>]*>.*\n(<text [^>]*>([^<]*)<)?");
  int wide = 0;
  for (std::sregex_iterator it(svg.begin(), svg.end(), ran), end; it != end; ++it) {
    const std::string name = (*it)[1];
    INFO((*it)[0]);
    if (std::stod(attribute((*it)[0], "width")) < 12) continue;
    ++wide;
    REQUIRE((*it)[2].matched);
    CHECK(attribute((*it)[2], "class") == "key");
    const std::string text = (*it)[3];
    CHECK((text == name || text == keys.at(name)));
  }
  CHECK(wide > 10);
  // A long name is written whole where it fits.
  CHECK(contains(svg, ">compile</text>"));
  CHECK(contains(svg, ">strips: colour = CPU:</text>"));
  CHECK(contains(svg, ">CPU rows: colour = task:</text>"));
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
