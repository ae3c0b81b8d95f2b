// How values of the ctg.v1 contract read on a terminal and how people type them: enum short
// names ("epci", "active"), times, dates, SIRENs, event payload summaries, and the one JSON
// printer of `--json`.
//
// Thread safety: every function is thread-safe.
#ifndef CTG_CLIENTS_CTG_FORMAT_H_
#define CTG_CLIENTS_CTG_FORMAT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctg/v1/persons.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"

namespace ctg::cli {

// The short name of an enum value: its name without the enum's prefix, in lower case
// (ORGANISATION_TYPE_EPCI → "epci", CTG_STATE_EN_PREPARATION → "en_preparation",
// ROLE_CAF_CDT → "caf_cdt"). The prefix is that of the enum's `…_UNSPECIFIED` value. An
// unspecified value gives "" and a value unknown to this client its number.
std::string EnumShortName(const google::protobuf::EnumDescriptor* type, int value);

// The value a person typed: a short name or a full name, in any case, with '-' or '_'
// ("epci", "EPCI", "en-preparation", "CTG_STATE_ACTIVE"). INVALID_ARGUMENT, listing the
// accepted names, if it is none of them or names the unspecified value.
absl::StatusOr<int> ParseEnumShortName(const google::protobuf::EnumDescriptor* type,
                                       absl::string_view text);

// Every short name of `type` but the unspecified one, in declaration order.
std::vector<std::string> EnumShortNames(const google::protobuf::EnumDescriptor* type);

// A SIREN as typed ("249900028" or "organisations/249900028") as its resource name.
// INVALID_ARGUMENT unless it is 9 digits (the server checks the Luhn digit).
absl::StatusOr<std::string> OrganisationName(absl::string_view siren);

// The SIREN of `organisations/{siren}` (or the text unchanged if it is not such a name).
std::string SirenOf(absl::string_view organisation_name);

// A CTG id as typed ("val-orbe-2025" or "ctgs/val-orbe-2025") as its resource name.
// INVALID_ARGUMENT if empty or if it contains '/' beyond the prefix.
absl::StatusOr<std::string> CtgName(absl::string_view id);

// An id as typed ("cc-val-orbe-1" or "posts/cc-val-orbe-1") as the resource name
// `{collection}/{id}`. INVALID_ARGUMENT, naming `what` and quoting `example`, if the id is
// empty or contains '/' beyond the prefix.
absl::StatusOr<std::string> ResourceName(absl::string_view collection, absl::string_view id,
                                         absl::string_view what, absl::string_view example);
// ResourceName for a person (`persons/{id}`), a recruitment (`recruitments/{id}`) and a post
// (`posts/{id}`).
absl::StatusOr<std::string> PersonName(absl::string_view id);
absl::StatusOr<std::string> RecruitmentName(absl::string_view id);
absl::StatusOr<std::string> PostName(absl::string_view id);

// The last segment of a resource name ("persons/3f9c…" → "3f9c…").
std::string IdOf(absl::string_view name);

// The legal basis of an erasure as typed: "request", "retention", "no-longer-needed" (or the
// enum's short and full names, any case, '-' or '_'). INVALID_ARGUMENT listing the three
// otherwise.
absl::StatusOr<ctg::v1::ErasureBasis> ParseErasureBasis(absl::string_view text);
// The basis in words ("the person's request (RGPD art. 17)"); "" if unspecified.
std::string ErasureBasisText(ctg::v1::ErasureBasis basis);

// A fresh random UUID version 4 ("1b4e28ba-2fa1-4d2e-8b3c-0a1b2c3d4e5f"), the idempotency key
// of a write (AIP-155).
std::string NewRequestId();
// Whether `text` is a UUID as the server accepts it (8-4-4-4-12 hexadecimal digits).
bool IsUuid(absl::string_view text);

// The number of characters (Unicode code points) of UTF-8 `text`: the bytes that are not
// continuation bytes.
size_t CharCount(absl::string_view text);

// `text` with every occurrence of each non-empty value of `values` (ignoring ASCII case)
// replaced by "[personal data]": what a server's error message may have echoed of a person's
// identity.
std::string RedactValues(absl::string_view text, const std::vector<std::string>& values);

// An RFC 3339 time as typed ("2026-06-01T00:00:00Z", "2026-06-01T08:00:00+02:00"), or a
// date ("2026-06-01", midnight UTC). INVALID_ARGUMENT otherwise.
absl::StatusOr<absl::Time> ParseTimeFlag(absl::string_view text);

// "2026-11-23T14:47:05Z" (UTC, seconds); "" for an unset timestamp.
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp);
// "2026-11-23T14:47:05.123456Z" (UTC, microseconds).
std::string FormatTimeMicros(absl::Time time);
// "2026-06-01"; "" for an unset date.
std::string FormatDate(const google::type::Date& date);

// An event type without the package when it is ctg.v1's ("ctg.v1.CtgDrafted" → "CtgDrafted").
std::string ShortEventType(absl::string_view type);
// The full type name a person means ("CtgDrafted" → "ctg.v1.CtgDrafted"; names with a dot
// are kept).
std::string FullEventType(absl::string_view type);

// One line summarising an event payload given as proto3 JSON: its top-level fields in order,
// `key=value`, strings unquoted, nested values as compact JSON
// ({"ctgId":"val-orbe","title":"CTG du Val d'Orbe"} → "ctgId=val-orbe title=CTG du Val d'Orbe").
// Text that is not a JSON object is returned as is.
std::string SummarizePayloadJson(absl::string_view json);

// The proto3 JSON mapping of `message` on one line (google::protobuf::util::MessageToJsonString,
// lowerCamelCase names), followed by '\n'.
std::string ToJsonLine(const google::protobuf::Message& message);

}  // namespace ctg::cli

#endif  // CTG_CLIENTS_CTG_FORMAT_H_
