// What a run says of probes before it starts: a port some other program already listens on,
// a host that does not resolve (docs/smoke.md, "Readiness probes").
#include <sys/socket.h>

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "harness.hpp"
#include "ports.hpp"

namespace {

using namespace std::chrono_literals;

e2e::Options within(std::chrono::milliseconds timeout) {
  e2e::Options options;
  options.timeout = timeout;
  return options;
}

}  // namespace

TEST_CASE("a service's tcp: probe on a port already taken is warned of", "[e2e][services]") {
  e2e::HeldPort held;
  REQUIRE(::listen(held.fd(), 4) == 0);  // someone else's server
  const std::string port = std::to_string(held.port());
  const e2e::Run run = e2e::mtask({"run", "--service", "web", "--ready", "web=tcp:" + port,
                                   "--needs", "check=web", "web=sleep 20", "check:1@10ms"},
                                  within(20s));
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 0);
  CHECK(run.err.find("port " + port +
                     " already accepts connections before 'web' starts: its tcp: probe may pass "
                     "for whatever listens there") != std::string::npos);
}

TEST_CASE("no warning when the port of a service's probe is free", "[e2e][services]") {
  const e2e::HeldPort held;  // bound, not listening: refused
  const std::string port = std::to_string(held.port());
  const e2e::Run run = e2e::mtask({"run", "--service", "web", "--ready", "web=tcp:" + port,
                                   "--ready-timeout", "300ms", "web=sleep 20", "check:1@10ms"},
                                  within(20s));
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.err.find("already accepts") == std::string::npos);
}

TEST_CASE("a tcp: host that does not resolve is a usage error, exit 2", "[e2e][services]") {
  const e2e::Run run = e2e::mtask({"run", "--service", "web", "--ready",
                                   "web=tcp:nosuchhost.invalid:80", "web=sleep 20", "check:1@10ms"},
                                  within(20s));
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  REQUIRE_FALSE(run.timed_out);
  CHECK(run.status == 2);
  CHECK(run.err.rfind("mtask: task 'web': ready tcp:nosuchhost.invalid:80: the host does not "
                      "resolve",
                      0) == 0);
}

TEST_CASE("run --help says -j does not count services and names the probes", "[e2e][services]") {
  const e2e::Run run = e2e::mtask({"run", "--help"});
  CHECK(run.status == 0);
  CHECK(run.out.find("services not counted") != std::string::npos);
  CHECK(run.out.find("POSIX extended regex") != std::string::npos);
  CHECK(run.out.find("cmd:COMMAND") != std::string::npos);
}
