// What the server stamps on every event it appends, and the pieces of command handling that
// do not depend on the aggregate (see command_handler.h for the load → decide → append loop).
#ifndef CTG_SERVICES_PLATFORM_COMMAND_H_
#define CTG_SERVICES_PLATFORM_COMMAND_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctg/v1/common.pb.h"
#include "eventstore/types.h"
#include "services/platform/principal.h"

namespace google::protobuf {
class Message;
}

namespace ctg::platform {

// The authenticated context of one command, built by services/api from the call. Everything
// here ends up in the metadata of the events the command appends; nothing comes from the
// request body except `request_id`, `reason` and `cdt_exchange`, which the api validated.
struct CommandContext {
  Principal principal;
  Role role = Role::kCafAdmin;  // the role the policy granted the command under
  absl::Time now;               // the command's time, as deciders see it
  std::string request_id;       // the client's AIP-155 id, or empty
  std::string request_fingerprint;  // RequestFingerprint of the request when request_id is set
  std::string correlation_id;   // the call's request id (x-request-id), or a new one
  std::string causation_id;     // what directly caused it: its call's id for a direct request
  std::string method;           // full gRPC method, e.g. "/ctg.v1.PlansService/CreateCtg"
  std::string reason;           // why, when the command takes one
  std::string cdt_exchange;     // the CDT exchange behind a change, when the command takes one
};

// The protobuf Role of a platform role.
v1::Role ToProtoRole(Role role);

// The metadata stamped on an event of `context` with `tags`.
v1::EventMetadata StampMetadata(const CommandContext& context, std::vector<std::string> tags);

// Whose request ids these are: a request id is its principal's (organisation and subject), so
// the same id from another principal is another request (see "Request ids" in common.proto).
std::string RequestScope(const Principal& principal);

// What tells a retry (the same fingerprint) from a reuse of its request id: SHA-256 of `method`
// and of the deterministic serialization of `request`, 32 bytes.
std::string RequestFingerprint(absl::string_view method, const google::protobuf::Message& request);

// The answer to a request id reused for another request: INVALID_ARGUMENT, reason
// REQUEST_ID_REUSED, a BadRequest naming `request_id`.
absl::Status RequestIdReused();

// The id of the `index`-th event appended by the request `request_id` of `scope` (a
// RequestScope): a UUID (version 8, RFC 9562) derived with SHA-256, so a retried request
// proposes the same ids and the store recognises it, whatever stream it names. A random id
// when `request_id` is empty.
eventstore::EventId EventIdFor(absl::string_view scope, absl::string_view request_id,
                               size_t index);

// The id a Create gives a resource the client did not name: `hex_bytes` bytes of SHA-256 of
// `kind`, `scope` (a RequestScope) and `request_id` in lower-case hex, so a retried request
// names the same resource and another principal's same request id another one; random when
// `request_id` is empty.
std::string IdFromRequest(absl::string_view kind, absl::string_view scope,
                          absl::string_view request_id, size_t hex_bytes);

// An event ready to append: the id EventIdFor(context's scope, request id, index), the
// payload's full type name and bytes, the metadata, the tags plus "actor:{subject}".
eventstore::EventData MakeEventData(const CommandContext& context, size_t index,
                                    const google::protobuf::Message& payload,
                                    std::vector<std::string> tags);

// Queues `task` for the replay thread: one WorkQueue of the process, started on first use, that
// runs its tasks one at a time in order. For the work of a command that reads the store and
// may wait (ReadStream waits for the durability of a stream's newest events), which must run
// neither on the store's acknowledger thread (it publishes durability: it would wait for
// itself) nor on a gRPC thread (no handler waits for an fsync). RESOURCE_EXHAUSTED, and `task`
// dropped unrun, when kMaxWaitingReplays tasks already wait.
inline constexpr size_t kMaxWaitingReplays = 256;
absl::Status RunOnReplayThread(absl::AnyInvocable<void() &&> task);

// AIP-154 etags: the stream's revision, opaque to clients ("r0", "r1"…); empty for a stream
// that does not exist.
std::string EtagFor(std::optional<uint64_t> revision);

// AIP-155 request ids are UUIDs (any version) in canonical text form; empty is allowed.
absl::Status ValidateRequestId(absl::string_view request_id, absl::string_view field);

// Parses the metadata of a stored event (DATA_LOSS if unparsable).
absl::StatusOr<v1::EventMetadata> ParseMetadata(absl::string_view bytes);

// The command time of a stored event: its metadata's time, else `fallback`.
absl::Time EventTime(const v1::EventMetadata& metadata, absl::Time fallback);

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_COMMAND_H_
