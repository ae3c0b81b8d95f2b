#include "services/platform/text.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ctg::platform {

std::string NormaliseText(absl::string_view text) {
  return std::string(absl::StripAsciiWhitespace(text));
}

std::string TextProblem(absl::string_view text, size_t max_chars) {
  if (text.empty()) return "is required";
  size_t chars = 0;
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length;
    uint32_t code_point;
    if (lead < 0x80) {
      length = 1;
      code_point = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return "is not valid UTF-8";
    }
    if (i + length > text.size()) return "is not valid UTF-8";
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return "is not valid UTF-8";
      code_point = (code_point << 6) | (next & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinForLength[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return "is not valid UTF-8";
    }
    if (code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F)) {
      return "must not contain control characters";
    }
    i += length;
    ++chars;
  }
  if (chars > max_chars) return absl::StrCat("must be at most ", max_chars, " characters");
  return "";
}

void AddViolations(BadRequestBuilder& builder, const absl::Status& status,
                   absl::string_view fallback_field) {
  if (status.ok()) return;
  const auto bad_request = platform::BadRequestOf(status);
  if (!bad_request.has_value() || bad_request->field_violations_size() == 0) {
    builder.Add(fallback_field, status.message());
    return;
  }
  for (const auto& violation : bad_request->field_violations()) {
    builder.Add(violation.field(), violation.description());
  }
}

}  // namespace ctg::platform
