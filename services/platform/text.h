// Checks shared by every free-text field of the domain (an organisation's name, a CTG's title,
// a deliberation's instance), so that each is measured and refused the same way.
#ifndef CTG_SERVICES_PLATFORM_TEXT_H_
#define CTG_SERVICES_PLATFORM_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/platform/errors.h"

namespace ctg::platform {

// `text` without its leading and trailing ASCII whitespace: the form the domain stores.
std::string NormaliseText(absl::string_view text);

// Empty if `text` (already normalised) is 1 to `max_chars` Unicode characters (code points of
// valid UTF-8) without control characters (C0, DEL, C1); else what is wrong, for a
// BadRequest field violation.
std::string TextProblem(absl::string_view text, size_t max_chars);

// Copies the field violations carried by `status` (a BadRequest, as InvalidField makes) into
// `builder`; a status without one is added under `fallback_field` with its message. Lets a
// decider reuse status-returning validators while still reporting every bad field at once.
void AddViolations(BadRequestBuilder& builder, const absl::Status& status,
                   absl::string_view fallback_field);

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_TEXT_H_
