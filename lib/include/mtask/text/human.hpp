#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mtask {

/// A duration as a person reads it in every report: milliseconds with one decimal below a
/// second ("0.8 ms", "25.0 ms"; what rounds to 1000.0 ms is shown as "1.00 s"), three below a
/// tenth of a millisecond ("0.085 ms"), else seconds with two ("1.50 s"). Not the TASK grammar's
/// exact form: that is format_duration.
std::string human_duration(std::chrono::nanoseconds d);

/// Seconds with three decimals, as the file reports (JUnit, job log) write them: "1.500".
std::string seconds_3(std::chrono::nanoseconds d);

/// A size given in KiB as a person reads it: "512 KiB", "1.4 MiB", "2.00 GiB".
std::string human_size(std::int64_t kib);

/// A count and its noun, as a sentence reads them: "1 task", "0 tasks", "3 tasks". The plural is
/// `noun` with an "s" unless `plural_noun` is given ("1 child", "2 children"). Every count that
/// meets a noun in the text mtask prints goes through it.
std::string count_of(std::size_t n, std::string_view noun, std::string_view plural_noun = {});

}  // namespace mtask
