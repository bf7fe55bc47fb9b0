// No line lost, none torn, at any size, with bounded memory.
#include <map>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;
using nlohmann::json;

namespace {

/// The text after "NAME PID | " of every task line of `name`, in order.
std::vector<std::string> lines_of(const std::string& out, const std::string& name) {
  std::vector<std::string> lines;
  const std::string start = name + " ";
  for (const std::string& line : e2e::split_lines(out)) {
    if (line.rfind(start, 0) != 0) continue;
    const std::size_t bar = line.find(" | ");
    if (bar != std::string::npos) lines.push_back(line.substr(bar + 3));
  }
  return lines;
}

}  // namespace

TEST_CASE("stress: 100 tasks of 10,000 lines lose and tear nothing", "[e2e][output][stress]") {
  const char* format = GENERATE("text", "json");
  CAPTURE(format);
  std::vector<std::string> args = {"run", "-o", format};
  for (int i = 0; i < 100; ++i) args.push_back("t" + std::to_string(i) + ":10000@0");
  e2e::Options options;
  options.timeout = 120s;
  const e2e::Run run = e2e::mtask(args, options);
  REQUIRE_FALSE(run.timed_out);
  REQUIRE(run.status == 0);

  // Every task's lines, once each, whole, in order: "tK... (I/10000)" with I counting up.
  std::map<std::string, int> next;  // task -> the iteration seen last
  long bad = 0;
  auto take = [&](const std::string& text) {
    const std::size_t dots = text.find("... (");
    const std::size_t slash = text.find('/');
    if (text.empty() || text[0] != 't' || dots == std::string::npos || slash == std::string::npos ||
        text.substr(slash) != "/10000)") {
      ++bad;
      return;
    }
    int& last = next[text.substr(0, dots)];
    const int iteration = std::stoi(text.substr(dots + 5, slash - dots - 5));
    if (iteration != last + 1) ++bad;
    last = iteration;
  };
  for (const std::string& line : run.out_lines()) {
    if (std::string(format) == "json") {
      // A full JSON parse of a million lines is slow under the sanitizers: every line must be
      // an object, and the text of a line event is plain here (no escapes).
      if (line.empty() || line.front() != '{' || line.back() != '}') ++bad;
      if (line.rfind(R"({"event":"line")", 0) != 0) continue;
      const std::size_t from = line.find(R"("text":")");
      const std::size_t to = line.find(R"(","t":)");
      if (from == std::string::npos || to == std::string::npos) {
        ++bad;
        continue;
      }
      take(line.substr(from + 8, to - from - 8));
    } else if (const std::size_t bar = line.find(" | "); bar != std::string::npos) {
      take(line.substr(bar + 3));
    }
  }
  CHECK(bad == 0);
  REQUIRE(next.size() == 100);
  for (const auto& [task, last] : next) {
    CAPTURE(task);
    CHECK(last == 10000);
  }
}

TEST_CASE("text: a line longer than 64 KiB comes out whole, nothing between its pieces",
          "[e2e][output]") {
  e2e::Options options;
  options.timeout = 60s;
  const e2e::Run run = e2e::mtask(
      {"run", "noise:3000@0", "long=head -c 300000 /dev/zero | tr '\\0' x; echo; echo after"},
      options);
  REQUIRE_FALSE(run.timed_out);
  REQUIRE(run.status == 0);
  const std::vector<std::string> lines = lines_of(run.out, "long");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == std::string(300000, 'x'));
  CHECK(lines[1] == "after");
  CHECK(lines_of(run.out, "noise").size() == 3000);
}

TEST_CASE("json: a long line comes in pieces of at most 64 KiB, marked partial", "[e2e][output]") {
  // 'é' is two bytes: a piece must never split it.
  e2e::Options options;
  options.timeout = 60s;
  const e2e::Run run =
      e2e::mtask({"run", "-o", "json",
                  "long=for i in $(seq 1000); do printf '%0100d' 0 | sed 's/0/é/g'; "
                  "done; echo"},
                 options);
  REQUIRE_FALSE(run.timed_out);
  REQUIRE(run.status == 0);
  std::string whole;
  int pieces = 0;
  bool last_partial = true;
  for (const std::string& line : run.out_lines()) {
    const json event = json::parse(line);
    if (event["event"] != "line") continue;
    const std::string text = event["text"].get<std::string>();
    CHECK(text.size() <= 64 * 1024);
    CHECK(text.find("\xEF\xBF\xBD") == std::string::npos);  // no U+FFFD: nothing was split
    last_partial = event.value("partial", false);
    whole += text;
    ++pieces;
  }
  CHECK(pieces >= 4);  // 200,000 bytes
  CHECK_FALSE(last_partial);
  std::string expected;
  for (int i = 0; i < 100000; ++i) expected += "é";
  CHECK(whole == expected);
}

TEST_CASE("stdout and stderr of one task with long lines do not block each other",
          "[e2e][output]") {
  // Half a line on stdout, then a long line on stderr, then the rest of the stdout line.
  e2e::Options options;
  options.timeout = 30s;
  const e2e::Run run = e2e::mtask(
      {"run",
       "both=head -c 100000 /dev/zero | tr '\\0' o; head -c 100000 /dev/zero | tr '\\0' e "
       ">&2; echo >&2; echo; echo done"},
      options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  const std::vector<std::string> out = lines_of(run.out, "both");
  const std::vector<std::string> err = lines_of(run.err, "both");
  REQUIRE(out.size() == 2);
  CHECK(out[0] == std::string(100000, 'o'));
  CHECK(out[1] == "done");
  REQUIRE(err.size() == 1);
  CHECK(err[0] == std::string(100000, 'e'));
}

TEST_CASE("a gigantic output passes through with flat parent memory", "[e2e][output]") {
  // 400 MB: lines of 100 bytes, and one line of 100 MB with no newline at all. Output goes to
  // /dev/null; mtask's own peak memory is sampled while it runs.
  e2e::Options options;
  options.timeout = 300s;
  options.prefix = {"sh", "-c", "exec \"$0\" \"$@\" >/dev/null"};
  const e2e::Run run =
      e2e::mtask({"run", "lines=head -c 300000000 /dev/zero | tr '\\0' x | fold -w 100",
                  "one=head -c 100000000 /dev/zero"},
                 options);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(run.peak_rss_kb > 0);
#if defined(__SANITIZE_ADDRESS__)
  WARN("built with AddressSanitizer, whose shadow memory makes the bound meaningless: peak "
       << run.peak_rss_kb << " KiB");
#else
  CHECK(run.peak_rss_kb < 16 * 1024);
#endif
}
