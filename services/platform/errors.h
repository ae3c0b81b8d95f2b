// Errors a client can act on (AIP-193), as absl::Status values that carry google.rpc details.
//
// The domain returns absl::Status; services/api turns each payload below into a detail of the
// google.rpc.Status sent in the `grpc-status-details-bin` trailer. Deciders use these builders
// so that every broken rule has a stable reason code and every bad field is named.
#ifndef CTG_SERVICES_PLATFORM_ERRORS_H_
#define CTG_SERVICES_PLATFORM_ERRORS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"

namespace ctg::platform {

// The ErrorInfo.domain of every error ctgd returns.
inline constexpr absl::string_view kErrorDomain = "ctg.caf.fr";

// A rule of the référentiel or of a lifecycle blocks the command: FAILED_PRECONDITION (or
// `code`) with an ErrorInfo whose `reason` is an UPPER_SNAKE_CASE code (e.g.
// "DELIBERATION_REQUIRED") and `metadata` gives the specifics (e.g. {"organisation": …}).
absl::Status RuleViolation(absl::string_view reason, absl::string_view message,
                           std::vector<std::pair<std::string, std::string>> metadata = {},
                           absl::StatusCode code = absl::StatusCode::kFailedPrecondition);

// The most bytes of a client's value that an error message or a field violation quotes: a huge
// value must not become huge trailers (which stall the connection).
inline constexpr size_t kMaxQuotedBytes = 64;

// `value` in single quotes for an error message, cut to its first kMaxQuotedBytes bytes (on a
// UTF-8 character boundary) and then followed by "…" and its size, e.g. "'abc…' (1048576 bytes)".
std::string Quoted(absl::string_view value);

// One bad field of a request: INVALID_ARGUMENT with a BadRequest naming it by its path in the
// request (e.g. "ctg.start_date").
absl::Status InvalidField(absl::string_view field, absl::string_view description);

// Collects every bad field of a request, so the client learns all of them at once; at most
// kMaxViolations of them, so that a request with thousands of bad elements gets a short answer.
class BadRequestBuilder {
 public:
  static constexpr int kMaxViolations = 20;

  void Add(absl::string_view field, absl::string_view description);
  bool empty() const { return bad_request_.field_violations_size() == 0; }
  // OK if nothing was added; else INVALID_ARGUMENT whose message lists the fields. Past
  // kMaxViolations, a last violation on "(request)" counts the ones left out.
  absl::Status Build() const;

 private:
  google::rpc::BadRequest bad_request_;
  int left_out_ = 0;
};

// The details carried by `status`, if any (for services/api and for tests).
std::optional<google::rpc::ErrorInfo> ErrorInfoOf(const absl::Status& status);
std::optional<google::rpc::BadRequest> BadRequestOf(const absl::Status& status);

// Attaches `detail` (any google.rpc detail message) to `status` as a payload.
void AttachDetail(absl::Status& status, const google::protobuf::Message& detail);

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_ERRORS_H_
