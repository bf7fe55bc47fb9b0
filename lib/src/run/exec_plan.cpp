#include "run/exec_plan.hpp"

#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <concepts>
#include <utility>

#include "posix/fd.hpp"

namespace mtask::detail {
namespace {

/// The variables mtask gives every command; whatever mtask itself inherited under these names
/// is replaced, never doubled.
constexpr std::array<std::string_view, 4> kOwnVariables = {
    "MTASK_TASK=", "MTASK_COUNT=", "MTASK_ITERATION=", "MTASK_RUN="};

bool is_own_variable(std::string_view entry) {
  return std::any_of(kOwnVariables.begin(), kOwnVariables.end(),
                     [entry](std::string_view prefix) { return entry.starts_with(prefix); });
}

/// A line assembled in a caller's fixed buffer: what does not fit is cut, but the line always
/// ends with a newline. Allocates nothing, so a child may use it after fork.
class FixedLine {
 public:
  explicit FixedLine(std::span<char> buffer) noexcept : buffer_(buffer) {}

  FixedLine& add(std::string_view text) noexcept {
    const std::size_t n = std::min(text.size(), buffer_.size() - size_);
    std::copy_n(text.data(), n, buffer_.data() + size_);
    size_ += n;
    return *this;
  }

  FixedLine& add_number(std::integral auto number) noexcept {
    char digits[24];  // any 64-bit number, with its sign
    const char* end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    return add({digits, static_cast<std::size_t>(end - digits)});
  }

  /// What strerror says of `error` in the C locale (mtask never calls setlocale), taken from
  /// glibc's table, which neither translates nor allocates.
  FixedLine& add_reason(int error) noexcept {
    if (const char* text = strerrordesc_np(error)) return add(text);
    return add("Unknown error ").add_number(error);
  }

  std::string_view finish() noexcept {
    if (buffer_.empty()) return {};
    if (size_ == buffer_.size()) --size_;
    buffer_[size_++] = '\n';
    return {buffer_.data(), size_};
  }

 private:
  std::span<char> buffer_;
  std::size_t size_ = 0;
};

/// Room for any message of the child: a NAME is at most 128 bytes.
constexpr std::size_t kMessageSize = 512;

}  // namespace

std::string_view cannot_enter_message(std::string_view name, std::string_view cwd, int error,
                                      std::span<char> buffer) noexcept {
  return FixedLine(buffer)
      .add("mtask: task '")
      .add(name)
      .add("': cannot change to directory ")
      .add(cwd)
      .add(": ")
      .add_reason(error)
      .finish();
}

ExecPlan::ExecPlan(const Task& task, const char* const* environment, std::string shell,
                   std::string run_entry)
    : shell_(std::move(shell)),
      command_(task.command),
      task_entry_("MTASK_TASK=" + task.name),
      count_entry_("MTASK_COUNT=" + std::to_string(task.count)),
      run_entry_(std::move(run_entry)),
      message_prefix_("mtask: task '" + task.name + "': "),
      count_(task.count),
      interval_nanos_(task.interval.count()) {
  set_iteration(1);
  argv_ = {arg0_, arg1_, command_.data(), nullptr};
  // The task's own variables (a task file's env) replace inherited ones of the same names, but
  // never mtask's own (a library caller may give any name). Built whole before any pointer into
  // it is taken: the vector is never resized after.
  task_env_.reserve(task.env.size());
  for (const auto& [name, value] : task.env) {
    std::string entry = name + "=" + value;
    if (!is_own_variable(entry)) task_env_.push_back(std::move(entry));
  }
  const auto set_by_task = [&task](std::string_view entry) {
    return std::any_of(task.env.begin(), task.env.end(), [entry](const auto& variable) {
      return entry.size() > variable.first.size() && entry.starts_with(variable.first) &&
             entry[variable.first.size()] == '=';
    });
  };
  for (const char* const* entry = environment; entry != nullptr && *entry != nullptr; ++entry) {
    // execve takes char* const[] but never writes through it.
    if (!is_own_variable(*entry) && !set_by_task(*entry)) {
      envp_.push_back(const_cast<char*>(*entry));
    }
  }
  for (std::string& entry : task_env_) envp_.push_back(entry.data());
  envp_.push_back(task_entry_.data());
  envp_.push_back(count_entry_.data());
  envp_.push_back(iteration_entry_);
  if (!run_entry_.empty()) envp_.push_back(run_entry_.data());
  envp_.push_back(nullptr);
}

void ExecPlan::set_iteration(std::uint64_t iteration) noexcept {
  char* const digits = iteration_entry_ + (sizeof "MTASK_ITERATION=" - 1);
  char* const end = std::to_chars(digits, digits + kIterationDigits, iteration).ptr;
  *end = '\0';
}

void ExecPlan::exec_shell() const noexcept {
  execve(shell_.c_str(), argv_.data(), envp_.data());
  char buffer[kMessageSize];
  posix::write_all(STDERR_FILENO, cannot_run_message(errno, buffer));
  _exit(127);
}

void ExecPlan::say_fork_failed(std::uint64_t iteration, int error) const noexcept {
  char buffer[kMessageSize];
  posix::write_all(STDERR_FILENO, fork_failed_message(iteration, error, buffer));
}

std::string_view ExecPlan::cannot_run_message(int error, std::span<char> buffer) const noexcept {
  return FixedLine(buffer)
      .add(message_prefix_)
      .add("cannot run ")
      .add(shell_)
      .add(": ")
      .add_reason(error)
      .finish();
}

std::string_view ExecPlan::fork_failed_message(std::uint64_t iteration, int error,
                                               std::span<char> buffer) const noexcept {
  return FixedLine(buffer)
      .add(message_prefix_)
      .add("fork for iteration ")
      .add_number(iteration)
      .add(": ")
      .add_reason(error)
      .finish();
}

}  // namespace mtask::detail
