#include "services/staffing/fields.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "services/platform/text.h"

namespace ctg::staffing {

using platform::DateProblem;
using platform::FormatDate;
using platform::ToCivilDay;
namespace {

bool IsIdChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return absl::ascii_islower(u) || absl::ascii_isdigit(u) || c == '-';
}

}  // namespace

absl::Status ValidateId(absl::string_view id, absl::string_view field) {
  constexpr absl::string_view kForm =
      "must be 3 to 63 characters: lower-case letters, digits and hyphens, starting with a "
      "letter and not ending with a hyphen";
  if (id.empty()) return platform::InvalidField(field, "is required");
  if (id.size() < 3 || id.size() > 63 || !absl::ascii_islower(static_cast<unsigned char>(id[0])) ||
      id.back() == '-') {
    return platform::InvalidField(field, kForm);
  }
  for (char c : id) {
    if (!IsIdChar(c)) return platform::InvalidField(field, kForm);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view prefix,
                                      absl::string_view what, absl::string_view field) {
  if (name.empty()) return platform::InvalidField(field, "is required");
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, prefix)) {
    return platform::InvalidField(field,
                                  absl::StrCat("must be ", what, "'s name, ", prefix, "{id}"));
  }
  const absl::Status valid = ValidateId(id, field);
  if (!valid.ok()) return valid;
  return std::string(id);
}

absl::Status ValidatePersonName(absl::string_view name, absl::string_view field) {
  if (name.empty()) return platform::InvalidField(field, "is required");
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, kPersonNamePrefix) || id.size() < 8 || id.size() > 64) {
    return platform::InvalidField(
        field,
        "must be a person's resource name, persons/{id} with an id of 8 to 64 characters: "
        "staffing events never hold names");
  }
  for (char c : id) {
    if (!IsIdChar(c)) {
      return platform::InvalidField(
          field, "must be persons/{id}, the id 8 to 64 characters among a-z, 0-9 and '-'");
    }
  }
  return absl::OkStatus();
}

bool Before(const google::type::Date& a, const google::type::Date& b) {
  return ToCivilDay(a) < ToCivilDay(b);
}

void CheckDate(platform::BadRequestBuilder& bad, absl::string_view field,
               const google::type::Date& date) {
  const std::string problem = DateProblem(date);
  if (!problem.empty()) bad.Add(field, problem);
}

void CheckPastDate(platform::BadRequestBuilder& bad, absl::string_view field,
                   const google::type::Date& date, const google::type::Date& today) {
  const std::string problem = DateProblem(date);
  if (!problem.empty()) {
    bad.Add(field, problem);
  } else if (DateProblem(today).empty() && Before(today, date)) {
    bad.Add(field, absl::StrCat("must not be after today (", FormatDate(today), ")"));
  }
}

void CheckText(platform::BadRequestBuilder& bad, absl::string_view field, absl::string_view text,
               size_t max_chars, bool optional) {
  const std::string normalised = platform::NormaliseText(text);
  if (optional && normalised.empty()) return;
  const std::string problem = platform::TextProblem(normalised, max_chars);
  if (!problem.empty()) bad.Add(field, problem);
}

void CheckEtp(platform::BadRequestBuilder& bad, absl::string_view field, int32_t etp_hundredths) {
  if (etp_hundredths < 1 || etp_hundredths > 100) {
    bad.Add(field, "must be 1 to 100 hundredths of an ETP (0.01 to 1.00)");
  }
}

void CheckSubject(platform::BadRequestBuilder& bad, absl::string_view field,
                  absl::string_view subject) {
  if (subject.empty()) {
    bad.Add(field, "is required");
    return;
  }
  if (subject.size() > 128) {
    bad.Add(field, "must be at most 128 characters");
    return;
  }
  for (char c : subject) {
    if (c < 0x21 || c > 0x7E) {
      bad.Add(field, "must be visible ASCII characters (a token subject), no space");
      return;
    }
  }
}

void CheckId(platform::BadRequestBuilder& bad, absl::string_view field, absl::string_view id) {
  platform::AddViolations(bad, ValidateId(id, field), field);
}

std::optional<std::string> CheckName(platform::BadRequestBuilder& bad, absl::string_view field,
                                     absl::string_view name, absl::string_view prefix,
                                     absl::string_view what) {
  absl::StatusOr<std::string> id = ParseName(name, prefix, what, field);
  if (!id.ok()) {
    platform::AddViolations(bad, id.status(), field);
    return std::nullopt;
  }
  return *std::move(id);
}

void CheckPerson(platform::BadRequestBuilder& bad, absl::string_view field,
                 absl::string_view name) {
  platform::AddViolations(bad, ValidatePersonName(name, field), field);
}

std::string IdOf(absl::string_view name, absl::string_view prefix) {
  absl::ConsumePrefix(&name, prefix);
  return std::string(name);
}

void CheckReason(platform::BadRequestBuilder& bad, absl::string_view reason) {
  size_t chars = 0;
  for (char c : reason) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;  // not a continuation byte
  }
  if (chars > kMaxCommentChars) {
    bad.Add("reason", absl::StrCat("must be at most ", kMaxCommentChars, " characters"));
  }
}

bool IsBlank(absl::string_view reason) { return platform::NormaliseText(reason).empty(); }

}  // namespace ctg::staffing
