// mtask's own log during a run: through the reporters' stderr, after the live status line is
// erased, never inside it.
#include <chrono>
#include <memory>
#include <string>

#include <catch2/catch.hpp>
#include <spdlog/logger.h>
#include <spdlog/spdlog.h>

#include "log_sink.hpp"
#include "mtask/report/output.hpp"
#include "mtask/report/progress.hpp"

using namespace std::chrono_literals;

namespace {

constexpr std::string_view kErase = "\r\x1b[K";

std::shared_ptr<spdlog::logger> logger_to(std::shared_ptr<spdlog::sinks::sink> sink) {
  auto logger = std::make_shared<spdlog::logger>("test", std::move(sink));
  logger->set_formatter(app::log_formatter());
  return logger;
}

}  // namespace

TEST_CASE("a message erases the status line before it is written", "[app][log]") {
  mtask::StringOutput terminal;  // one terminal: the status line and stderr both reach it
  mtask::Progress progress(terminal, 2, 1, true, [] { return mtask::Duration(300ms); });
  progress.draw_if_due();
  REQUIRE(progress.shown());
  const std::string line = terminal.str();
  REQUIRE(line == "\rmtask: 0/2 done, 0 running, 0 failed, 0.3 s elapsed");

  logger_to(std::make_shared<app::OutputLogSink>(terminal, &progress))->warn("read from {}", "x");
  CHECK(terminal.str() == line + std::string(kErase) + "mtask: warning: read from x\n");
  CHECK_FALSE(progress.shown());
}

TEST_CASE("a message with no status line shown is written as it is", "[app][log]") {
  mtask::StringOutput err;
  mtask::Progress progress(err, 2, 1, false, [] { return mtask::Duration(0); });
  logger_to(std::make_shared<app::OutputLogSink>(err, &progress))->error("cannot write");
  CHECK(err.str() == "mtask: cannot write\n");
  err.clear();
  logger_to(std::make_shared<app::OutputLogSink>(err))->info("no progress at all");
  CHECK(err.str() == "mtask: info: no progress at all\n");
}

TEST_CASE("a message follows what the reporters wrote before it, and is flushed", "[app][log]") {
  /// Keeps what was flushed apart from what is still buffered.
  class Buffered final : public mtask::Output {
   public:
    void write(std::string_view text) override { pending.append(text); }
    bool flush() override {
      written += pending;
      pending.clear();
      return true;
    }
    std::string pending;
    std::string written;
  };
  Buffered err;
  err.write("sing  41 | a task's line on stderr\n");
  logger_to(std::make_shared<app::OutputLogSink>(err))->warn("then mtask's");
  CHECK(err.pending.empty());
  CHECK(err.written == "sing  41 | a task's line on stderr\nmtask: warning: then mtask's\n");
}

TEST_CASE("LogThrough sends the default log to its sink, then back", "[app][log]") {
  app::log_to_stderr(spdlog::level::info);
  const auto before = spdlog::default_logger();
  mtask::StringOutput err;
  {
    const app::LogThrough through(std::make_shared<app::OutputLogSink>(err));
    CHECK(spdlog::default_logger()->level() == spdlog::level::info);
    spdlog::info("during the run");
    spdlog::debug("below the level");
  }
  CHECK(err.str() == "mtask: info: during the run\n");
  CHECK(spdlog::default_logger() == before);
}
