// Text that lines up on a terminal whatever the names are made of, and counts that read
// right: line prefixes, the summary table and the timeline measured in columns (a CJK
// character takes two), "1 task", and no speedup made up when no task ran.
#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace {

using namespace std::chrono_literals;

// Two columns on a terminal, three bytes in UTF-8 each: 唱歌 takes as many columns as "abcd".
const std::string kWide = "唱歌";

/// The columns `text` takes on a terminal, for the text of these tests: ASCII, the box
/// drawing and block characters of the timeline (one column each) and CJK ideographs (two).
std::size_t columns(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      ++n;
    } else if (byte >= 0xE3 && byte <= 0xE9) {
      n += 2;  // the lead byte of a CJK ideograph (U+3000..U+9FFF)
    } else if (byte >= 0xC0) {
      ++n;  // the lead byte of any other character
    }
  }
  return n;
}

/// The column at which `marker` first appears in `line` (npos when it does not).
std::size_t column_of(const std::string& line, const std::string& marker) {
  const std::size_t at = line.find(marker);
  return at == std::string::npos ? std::string::npos : columns(line.substr(0, at));
}

std::vector<std::string> lines_starting(const e2e::Run& run, const std::string& start) {
  std::vector<std::string> found;
  for (const std::string& line : run.out_lines()) {
    if (line.rfind(start, 0) == 0) found.push_back(line);
  }
  return found;
}

e2e::Options in_columns(std::size_t width) {
  e2e::Options options;
  options.timeout = 20s;
  options.env = {"COLUMNS=" + std::to_string(width), "LC_ALL=", "LC_CTYPE=", "LANG=C.UTF-8"};
  return options;
}

}  // namespace

TEST_CASE("width: line prefixes of a wide name line up with the others", "[e2e][width]") {
  const e2e::Run run = e2e::mtask({"run", kWide + ":1@10ms", "ab:1@10ms"}, in_columns(80));
  REQUIRE(run.status == 0);
  INFO(run.out);
  for (const char* marker : {" > ", " | ", " < "}) {
    const std::vector<std::string> wide = lines_starting(run, kWide + " ");
    const std::vector<std::string> narrow = lines_starting(run, "ab ");
    REQUIRE(wide.size() == 3);
    REQUIRE(narrow.size() == 3);
    // The pid ends and the marker stands at the same column in every line of both tasks.
    const std::size_t expected = column_of(narrow.front(), " > ");
    for (const std::string& line : wide) {
      if (line.find(marker) == std::string::npos) continue;
      CHECK(column_of(line, marker) == expected);
    }
    for (const std::string& line : narrow) {
      if (line.find(marker) == std::string::npos) continue;
      CHECK(column_of(line, marker) == expected);
    }
  }
}

TEST_CASE("width: the summary table's columns line up with a wide name", "[e2e][width]") {
  const e2e::Run run = e2e::mtask({"run", kWide + ":1@10ms", "ab:1@10ms"}, in_columns(80));
  REQUIRE(run.status == 0);
  INFO(run.out);
  const std::vector<std::string> header = lines_starting(run, "  task ");
  const std::vector<std::string> wide = lines_starting(run, "  " + kWide + " ");
  const std::vector<std::string> narrow = lines_starting(run, "  ab ");
  REQUIRE(header.size() == 1);
  REQUIRE(wide.size() == 1);
  REQUIRE(narrow.size() == 1);
  // Every column is right-aligned to the header's end or starts where its title does.
  CHECK(column_of(wide[0], "exit 0") == column_of(header[0], "status"));
  CHECK(column_of(narrow[0], "exit 0") == column_of(header[0], "status"));
  CHECK(columns(wide[0]) == columns(header[0]));
  CHECK(columns(narrow[0]) == columns(header[0]));
}

TEST_CASE("width: the timeline's bars start at one column and fit in COLUMNS", "[e2e][width]") {
  for (const bool ascii : {true, false}) {
    std::vector<std::string> args = {"run", "--timeline", kWide + ":2@20ms", "ab:2@20ms"};
    if (ascii) args.emplace_back("--ascii");
    const e2e::Run run = e2e::mtask(args, in_columns(60));
    REQUIRE(run.status == 0);
    INFO(run.out);
    const std::string left = ascii ? "|" : "│";
    const std::vector<std::string> wide = lines_starting(run, kWide + " ");
    const std::vector<std::string> narrow = lines_starting(run, "ab ");
    // The last line of each task is its bar; the others are its output.
    REQUIRE_FALSE(wide.empty());
    REQUIRE_FALSE(narrow.empty());
    CHECK(column_of(wide.back(), left) == column_of(narrow.back(), left));
    CHECK(columns(wide.back()) == columns(narrow.back()));
    const std::size_t timeline = run.out.find("timeline: ");
    REQUIRE(timeline != std::string::npos);
    for (const std::string& line : e2e::split_lines(run.out.substr(timeline))) {
      CHECK(columns(line) <= 60);
    }
  }
}

TEST_CASE("width: one of a thing is said in the singular", "[e2e][width]") {
  const e2e::Run run = e2e::mtask({"run", "--explain", "x:1@10ms"}, in_columns(80));
  REQUIRE(run.status == 0);
  INFO(run.out << run.err);
  CHECK(e2e::contains(run.out, "\n1 task, none failed\n"));
  CHECK(e2e::contains(run.out, "\n1 task, "));
  CHECK(e2e::contains(run.err, "prints 'x... (i/1)' 1 time, sleeping 10.0 ms after it\n"));
  CHECK(e2e::contains(run.err, "no zombie left: 1 task in "));
  CHECK_FALSE(e2e::contains(run.err, "1 times"));
}

TEST_CASE("width: no speedup is made up when no task ran", "[e2e][width]") {
  // With five descriptors mtask cannot make a single pipe: no task starts.
  e2e::Options options = in_columns(80);
  options.prefix = {"prlimit", "--nofile=5:5", "--"};
  const e2e::Run text = e2e::mtask({"run", "a", "b"}, options);
  REQUIRE(text.status == 3);
  INFO(text.out);
  CHECK_FALSE(e2e::contains(text.out, "speedup"));
  CHECK(e2e::contains(text.out, "\nwall "));
  CHECK(e2e::contains(text.out, ", no task ran\n2 tasks, none failed, 2 not started\n"));
  CHECK_FALSE(e2e::contains(text.out, "cores busy"));
  CHECK(e2e::contains(text.out, ": nothing ran\n"));

  // JSON keeps its fields: a speedup of 0.0 is the number it gives for one that cannot be
  // computed.
  const e2e::Run json = e2e::mtask({"run", "-o", "json", "a", "b"}, options);
  REQUIRE(json.status == 3);
  const std::vector<std::string> lines = json.out_lines();
  REQUIRE_FALSE(lines.empty());
  const nlohmann::json summary = nlohmann::json::parse(lines.back());
  CHECK(summary["event"] == "summary");
  CHECK(summary["speedup"] == 0.0);
  CHECK(summary["task_wall_sum_s"] == 0.0);
}

TEST_CASE("width: a task that ran, however briefly, keeps its speedup", "[e2e][width]") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "x:0"},
        std::vector<std::string>{"run", "-j", "1", "x:0", "y:0"}}) {
    const e2e::Run run = e2e::mtask(args, in_columns(80));
    REQUIRE(run.status == 0);
    INFO(run.out);
    CHECK(std::regex_search(run.out, std::regex(R"(one after another [^\n]*: \d+\.\d\dx, )")));
    CHECK_FALSE(e2e::contains(run.out, "0.00x"));
    CHECK_FALSE(e2e::contains(run.out, "no task ran"));
  }
}
