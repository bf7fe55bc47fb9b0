#include "log_sink.hpp"

#include <string_view>
#include <utility>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace app {
namespace {

constexpr const char* kLoggerName = "mtask";

/// The `%*` of the pattern: the level and ": ", but nothing for an error, so that every error
/// mtask prints, usage or system, reads "mtask: what went wrong".
class LevelLabel final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*time*/,
              spdlog::memory_buf_t& dest) override {
    if (msg.level >= spdlog::level::err) return;
    const spdlog::string_view_t name = spdlog::level::to_string_view(msg.level);
    dest.append(name.data(), name.data() + name.size());
    dest.push_back(':');
    dest.push_back(' ');
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LevelLabel>();
  }
};

void make_default(std::shared_ptr<spdlog::sinks::sink> sink, spdlog::level::level_enum level) {
  auto logger = std::make_shared<spdlog::logger>(kLoggerName, std::move(sink));
  logger->set_formatter(log_formatter());
  logger->set_level(level);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace

std::unique_ptr<spdlog::formatter> log_formatter() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<LevelLabel>('*').set_pattern("mtask: %*%v");
  return formatter;
}

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
