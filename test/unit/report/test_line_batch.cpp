// A batch of lines (EventSink::on_lines) says what one on_line per line says, and the
// reporters that take it whole write the same bytes straight into their buffer (FdOutput) as
// piece by piece (StringOutput).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mtask/report/json_reporter.hpp"
#include "mtask/report/multi_sink.hpp"
#include "mtask/report/output.hpp"
#include "mtask/report/text_reporter.hpp"
#include "temp_dir.hpp"

using namespace std::chrono_literals;
using mtask::LineBatch;
using mtask::LinePiece;
using mtask::Stream;

namespace {

const std::vector<mtask::Task> kTasks{{.name = "sing", .index = 0}, {.name = "dance", .index = 1}};

// Batches as a run hands them over: several lines, partial pieces, two tasks taking turns on
// one stream, stderr, plain and escaped text, and a line longer than an output buffer.
void feed(mtask::EventSink& sink) {
  const std::string long_line(100 * 1024, 'x');
  const std::vector<LinePiece> a{
      {"one", false}, {"two \"quoted\" \x1b[1m", false}, {"", false}, {"start of a long", true}};
  const std::vector<LinePiece> b{{"b1", false}, {"caf\xc3\xa9 \xff", false}};
  const std::vector<LinePiece> a2{{" line ends", false}, {long_line, false}, {"half", true}};
  const std::vector<LinePiece> e{{"err", false}};
  sink.on_lines(LineBatch{kTasks[0], 11, Stream::kStdout, 1500ms, a});
  sink.on_lines(LineBatch{kTasks[1], 22, Stream::kStdout, 1600ms, b});
  sink.on_lines(LineBatch{kTasks[0], 11, Stream::kStdout, 1700ms, a2});
  sink.on_lines(LineBatch{kTasks[1], 22, Stream::kStderr, 1800ms, e});
  sink.on_lines(LineBatch{kTasks[0], 11, Stream::kStdout, 1900ms, {}});
  for (int i = 0; i < 5000; ++i) sink.on_lines(LineBatch{kTasks[1], 22, Stream::kStdout, 2s, b});
}

// What `make` writes when fed, into a StringOutput and into a file through FdOutput.
void check_same(const std::function<void(mtask::Output&, mtask::Output&)>& make) {
  mtask::StringOutput out;
  mtask::StringOutput err;
  make(out, err);
  TempDir dir;
  {
    const int out_fd = ::open(dir.file("out").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    const int err_fd = ::open(dir.file("err").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    REQUIRE(out_fd >= 0);
    REQUIRE(err_fd >= 0);
    {
      mtask::FdOutput fd_out(out_fd);
      mtask::FdOutput fd_err(err_fd);
      make(fd_out, fd_err);
    }
    ::close(out_fd);
    ::close(err_fd);
  }
  CHECK(out.str().size() > 100 * 1024);
  CHECK(read_all(dir.file("out")) == out.str());
  CHECK(read_all(dir.file("err")) == err.str());
}

struct Recorder final : mtask::EventSink {
  void on_line(const mtask::LineEvent& e) override {
    seen += e.task.name + "/" + std::to_string(e.pid) + "/" +
            (e.stream == Stream::kStdout ? "out" : "err") + "/" + std::string(e.text) +
            (e.partial ? "/partial" : "") + "/" + std::to_string(e.t.count()) + "\n";
  }
  std::string seen;
};

}  // namespace

TEST_CASE("a batch of lines reaches a sink as one on_line each, in order") {
  Recorder recorder;
  const std::vector<LinePiece> lines{{"a", false}, {"b", true}, {"c", false}};
  recorder.on_lines(LineBatch{kTasks[1], 5, Stream::kStderr, 3ns, lines});
  CHECK(recorder.seen == "dance/5/err/a/3\ndance/5/err/b/partial/3\ndance/5/err/c/3\n");

  Recorder first;
  Recorder second;
  mtask::MultiSink multi;
  multi.add(first);
  multi.add(second);
  multi.on_lines(LineBatch{kTasks[1], 5, Stream::kStderr, 3ns, lines});
  CHECK(first.seen == recorder.seen);
  CHECK(second.seen == recorder.seen);
}

TEST_CASE("text lines written straight into the buffer are the bytes written piece by piece") {
  mtask::TextOptions options;
  SECTION("plain") {}
  SECTION("timestamps and colours") {
    options.timestamps = mtask::Timestamps::kElapsed;
    options.colour_out = true;
    options.colour_err = true;
  }
  SECTION("grouped") { options.group = true; }
  check_same([&](mtask::Output& out, mtask::Output& err) {
    mtask::TextReporter reporter(kTasks, out, err, options);
    feed(reporter);
    reporter.on_exit({kTasks[0], {.outcome = mtask::Outcome::kExited, .pid = 11}, 3s});
    reporter.on_exit({kTasks[1], {.outcome = mtask::Outcome::kExited, .pid = 22}, 3s});
    reporter.flush();
  });
}

TEST_CASE("JSON lines written straight into the buffer are the bytes built apart") {
  check_same([](mtask::Output& out, mtask::Output&) {
    mtask::JsonReporter reporter(out);
    feed(reporter);
    reporter.flush();
  });
}

TEST_CASE("a batch of text lines keeps a task's unfinished line apart from another's") {
  mtask::StringOutput out;
  mtask::StringOutput err;
  mtask::TextReporter reporter(kTasks, out, err);
  const std::vector<LinePiece> a{{"a1", false}, {"a2-", true}};
  const std::vector<LinePiece> b{{"b1", false}};
  const std::vector<LinePiece> rest{{"rest", false}, {"a3", false}};
  reporter.on_lines(LineBatch{kTasks[0], 1, Stream::kStdout, 0ms, a});
  reporter.on_lines(LineBatch{kTasks[1], 2, Stream::kStdout, 0ms, b});
  reporter.on_lines(LineBatch{kTasks[0], 1, Stream::kStdout, 0ms, rest});
  CHECK(out.str() ==
        "sing        1 | a1\n"
        "sing        1 | a2-\n"
        "dance       2 | b1\n"
        "sing        1 + rest\n"
        "sing        1 | a3\n");
}
