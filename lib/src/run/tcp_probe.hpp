#pragma once
// One try of a tcp: probe: a non-blocking connect to each of its addresses (docs/smoke.md,
// "Readiness probes").

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "posix/unique_fd.hpp"

namespace mtask::detail {

/// An address a tcp: probe connects to.
struct TcpAddress {
  sockaddr_storage address{};
  socklen_t size = 0;
};

/// tcp:PORT: 127.0.0.1, then ::1.
std::vector<TcpAddress> loopback_addresses(std::uint16_t port);

/// tcp:HOST:PORT: every address HOST has for a stream socket (getaddrinfo, which blocks).
/// Empty when it has none; then `error` says why.
std::vector<TcpAddress> resolve_host(const std::string& host, std::uint16_t port,
                                     std::string& error);

/// Whether something accepts a connection to one of `addresses` now: one non-blocking connect
/// to each, waited for at most `wait_ms` (a connect on this machine answers at once).
bool accepts_now(const std::vector<TcpAddress>& addresses, int wait_ms);

/// A socket error as the reasons of the reports write it: strerror's text, lower case first
/// ("connection refused").
std::string socket_error_text(int error);

/// One try: a connect to each address at once, each on a non-blocking socket watched for
/// POLLOUT. It succeeds when one of them connects; it fails when all have failed.
class TcpTry {
 public:
  /// Starts a connect to each of `addresses`; those that fail at once are done.
  void start(const std::vector<TcpAddress>& addresses);
  /// The socket of address `k`, still connecting; -1 once that one is done.
  int fd(std::size_t k) const { return k < sockets_.size() ? sockets_[k].get() : -1; }
  std::size_t size() const { return sockets_.size(); }
  /// The socket of address `k` is writable or in error: true when it connected (SO_ERROR 0).
  bool finish(std::size_t k);
  /// Whether a socket still connects.
  bool running() const;
  /// Ends the try, closing every socket.
  void stop();
  /// The try's time is up: each socket still connecting has failed, and is closed.
  void time_out();
  /// A connect succeeded at once, in start().
  bool connected() const { return connected_; }
  /// Why the try failed: the error of the first address that failed (tcp:PORT: 127.0.0.1's).
  std::string error() const;

 private:
  void fail(std::size_t k, std::string why);

  std::vector<posix::UniqueFd> sockets_;
  std::vector<std::string> errors_;
  bool connected_ = false;
};

}  // namespace mtask::detail
