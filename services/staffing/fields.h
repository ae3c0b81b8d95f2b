// Checks of the fields every staffing command shares: ids, resource names, calendar dates,
// free texts, ETPs and subjects. Each adds what is wrong to a BadRequestBuilder under the
// field's path, so a decider reports every bad field of a command at once.
#ifndef CTG_SERVICES_STAFFING_FIELDS_H_
#define CTG_SERVICES_STAFFING_FIELDS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "google/type/date.pb.h"
#include "services/platform/dates.h"
#include "services/platform/errors.h"

namespace ctg::staffing {

// Resource names of people are `persons/{id}`; of CTGs `ctgs/{id}`.
inline constexpr absl::string_view kPersonNamePrefix = "persons/";
inline constexpr absl::string_view kCtgNamePrefix = "ctgs/";

// The longest free texts: labels and references, then comments and conclusions.
inline constexpr size_t kMaxLabelChars = 200;
inline constexpr size_t kMaxCommentChars = 2000;

// OK if `id` matches ^[a-z][a-z0-9-]{2,62}$ and does not end with '-' (the form of every id
// chosen by a caller: posts, recruitments, replacements, assignments, changes, exchanges);
// else INVALID_ARGUMENT with a BadRequest naming `field`.
absl::Status ValidateId(absl::string_view id, absl::string_view field);

// The id of `name`, which must be `prefix` followed by a valid id; else INVALID_ARGUMENT with
// a BadRequest naming `field` (`what` names the resource in the message, e.g. "a post").
absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view prefix,
                                      absl::string_view what, absl::string_view field);

// OK if `name` is `persons/{id}` with an id of 8 to 64 lower-case letters, digits and hyphens
// (the persons context's opaque ids, UUIDs included). A person's name ("Claire Martin") is
// refused: staffing events never hold personal data.
absl::Status ValidatePersonName(absl::string_view name, absl::string_view field);

// `a` < `b`, for two dates without DateProblem.
bool Before(const google::type::Date& a, const google::type::Date& b);

// Adds a violation under `field` unless `date` is a full date.
void CheckDate(platform::BadRequestBuilder& bad, absl::string_view field,
               const google::type::Date& date);
// Adds a violation under `field` unless `date` is a full date that is not after `today` (the
// date of a fact that already happened). `today` comes with the command.
void CheckPastDate(platform::BadRequestBuilder& bad, absl::string_view field,
                   const google::type::Date& date, const google::type::Date& today);

// Adds a violation under `field` unless `text`, normalised, is 1 to `max_chars` characters
// without control characters (an empty text is accepted if `optional`).
void CheckText(platform::BadRequestBuilder& bad, absl::string_view field, absl::string_view text,
               size_t max_chars, bool optional = false);

// Adds a violation under `field` unless `etp_hundredths` is 1 to 100 (0.01 to 1.00 ETP).
void CheckEtp(platform::BadRequestBuilder& bad, absl::string_view field, int32_t etp_hundredths);

// Adds a violation under `field` unless `subject` (a token subject, e.g. a CDT's) is 1 to 128
// visible ASCII characters.
void CheckSubject(platform::BadRequestBuilder& bad, absl::string_view field,
                  absl::string_view subject);

// Adds a violation under `field` unless `id` is a valid id (see ValidateId).
void CheckId(platform::BadRequestBuilder& bad, absl::string_view field, absl::string_view id);

// The id named by `name` (see ParseName), or nothing (and a violation under `field`).
std::optional<std::string> CheckName(platform::BadRequestBuilder& bad, absl::string_view field,
                                     absl::string_view name, absl::string_view prefix,
                                     absl::string_view what);

// Adds a violation under `field` unless `name` is a person's name (see ValidatePersonName).
void CheckPerson(platform::BadRequestBuilder& bad, absl::string_view field, absl::string_view name);

// The last part of `name` after `prefix` (or `name` itself if it lacks the prefix).
std::string IdOf(absl::string_view name, absl::string_view prefix);

// Adds a violation under "reason" if `reason` (the actor's stated reason, which goes to the
// event's metadata) is longer than 2000 characters. Line breaks are allowed.
void CheckReason(platform::BadRequestBuilder& bad, absl::string_view reason);

// Whether `reason` is blank once normalised.
bool IsBlank(absl::string_view reason);

}  // namespace ctg::staffing

#endif  // CTG_SERVICES_STAFFING_FIELDS_H_
