#pragma once
// TCP ports on 127.0.0.1 for the tests of services (docs/smoke.md): free ones for servers, and
// one held closed for a server that must fail to listen.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace e2e {

/// A TCP socket bound to 127.0.0.1:`port` (0: one the kernel picks) that does not listen: a
/// connection to it is refused, and a server cannot bind the port while it is held.
class HeldPort {
 public:
  explicit HeldPort(std::uint16_t port = 0)
      : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    socklen_t size = sizeof address;
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), size) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      ::close(fd_);
      throw std::runtime_error("bind to 127.0.0.1 failed");
    }
    port_ = ntohs(address.sin_port);
  }
  HeldPort(const HeldPort&) = delete;
  HeldPort& operator=(const HeldPort&) = delete;
  ~HeldPort() { ::close(fd_); }

  std::uint16_t port() const { return port_; }
  /// The socket, for a test that makes it listen (a server someone else left on the port).
  int fd() const { return fd_; }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

/// `n` distinct ports that were free on 127.0.0.1 a moment ago (bound with port 0, then let
/// go): what a test gives its servers so that it never meets another program's port.
inline std::vector<std::string> free_ports(std::size_t n) {
  std::vector<HeldPort> held(n);
  std::vector<std::string> ports;
  for (const HeldPort& port : held) ports.push_back(std::to_string(port.port()));
  return ports;
}

}  // namespace e2e
