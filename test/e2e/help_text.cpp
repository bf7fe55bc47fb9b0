// Reading option and command names back from mtask's help (help_text.hpp).
#include "help_text.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "harness.hpp"

namespace e2e {

std::vector<std::string> help_options(const std::string& help) {
  std::vector<std::string> names;
  for (const std::string& line : split_lines(help)) {
    if (!line.starts_with("  ")) continue;
    std::istringstream words(line);
    std::string word;
    while (words >> word && word.starts_with("-")) {
      std::istringstream parts(word);
      std::string part;
      while (std::getline(parts, part, ',')) {
        part = part.substr(0, part.find_first_of("[="));
        if (part.size() > 1 && part.starts_with("-")) names.push_back(part);
      }
    }
  }
  return names;
}

std::vector<std::string> long_options(const std::vector<std::string>& names) {
  std::vector<std::string> longs;
  for (const std::string& name : names)
    if (name.starts_with("--")) longs.push_back(name);
  return longs;
}

std::vector<std::string> help_commands(const std::string& help) {
  std::vector<std::string> commands;
  bool under_heading = false;
  for (const std::string& line : split_lines(help)) {
    if (line == "Subcommands:" || line == "Commands:") {
      under_heading = true;
    } else if (line.empty()) {
      under_heading = false;
    } else if (under_heading && line.starts_with("  ")) {
      std::istringstream words(line);
      std::string word;
      if (words >> word) commands.push_back(word);
    }
  }
  return commands;
}

std::vector<std::string> missing(const std::vector<std::string>& expected,
                                 const std::vector<std::string>& offered) {
  std::vector<std::string> lacking;
  for (const std::string& name : expected)
    if (std::find(offered.begin(), offered.end(), name) == offered.end()) lacking.push_back(name);
  return lacking;
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (std::size_t at = 0; at <= dirs.size();) {
    const std::size_t end = std::min(dirs.find(':', at), dirs.size());
    const std::string file = dirs.substr(at, end - at) + "/" + program;
    if (access(file.c_str(), X_OK) == 0) return true;
    at = end + 1;
  }
  return false;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace e2e
