#include "run/tcp_probe.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include <fmt/format.h>

namespace mtask::detail {
namespace {

TcpAddress ipv4_loopback(std::uint16_t port) {
  TcpAddress result;
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(port);
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::memcpy(&result.address, &in, sizeof in);
  result.size = sizeof in;
  return result;
}

TcpAddress ipv6_loopback(std::uint16_t port) {
  TcpAddress result;
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  in6.sin6_port = htons(port);
  in6.sin6_addr = in6addr_loopback;
  std::memcpy(&result.address, &in6, sizeof in6);
  result.size = sizeof in6;
  return result;
}

constexpr const char* kItself = "connection refused (the try connected to itself)";

/// Whether a connection reached its own socket: with nothing listening on a port in the range
/// the kernel gives out for outgoing connections, a connect to this machine can be given that
/// very port and meet itself. That is nobody answering.
bool connected_to_itself(int fd) {
  sockaddr_storage own{};
  sockaddr_storage peer{};
  socklen_t own_size = sizeof own;
  socklen_t peer_size = sizeof peer;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&own), &own_size) != 0 ||
      getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_size) != 0) {
    return false;
  }
  return own_size == peer_size && std::memcmp(&own, &peer, own_size) == 0;
}

}  // namespace

std::vector<TcpAddress> loopback_addresses(std::uint16_t port) {
  return {ipv4_loopback(port), ipv6_loopback(port)};
}

std::vector<TcpAddress> resolve_host(const std::string& host, std::uint16_t port,
                                     std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int status = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (status != 0) {
    error = status == EAI_SYSTEM ? fmt::format("getaddrinfo: {}", std::strerror(errno))
                                 : fmt::format("getaddrinfo: {}", gai_strerror(status));
    return {};
  }
  const std::unique_ptr<addrinfo, void (*)(addrinfo*)> owned(found, freeaddrinfo);
  std::vector<TcpAddress> addresses;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (a->ai_addrlen > sizeof(sockaddr_storage)) continue;
    TcpAddress address;
    std::memcpy(&address.address, a->ai_addr, a->ai_addrlen);
    address.size = a->ai_addrlen;
    addresses.push_back(address);
  }
  if (addresses.empty()) error = "getaddrinfo: no address for a stream socket";
  return addresses;
}

bool accepts_now(const std::vector<TcpAddress>& addresses, int wait_ms) {
  TcpTry attempt;
  attempt.start(addresses);
  if (attempt.connected()) return true;
  std::vector<pollfd> fds;
  for (std::size_t k = 0; k < attempt.size(); ++k) fds.push_back({attempt.fd(k), POLLOUT, 0});
  if (fds.empty()) return false;
  // One wait, however many addresses: EINTR or a time-out both say "not now".
  if (::poll(fds.data(), fds.size(), wait_ms) <= 0) return false;
  for (std::size_t k = 0; k < fds.size(); ++k) {
    if (fds[k].revents != 0 && attempt.finish(k)) return true;
  }
  return false;
}

std::string socket_error_text(int error) {
  std::string text = std::strerror(error);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

void TcpTry::start(const std::vector<TcpAddress>& addresses) {
  stop();
  connected_ = false;
  sockets_.resize(addresses.size());
  errors_.assign(addresses.size(), std::string());
  for (std::size_t k = 0; k < addresses.size(); ++k) {
    const TcpAddress& a = addresses[k];
    posix::UniqueFd socket_fd(
        ::socket(a.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!socket_fd) {
      fail(k, fmt::format("socket: {}", socket_error_text(errno)));
      continue;
    }
    if (::connect(socket_fd.get(), reinterpret_cast<const sockaddr*>(&a.address), a.size) == 0) {
      // A connect on this machine may succeed at once.
      if (connected_to_itself(socket_fd.get())) {
        fail(k, kItself);
        continue;
      }
      connected_ = true;
      stop();
      return;
    }
    // EINTR: the connect goes on by itself, as with EINPROGRESS.
    if (errno != EINPROGRESS && errno != EINTR) {
      fail(k, socket_error_text(errno));
      continue;
    }
    sockets_[k] = std::move(socket_fd);
  }
}

bool TcpTry::finish(std::size_t k) {
  if (fd(k) < 0) return false;
  int error = 0;
  socklen_t size = sizeof error;
  if (getsockopt(fd(k), SOL_SOCKET, SO_ERROR, &error, &size) != 0) {
    fail(k, fmt::format("getsockopt SO_ERROR: {}", socket_error_text(errno)));
    return false;
  }
  if (error == 0 && connected_to_itself(fd(k))) {
    fail(k, kItself);
    return false;
  }
  if (error == 0) {
    stop();
    return true;
  }
  fail(k, socket_error_text(error));
  return false;
}

bool TcpTry::running() const {
  for (const posix::UniqueFd& s : sockets_) {
    if (s) return true;
  }
  return false;
}

void TcpTry::stop() {
  for (posix::UniqueFd& s : sockets_) s.reset();
}

void TcpTry::time_out() {
  for (std::size_t k = 0; k < sockets_.size(); ++k) {
    if (sockets_[k]) fail(k, "connection timed out");
  }
}

std::string TcpTry::error() const {
  for (const std::string& e : errors_) {
    if (!e.empty()) return e;
  }
  return "no address to connect to";
}

void TcpTry::fail(std::size_t k, std::string why) {
  sockets_[k].reset();
  errors_[k] = std::move(why);
}

}  // namespace mtask::detail
