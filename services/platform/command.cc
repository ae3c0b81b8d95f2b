#include "services/platform/command.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message.h"
#include "services/platform/errors.h"
#include "services/platform/time_proto.h"
#include "services/platform/work_queue.h"

namespace ctg::platform {

v1::Role ToProtoRole(Role role) {
  switch (role) {
    case Role::kCafAdmin:
      return v1::ROLE_CAF_ADMIN;
    case Role::kCafCdt:
      return v1::ROLE_CAF_CDT;
    case Role::kCafCommission:
      return v1::ROLE_CAF_COMMISSION;
    case Role::kCollectiviteAdmin:
      return v1::ROLE_COLLECTIVITE_ADMIN;
    case Role::kChargeCooperation:
      return v1::ROLE_CHARGE_COOPERATION;
    case Role::kElu:
      return v1::ROLE_ELU;
    case Role::kPartner:
      return v1::ROLE_PARTNER;
  }
  return v1::ROLE_UNSPECIFIED;
}

v1::EventMetadata StampMetadata(const CommandContext& context, std::vector<std::string> tags) {
  v1::EventMetadata metadata;
  v1::Actor* actor = metadata.mutable_actor();
  actor->set_subject(context.principal.subject);
  actor->set_organisation(context.principal.organisation);
  actor->set_role(ToProtoRole(context.role));
  *metadata.mutable_time() = ToTimestamp(context.now);
  metadata.set_request_id(context.request_id);
  metadata.set_request_fingerprint(context.request_fingerprint);
  metadata.set_correlation_id(context.correlation_id);
  metadata.set_causation_id(context.causation_id);
  metadata.set_command(context.method);
  metadata.set_reason(context.reason);
  metadata.set_cdt_exchange(context.cdt_exchange);
  for (std::string& tag : tags) metadata.add_tags(std::move(tag));
  return metadata;
}

std::string RequestScope(const Principal& principal) {
  // Length-prefixed, so no two principals share a scope.
  return absl::StrCat(principal.organisation.size(), ":", principal.organisation,
                      principal.subject.size(), ":", principal.subject);
}

std::string RequestFingerprint(absl::string_view method, const google::protobuf::Message& request) {
  std::string input = absl::StrCat("ctg-platform/request/v1\n", method.size(), ":", method);
  {
    google::protobuf::io::StringOutputStream stream(&input);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const uint8_t*>(input.data()), input.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

absl::Status RequestIdReused() {
  absl::Status status = RuleViolation(
      "REQUEST_ID_REUSED",
      "request_id was already used by this caller for another request (another method, "
      "resource or body); a retry must resend the same request, a new request needs a new id",
      {}, absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest bad_request;
  google::rpc::BadRequest::FieldViolation* violation = bad_request.add_field_violations();
  violation->set_field("request_id");
  violation->set_description("already used for another request");
  AttachDetail(status, bad_request);
  return status;
}

eventstore::EventId EventIdFor(absl::string_view scope, absl::string_view request_id,
                               size_t index) {
  if (request_id.empty()) return eventstore::NewEventId();
  // Length-prefixed fields, so no two (scope, request id, index) share an input.
  std::string input = absl::StrCat("ctg-platform/event-id/v2\n", scope.size(), ":", scope,
                                   request_id.size(), ":", request_id, index);
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const uint8_t*>(input.data()), input.size(), digest);
  eventstore::EventId id;
  std::memcpy(id.data(), digest, id.size());
  id[6] = static_cast<uint8_t>((id[6] & 0x0f) | 0x80);  // version 8
  id[8] = static_cast<uint8_t>((id[8] & 0x3f) | 0x80);  // RFC 9562 variant
  return id;
}

eventstore::EventData MakeEventData(const CommandContext& context, size_t index,
                                    const google::protobuf::Message& payload,
                                    std::vector<std::string> tags) {
  tags.push_back(absl::StrCat("actor:", context.principal.subject));
  eventstore::EventData data;
  data.id = EventIdFor(RequestScope(context.principal), context.request_id, index);
  data.type = payload.GetDescriptor()->full_name();
  data.payload = payload.SerializeAsString();
  data.metadata = StampMetadata(context, tags).SerializeAsString();
  data.tags = std::move(tags);
  return data;
}

std::string IdFromRequest(absl::string_view kind, absl::string_view scope,
                          absl::string_view request_id, size_t hex_bytes) {
  const std::string seed =
      request_id.empty() ? eventstore::EventIdToString(eventstore::NewEventId())
                         : absl::StrCat(kind, "-id/v2\n", scope.size(), ":", scope,
                                        request_id.size(), ":", request_id);
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const uint8_t*>(seed.data()), seed.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest),
                                                  std::min<size_t>(hex_bytes, sizeof(digest))));
}

absl::Status RunOnReplayThread(absl::AnyInvocable<void() &&> task) {
  // Never destroyed: a replay may still be running when main returns.
  static WorkQueue* const replays = new WorkQueue("ctg-replay", kMaxWaitingReplays);
  return replays->Submit(std::move(task));
}

std::string EtagFor(std::optional<uint64_t> revision) {
  return revision.has_value() ? absl::StrCat("r", *revision) : std::string();
}

absl::Status ValidateRequestId(absl::string_view request_id, absl::string_view field) {
  if (request_id.empty() || eventstore::ParseEventId(request_id).ok()) return absl::OkStatus();
  return InvalidField(field, absl::StrCat(Quoted(request_id),
                                          " is not a UUID (8-4-4-4-12 hexadecimal digits)"));
}

absl::StatusOr<v1::EventMetadata> ParseMetadata(absl::string_view bytes) {
  v1::EventMetadata metadata;
  if (!metadata.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("an event's metadata does not parse as ctg.v1.EventMetadata");
  }
  return metadata;
}

absl::Time EventTime(const v1::EventMetadata& metadata, absl::Time fallback) {
  if (!metadata.has_time()) return fallback;
  return FromTimestamp(metadata.time());
}

}  // namespace ctg::platform
