// The manual page docs/man/mtask.1 (docs/usage.md, "Manual page"): it names every option and
// command the help lists, it is what its scdoc source gives, and man renders it without a
// warning. The first check is also run on a copy with one option renamed, and must then fail.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "harness.hpp"
#include "help_text.hpp"

namespace {

const std::string kPage = MTASK_SOURCE_DIR "/docs/man/mtask.1";

std::string read_file(const std::string& path) {
  std::ifstream file(path);
  REQUIRE(file.good());
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

/// The page's text with roff's escapes for a dash and fonts undone: `\-\-jobs` and
/// `\fB--jobs\fR` both read `--jobs`.
std::string plain(std::string page) {
  std::string text;
  for (std::size_t at = 0; at < page.size(); ++at) {
    if (page.compare(at, 2, "\\-") == 0) {
      text += '-';
      ++at;
    } else if (page.compare(at, 2, "\\f") == 0 && at + 2 < page.size()) {
      at += 2;  // \fB, \fI, \fR
    } else if (page.compare(at, 2, "\\&") == 0) {
      ++at;
    } else {
      text += page[at];
    }
  }
  return text;
}

/// True when `name` stands in `text` as a word of its own: `--timeline` inside
/// `--timeline-svg` does not count.
bool names(const std::string& text, const std::string& name) {
  const auto part_of_name = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  };
  for (std::size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
    const std::size_t end = at + name.size();
    if ((at == 0 || !part_of_name(text[at - 1])) &&
        (end == text.size() || !part_of_name(text[end])))
      return true;
  }
  return false;
}

/// What the help of `mtask`, `mtask run` and `mtask completion` lists that `page` lacks.
std::vector<std::string> not_in_page(const std::string& page) {
  const std::string text = plain(page);
  std::vector<std::string> listed;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, {"run", "--help"}, {"completion", "--help"}}) {
    const e2e::Run run = e2e::mtask(args);
    REQUIRE(run.status == 0);
    const std::vector<std::string> options = e2e::help_options(run.out);
    listed.insert(listed.end(), options.begin(), options.end());
    const std::vector<std::string> commands = e2e::help_commands(run.out);
    listed.insert(listed.end(), commands.begin(), commands.end());
  }
  REQUIRE(listed.size() >= 30);  // the help was read, not misparsed into nothing
  std::vector<std::string> lacking;
  for (const std::string& name : listed)
    if (!names(text, name)) lacking.push_back(name);
  return lacking;
}

e2e::Run run_program(const std::string& program, const std::vector<std::string>& args) {
  e2e::Options options;
  options.binary = program;
  return e2e::mtask(args, options);
}

}  // namespace

TEST_CASE("the manual page names every option and command of the help", "[manpage]") {
  const std::string page = read_file(kPage);
  const std::vector<std::string> lacking = not_in_page(page);
  INFO("in the help but not in docs/man/mtask.1: " << e2e::joined(lacking));
  CHECK(lacking.empty());
  // The same check catches a page that lost an option (in bold, as scdoc writes it)...
  std::string lost = page;
  for (std::size_t at = lost.find("\\fB--explain\\fR"); at != std::string::npos;
       at = lost.find("\\fB--explain\\fR", at))
    lost.replace(at, 15, "\\fB--explainX\\fR");
  CHECK(not_in_page(lost) == std::vector<std::string>{"--explain"});
  // ...and one named only as part of a longer name.
  CHECK(names("--timeline-svg FILE", "--timeline-svg"));
  CHECK_FALSE(names("--timeline-svg FILE", "--timeline"));
}

TEST_CASE("the manual page is what its scdoc source gives", "[manpage]") {
  if (!e2e::on_path("scdoc"))
    return e2e::cannot_check("scdoc is not installed (scripts/setup --test)");
  const e2e::Run run = run_program("bash", {MTASK_SOURCE_DIR "/scripts/gen_man", "--check"});
  INFO(run.err);
  CHECK(run.status == 0);
}

TEST_CASE("man renders the manual page without a warning, and lexgrog reads its name",
          "[manpage]") {
  if (!e2e::on_path("man") || !e2e::on_path("lexgrog"))
    return e2e::cannot_check("man-db is not installed (scripts/setup --test)");
  e2e::Options options;
  options.binary = "man";
  options.env = {"MANWIDTH=80", "LC_ALL=C.UTF-8"};  // a locale every Debian has
  const e2e::Run man = e2e::mtask({"--warnings", "-E", "UTF-8", "-l", kPage}, options);
  INFO("man: " << man.err);
  CHECK(man.status == 0);
  CHECK(man.err.empty());
  CHECK(man.out.find("SYNOPSIS") != std::string::npos);

  const e2e::Run lexgrog = run_program("lexgrog", {kPage});
  INFO("lexgrog: " << lexgrog.out << lexgrog.err);
  CHECK(lexgrog.status == 0);
  CHECK(lexgrog.out.find("\"mtask - ") != std::string::npos);
}
