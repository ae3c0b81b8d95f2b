// Request checks shared by every handler: well-formedness (no unknown fields, no unknown enum
// values, no oversized string), paging, field masks. Everything here returns INVALID_ARGUMENT
// with a google.rpc.BadRequest naming the field.
#ifndef CTG_SERVICES_API_VALIDATION_H_
#define CTG_SERVICES_API_VALIDATION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/field_mask.pb.h"

namespace google::protobuf {
class Message;
}

namespace ctg::api {

// The most bytes any string field of a request may hold, read or ignored by its handler (an
// OUTPUT_ONLY field such as `post.name` too); a field's own, tighter limit is checked by its
// decider. 8000 bytes hold the longest free text (2000 characters) in any UTF-8.
inline constexpr size_t kMaxStringBytes = 8000;

// Refuses fields the contract does not define (a newer or wrong client), enum numbers the
// contract does not name and strings over kMaxStringBytes, anywhere in `request`, with their
// paths (e.g. "ctg.thematiques[2]").
absl::Status CheckWellFormed(const google::protobuf::Message& request);

// AIP-158 page size: 0 → `default_size`; negative → INVALID_ARGUMENT; above `max_size` →
// `max_size`.
absl::StatusOr<int> PageSize(int32_t requested, int default_size, int max_size);

// AIP-158 page tokens: opaque (web-safe base64 of a small record), tied to the request's
// filters through `filter` (any string that changes when a filter changes). Decoding a token
// made with other filters, or a token that is not one of ours, is INVALID_ARGUMENT on
// "page_token". An empty token decodes to an empty key.
std::string EncodePageToken(absl::string_view last_key, absl::string_view filter);
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view filter);

// AIP-161 update masks: the mask's paths, each one of `allowed` ("*" expands to all of
// them); INVALID_ARGUMENT on "update_mask" for an empty mask or any other path.
absl::StatusOr<std::vector<std::string>> MaskPaths(const google::protobuf::FieldMask& mask,
                                                   const std::vector<std::string>& allowed);

}  // namespace ctg::api

#endif  // CTG_SERVICES_API_VALIDATION_H_
