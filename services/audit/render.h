// How the log looks to an auditor: stored events and checkpoints as ctg.v1 messages.
//
// Thread safety: every function is thread-safe.
#ifndef CTG_SERVICES_AUDIT_RENDER_H_
#define CTG_SERVICES_AUDIT_RENDER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctg/v1/audit.pb.h"

namespace ctg::eventstore {
struct RecordedEvent;
struct SignedCheckpoint;
}  // namespace ctg::eventstore

namespace ctg::tlog {
struct VerifierKey;
}

namespace ctg::audit {

// `event` as an AuditEvent: position, stream, revision, id, type, record time, the parsed
// metadata, the payload's bytes and its proto3 JSON (field names as in the .proto), the leaf
// hash and the tags.
//
// The JSON is that of the message named `event.type` in the binary's generated descriptor pool;
// an unknown type, or a payload that does not parse as it, gets an empty `payload_json` (the
// bytes are still there). The ctg.v1 event messages (plans, partners) are always known.
// DATA_LOSS if the metadata is not a ctg.v1.EventMetadata.
absl::StatusOr<v1::AuditEvent> Render(const eventstore::RecordedEvent& event);

// The proto3 JSON of the message `type` serialized as `payload`; empty if the type is unknown
// to the binary or the payload does not parse as it.
std::string PayloadJson(absl::string_view type, absl::string_view payload);

// `checkpoint` as a ctg.v1.Checkpoint, with `verifier` (the store's key) as `verifier_key`.
v1::Checkpoint RenderCheckpoint(const eventstore::SignedCheckpoint& checkpoint,
                                const tlog::VerifierKey& verifier);

}  // namespace ctg::audit

#endif  // CTG_SERVICES_AUDIT_RENDER_H_
