// Readiness probes as the user writes them (docs/smoke.md, "Readiness probes").
#include "mtask/grammar/probe.hpp"

#include <regex.h>

#include <fmt/format.h>

#include "mtask/error.hpp"

namespace mtask {
namespace {

constexpr std::string_view kKinds = "exit, tcp:PORT, tcp:HOST:PORT, line:REGEX or cmd:COMMAND";

std::uint16_t parse_port(std::string_view port) {
  unsigned value = 0;
  bool valid = !port.empty() && port.size() <= 5;
  for (const char c : port) {
    valid = valid && c >= '0' && c <= '9';
    if (valid) value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (!valid || value < 1 || value > 65535) {
    throw UsageError("tcp: the PORT must be a number from 1 to 65535");
  }
  return static_cast<std::uint16_t>(value);
}

void parse_tcp(std::string_view rest, Probe& probe) {
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos) {
    probe.port = parse_port(rest);
    return;
  }
  std::string_view host = rest.substr(0, colon);
  if (host.starts_with('[') && host.ends_with(']') && host.size() > 2) {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    throw UsageError("tcp: an IPv6 HOST is written in brackets, e.g. tcp:[::1]:8000");
  }
  if (host.empty()) throw UsageError("tcp: the HOST before ':PORT' is empty");
  probe.host = std::string(host);
  probe.port = parse_port(rest.substr(colon + 1));
}

void check_regex(const std::string& pattern) {
  regex_t compiled;
  const int error = regcomp(&compiled, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
  if (error != 0) {
    char message[256];
    regerror(error, &compiled, message, sizeof message);
    throw UsageError(fmt::format("line: not a POSIX extended regular expression: {}", message));
  }
  regfree(&compiled);
}

}  // namespace

Probe parse_probe(std::string_view text) {
  Probe probe;
  probe.text = std::string(text);
  const std::size_t colon = text.find(':');
  const std::string_view kind = text.substr(0, colon);
  const std::string_view rest = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  if (text == "exit") return probe;
  if (colon == std::string_view::npos || (kind != "tcp" && kind != "line" && kind != "cmd")) {
    throw UsageError(fmt::format("unknown probe (use {})", kKinds));
  }
  if (rest.empty()) throw UsageError(fmt::format("{}: says nothing after ':'", kind));
  if (kind == "tcp") {
    probe.kind = Probe::Kind::kTcp;
    parse_tcp(rest, probe);
  } else if (kind == "line") {
    probe.kind = Probe::Kind::kLine;
    probe.pattern = std::string(rest);
    check_regex(probe.pattern);
  } else {
    probe.kind = Probe::Kind::kCmd;
    probe.command = std::string(rest);
  }
  return probe;
}

Probe probe_of(const Task& task) {
  if (task.ready.empty()) {
    Probe probe;
    probe.kind = task.service ? Probe::Kind::kStarted : Probe::Kind::kExit;
    probe.text = task.service ? "started" : "exit";
    return probe;
  }
  Probe probe = parse_probe(task.ready);
  if (task.service && probe.kind == Probe::Kind::kExit) {
    throw UsageError("exit: a service is never ready by ending (it runs until the run is over)");
  }
  return probe;
}

Duration ready_timeout_of(const Task& task, const Probe& probe, Duration run_default) {
  if (task.ready_timeout) return *task.ready_timeout;
  return probe.watches() ? run_default : Duration{0};
}

}  // namespace mtask
