#include <catch2/catch.hpp>

#include "mtask/error.hpp"
#include "mtask/grammar/probe.hpp"

using mtask::Probe;

TEST_CASE("parse_probe reads each kind", "[probe]") {
  CHECK(mtask::parse_probe("exit").kind == Probe::Kind::kExit);
  const Probe local = mtask::parse_probe("tcp:8000");
  CHECK(local.kind == Probe::Kind::kTcp);
  CHECK(local.host.empty());
  CHECK(local.port == 8000);
  CHECK(local.text == "tcp:8000");
  const Probe named = mtask::parse_probe("tcp:db.local:5432");
  CHECK(named.host == "db.local");
  CHECK(named.port == 5432);
  const Probe v6 = mtask::parse_probe("tcp:[::1]:80");
  CHECK(v6.host == "::1");
  CHECK(v6.port == 80);
  const Probe line = mtask::parse_probe("line:Serving HTTP on .* port [0-9]+");
  CHECK(line.kind == Probe::Kind::kLine);
  CHECK(line.pattern == "Serving HTTP on .* port [0-9]+");
  const Probe cmd = mtask::parse_probe("cmd:curl -fsS http://127.0.0.1:8000/");
  CHECK(cmd.kind == Probe::Kind::kCmd);
  CHECK(cmd.command == "curl -fsS http://127.0.0.1:8000/");
  CHECK(cmd.watches());
  CHECK_FALSE(mtask::parse_probe("exit").watches());
}

TEST_CASE("parse_probe refuses what it cannot use, naming the rule", "[probe]") {
  using Catch::Matchers::Contains;
  CHECK_THROWS_WITH(mtask::parse_probe("http://x"), Contains("unknown probe"));
  CHECK_THROWS_WITH(mtask::parse_probe("tcp:0"), Contains("1 to 65535"));
  CHECK_THROWS_WITH(mtask::parse_probe("tcp:65536"), Contains("1 to 65535"));
  CHECK_THROWS_WITH(mtask::parse_probe("tcp:80x"), Contains("1 to 65535"));
  CHECK_THROWS_WITH(mtask::parse_probe("tcp::80"), Contains("HOST"));
  CHECK_THROWS_WITH(mtask::parse_probe("tcp:::1:80"), Contains("brackets"));
  CHECK_THROWS_WITH(mtask::parse_probe("line:"), Contains("nothing after"));
  CHECK_THROWS_WITH(mtask::parse_probe("cmd:"), Contains("nothing after"));
  CHECK_THROWS_WITH(mtask::parse_probe("line:a(b"), Contains("regular expression"));
  CHECK_THROWS_AS(mtask::parse_probe(""), mtask::UsageError);
}

TEST_CASE("probe_of gives the defaults and refuses exit for a service", "[probe]") {
  mtask::Task task;
  CHECK(mtask::probe_of(task).kind == Probe::Kind::kExit);
  task.service = true;
  CHECK(mtask::probe_of(task).kind == Probe::Kind::kStarted);
  CHECK(mtask::probe_of(task).text == "started");
  task.ready = "exit";
  CHECK_THROWS_WITH(mtask::probe_of(task), Catch::Matchers::Contains("service"));
}

TEST_CASE("ready_timeout_of: probes that watch have the run's default", "[probe]") {
  using namespace std::chrono_literals;
  mtask::Task task;
  const mtask::Duration run_default = 7s;
  CHECK(mtask::ready_timeout_of(task, mtask::probe_of(task), run_default) == 0s);
  task.ready = "tcp:80";
  CHECK(mtask::ready_timeout_of(task, mtask::probe_of(task), run_default) == 7s);
  task.ready_timeout = 2s;
  CHECK(mtask::ready_timeout_of(task, mtask::probe_of(task), run_default) == 2s);
}
