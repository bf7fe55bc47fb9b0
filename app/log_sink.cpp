#include "log_sink.hpp"

#include <string_view>
#include <utility>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace app {
namespace {

constexpr const char* kLoggerName = "mtask";

void make_default(std::shared_ptr<spdlog::sinks::sink> sink, spdlog::level::level_enum level) {
  auto logger = std::make_shared<spdlog::logger>(kLoggerName, std::move(sink));
  logger->set_pattern(kLogPattern);
  logger->set_level(level);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace

void OutputLogSink::sink_it_(const spdlog::details::log_msg& msg) {
  if (progress_ != nullptr) progress_->erase();
  spdlog::memory_buf_t text;
  formatter_->format(msg, text);
  err_.write(std::string_view(text.data(), text.size()));
  err_.flush();
}

void log_to_stderr(spdlog::level::level_enum level) {
  make_default(std::make_shared<spdlog::sinks::stderr_sink_st>(), level);
}

LogThrough::LogThrough(std::shared_ptr<spdlog::sinks::sink> sink)
    : previous_(spdlog::default_logger()) {
  make_default(std::move(sink), previous_->level());
}

LogThrough::~LogThrough() { spdlog::set_default_logger(previous_); }

}  // namespace app
