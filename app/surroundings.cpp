// The one place where the app reads the process's surroundings: the terminals, the
// environment and the system. make_config() (options.cpp) only decides.
#include <unistd.h>

#include <cstdlib>

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
  return around;
}

}  // namespace app
