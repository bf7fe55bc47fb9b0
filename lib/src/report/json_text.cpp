#include "report/json_text.hpp"

#include <cstring>

#include "mtask/text/utf8.hpp"

namespace mtask::detail {

char* put_json_text(char* out, std::string_view text, std::string& scratch) {
  const std::size_t plain_size = json_plain_prefix(text);
  if (plain_size > 0) std::memcpy(out, text.data(), plain_size);
  out += plain_size;
  if (plain_size == text.size()) return out;
  // Escaping starts afresh after an ASCII byte: the rest escapes as it would in place.
  scratch.clear();
  append_json_escaped(scratch, text.substr(plain_size));
  std::memcpy(out, scratch.data(), scratch.size());
  return out + scratch.size();
}

}  // namespace mtask::detail
