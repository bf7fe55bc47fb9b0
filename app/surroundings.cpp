// The one place where the app reads the process's surroundings: the terminals, the
// environment and the system. make_config() (options.cpp) only decides.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <system_error>

#include "hints.hpp"
#include "mtask/grammar/cpu_set.hpp"
#include "options.hpp"

namespace app {

Surroundings read_surroundings() {
  Surroundings around;
  around.out = mtask::probe_device(STDOUT_FILENO);
  around.err = mtask::probe_device(STDERR_FILENO);
  around.env = mtask::read_terminal_env();
  around.log_level = std::getenv("MTASK_LOG_LEVEL");
  around.allowed_cpus = mtask::allowed_cpus;
  around.cannot_write_report = mtask::cannot_write_report;
  around.is_command = [path = std::getenv("PATH")](const std::string& name) {
    return is_command_on_path(name, path);
  };
  around.getenv = [](const char* name) { return std::getenv(name); };
  around.read_file = [](const std::string& path, std::string& error) -> std::optional<std::string> {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      if (!in.bad()) return text;
    }
    error = std::generic_category().message(errno != 0 ? errno : EIO);
    return std::nullopt;
  };
  return around;
}

}  // namespace app
