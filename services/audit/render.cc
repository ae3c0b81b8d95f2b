#include "services/audit/render.h"

#include <memory>

#include "absl/base/call_once.h"
#include "absl/strings/str_cat.h"
#include "ctg/v1/partners_events.pb.h"
#include "ctg/v1/persons_events.pb.h"
#include "ctg/v1/plans_events.pb.h"
#include "ctg/v1/staffing_events.pb.h"
#include "eventstore/types.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "services/platform/command.h"
#include "services/platform/time_proto.h"

namespace ctg::audit {
namespace {

// A generated message is in the generated pool only if its .pb.cc is linked in; ctg_proto is a
// static library, so name one message of every event file to keep them in every binary that
// renders events (tools and tests as well as ctgd).
void LinkEventMessages() {
  static absl::once_flag once;
  absl::call_once(once, [] {
    v1::CtgDrafted::descriptor();
    v1::OrganisationRegistered::descriptor();
    v1::PersonRegistered::descriptor();
    v1::PostCreated::descriptor();
  });
}

}  // namespace

std::string PayloadJson(absl::string_view type, absl::string_view payload) {
  LinkEventMessages();
  const google::protobuf::Descriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          std::string(type));
  if (descriptor == nullptr) return "";
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor);
  if (prototype == nullptr) return "";
  std::unique_ptr<google::protobuf::Message> message(prototype->New());
  if (!message->ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return "";
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(*message, &json, options).ok()) return "";
  return json;
}

absl::StatusOr<v1::AuditEvent> Render(const eventstore::RecordedEvent& event) {
  v1::AuditEvent out;
  out.set_position(static_cast<int64_t>(event.position));
  out.set_stream(event.stream);
  out.set_revision(static_cast<int64_t>(event.revision));
  out.set_event_id(eventstore::EventIdToString(event.id));
  out.set_type(event.type);
  *out.mutable_record_time() = platform::ToTimestamp(event.recorded_time);
  absl::StatusOr<v1::EventMetadata> metadata = platform::ParseMetadata(event.metadata);
  if (!metadata.ok()) {
    return absl::DataLossError(absl::StrCat("the metadata of the event at position ",
                                            event.position,
                                            " is not a ctg.v1.EventMetadata"));
  }
  *out.mutable_metadata() = *std::move(metadata);
  out.set_payload_json(PayloadJson(event.type, event.payload));
  out.set_payload(event.payload);
  out.set_metadata_bytes(event.metadata);
  out.set_leaf_hash(std::string(event.leaf_hash.begin(), event.leaf_hash.end()));
  for (const std::string& tag : event.tags) out.add_tags(tag);
  return out;
}

v1::Checkpoint RenderCheckpoint(const eventstore::SignedCheckpoint& checkpoint,
                                const tlog::VerifierKey& verifier) {
  v1::Checkpoint out;
  out.set_note(checkpoint.note);
  out.set_origin(checkpoint.checkpoint.origin);
  out.set_tree_size(static_cast<int64_t>(checkpoint.checkpoint.size));
  out.set_root_hash(
      std::string(checkpoint.checkpoint.root.begin(), checkpoint.checkpoint.root.end()));
  *out.mutable_time() = platform::ToTimestamp(checkpoint.checkpoint.time);
  out.set_verifier_key(verifier.ToString());
  return out;
}

}  // namespace ctg::audit
