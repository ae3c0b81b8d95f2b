// `ctg history`, `ctg checkpoint` and `ctg verify`: the audit trail and its proofs.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/ctg/commands.h"
#include "clients/ctg/format.h"
#include "clients/ctg/paging.h"
#include "clients/ctg/rpc_errors.h"
#include "clients/ctg/table.h"
#include "eventstore/base/status_macros.h"
#include "google/protobuf/struct.pb.h"

namespace ctg::cli {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  google::protobuf::Timestamp timestamp;
  const int64_t micros = absl::ToUnixMicros(time);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>(rest * 1000));
  return timestamp;
}

// "subject/organisation/role", the parts that are set.
std::string ActorText(const ctg::v1::EventMetadata& metadata) {
  if (!metadata.has_actor()) return "";
  const ctg::v1::Actor& actor = metadata.actor();
  std::vector<std::string> parts;
  for (std::string part : {actor.subject(), SirenOf(actor.organisation()),
                           EnumShortName(ctg::v1::Role_descriptor(), actor.role())}) {
    parts.push_back(part.empty() ? "-" : part);
  }
  return absl::StrJoin(parts, "/");
}

// A checkpoint as a JSON object for --json.
google::protobuf::Value CheckpointValue(const tlog::Checkpoint& checkpoint) {
  google::protobuf::Value value;
  auto& fields = *value.mutable_struct_value()->mutable_fields();
  fields["origin"].set_string_value(checkpoint.origin);
  fields["treeSize"].set_number_value(static_cast<double>(checkpoint.size));
  fields["rootHash"].set_string_value(tlog::HashToHex(checkpoint.root));
  fields["time"].set_string_value(FormatTimeMicros(checkpoint.time));
  return value;
}

std::string CheckpointText(const tlog::Checkpoint& checkpoint) {
  return absl::StrCat(checkpoint.size, " events, root ", tlog::HashToHex(checkpoint.root),
                      ", signed at ", FormatTimeMicros(checkpoint.time));
}

void WarnFirstUse(const CheckpointUpdate& update, const TrustStore& store, Output& output) {
  if (!update.key_pinned_now) return;
  *output.err << "ctg: pinned the log's verifier key on first use:\n  " << update.key.ToString()
              << "\n  Compare it with the key line ctgd's operator publishes. From now on ctg\n"
                 "  refuses any other key for this server (pin kept in "
              << store.verifier_key_path() << ").\n";
}

std::string ConsistencyText(const CheckpointUpdate& update) {
  if (!update.kept_before.has_value()) {
    return "nothing was kept before: this checkpoint is now the reference";
  }
  const tlog::Checkpoint& old = *update.kept_before;
  if (old.size == update.latest.size) {
    return absl::StrCat("same size and root as the kept one, ", old.size, " events");
  }
  if (old.size == 0) return "the kept checkpoint was of the empty log: any log extends it";
  return absl::StrCat(old.size, " \xE2\x86\x92 ", update.latest.size, " events: proof of ",
                      update.consistency_proof_hashes, " hashes verified locally");
}

}  // namespace

absl::Status RunHistory(ctg::v1::AuditService::StubInterface& audit, const CallSettings& call,
                        const HistoryArgs& args, const TrustOptions& trust, TrustStore& store,
                        Output& output) {
  ctg::v1::ListEventsResponse response;
  RETURN_IF_ERROR(FetchPages(
      args.page_token, args.all,
      [&](const std::string& token, ctg::v1::ListEventsResponse* page) {
        ctg::v1::ListEventsRequest request;
        if (!args.stream.empty()) request.set_stream(args.stream);
        if (!args.tag.empty()) request.set_tag(args.tag);
        if (args.since.has_value()) *request.mutable_start_time() = ToTimestamp(*args.since);
        if (args.until.has_value()) *request.mutable_end_time() = ToTimestamp(*args.until);
        for (const std::string& type : args.types) request.add_event_types(type);
        request.set_page_size(args.page_size);
        request.set_page_token(token);
        grpc::ClientContext context;
        PrepareContext(call, &context);
        return RpcError(audit.ListEvents(&context, request, page), call);
      },
      &response));
  std::optional<tlog::Checkpoint> proved_against;
  if (args.verify) {
    for (const ctg::v1::AuditEvent& event : response.events()) {
      ASSIGN_OR_RETURN(InclusionResult proved, VerifyEvent(audit, call, trust, store, event));
      if (proved.update.has_value()) WarnFirstUse(*proved.update, store, output);
      proved_against = proved.checkpoint;
    }
  }
  if (output.json) {
    *output.out << ToJsonLine(response);
    return absl::OkStatus();
  }
  if (response.events().empty()) {
    *output.err << "no events match\n";
  } else {
    // Events of a tag come from several streams: say which.
    const bool show_stream = args.stream.empty();
    std::vector<Column> columns = {{"POS", 0, true}, {"TIME"}, {"ACTOR", 44}};
    if (show_stream) columns.push_back({"STREAM", 32});
    columns.push_back({"TYPE", 36});
    if (args.verify) columns.push_back({"PROVED"});
    columns.push_back({"SUMMARY", 70});
    Table table(std::move(columns));
    for (const ctg::v1::AuditEvent& event : response.events()) {
      std::vector<std::string> row = {absl::StrCat(event.position()),
                                      FormatTimestamp(event.record_time()),
                                      ActorText(event.metadata())};
      if (show_stream) row.push_back(event.stream());
      row.push_back(ShortEventType(event.type()));
      if (args.verify) row.push_back("yes");
      row.push_back(event.payload_json().empty() ? "(payload not readable)"
                                                 : SummarizePayloadJson(event.payload_json()));
      table.AddRow(std::move(row));
    }
    *output.out << table.Render();
  }
  if (proved_against.has_value()) {
    *output.err << "every event above is in the log: its bytes give the leaf proved at its "
                   "position against the checkpoint of "
                << proved_against->size << " events signed at "
                << FormatTimeMicros(proved_against->time) << "\n";
  }
  MoreHint(output, "events", response.next_page_token());
  return absl::OkStatus();
}

absl::Status RunCheckpoint(ctg::v1::AuditService::StubInterface& audit, const CallSettings& call,
                           const TrustOptions& trust, TrustStore& store, bool show_proof,
                           Output& output) {
  ASSIGN_OR_RETURN(CheckpointUpdate update, UpdateCheckpoint(audit, call, trust, store));
  WarnFirstUse(update, store, output);
  if (output.json) {
    google::protobuf::Struct result;
    auto& fields = *result.mutable_fields();
    fields["checkpoint"] = CheckpointValue(update.latest);
    fields["note"].set_string_value(update.note);
    fields["verifierKey"].set_string_value(update.key.ToString());
    fields["keyPinnedNow"].set_bool_value(update.key_pinned_now);
    if (update.kept_before.has_value()) fields["keptBefore"] = CheckpointValue(*update.kept_before);
    fields["consistencyVerified"].set_bool_value(update.consistency_checked);
    fields["consistencyProofHashes"].set_number_value(update.consistency_proof_hashes);
    fields["kept"].set_bool_value(update.replaced);
    fields["keptPath"].set_string_value(store.checkpoint_path());
    *output.out << ToJsonLine(result);
    return absl::OkStatus();
  }
  if (!show_proof) {
    *output.out << "checkpoint of " << SanitizeForTerminal(update.latest.origin) << " verified\n"
                << RenderFields({
                       {"  tree size", absl::StrCat(update.latest.size, " events")},
                       {"  root hash", tlog::HashToHex(update.latest.root)},
                       {"  signed at", FormatTimeMicros(update.latest.time)},
                       {"  signed by",
                        absl::StrCat(update.key.ToString(),
                                     update.key_pinned_now ? " (pinned now)" : " (pinned)")},
                       {"  consistency", ConsistencyText(update)},
                       {"  kept in", store.checkpoint_path()},
                   });
    return absl::OkStatus();
  }
  if (!update.kept_before.has_value()) {
    *output.out << "nothing to compare yet: no checkpoint was kept for this server\n"
                << RenderFields({
                       {"  latest", CheckpointText(update.latest)},
                       {"  kept now", store.checkpoint_path()},
                   })
                << "run `ctg verify --consistency` again later to prove the log only grew\n";
    return absl::OkStatus();
  }
  const tlog::Checkpoint& old = *update.kept_before;
  if (old.size == update.latest.size) {
    *output.out << "consistency verified: the log still has the " << old.size
                << " events of the kept checkpoint, with the same root\n";
  } else {
    *output.out << "consistency verified: the log of " << update.latest.size
                << " events extends the kept one of " << old.size << " events\n";
  }
  *output.out << RenderFields({
      {"  kept", CheckpointText(old)},
      {"  latest", CheckpointText(update.latest)},
      {"  proof", old.size == update.latest.size || old.size == 0
                      ? std::string("none needed (") + ConsistencyText(update) + ")"
                      : absl::StrCat(update.consistency_proof_hashes,
                                     " hashes, checked locally (RFC 9162 2.1.4.2)")},
      {"  signed by", update.key.ToString()},
      {"  kept now", update.replaced ? "the latest, in " + store.checkpoint_path()
                                     : "the same, in " + store.checkpoint_path()},
  });
  return absl::OkStatus();
}

absl::Status RunVerifyPosition(ctg::v1::AuditService::StubInterface& audit,
                               const CallSettings& call, const TrustOptions& trust,
                               TrustStore& store, uint64_t position,
                               const std::optional<tlog::Hash>& expected_leaf, Output& output) {
  ASSIGN_OR_RETURN(InclusionResult result,
                   VerifyEventInclusion(audit, call, trust, store, position));
  if (result.update.has_value()) WarnFirstUse(*result.update, store, output);
  if (expected_leaf.has_value() && *expected_leaf != result.leaf_hash) {
    return absl::DataLossError(absl::StrCat(
        "verification failed: the log's leaf at position ", position, " is ",
        tlog::HashToHex(result.leaf_hash), ", not the ", tlog::HashToHex(*expected_leaf),
        " you gave: the event you hold is not the one the log committed to"));
  }
  if (output.json) {
    google::protobuf::Struct json;
    auto& fields = *json.mutable_fields();
    fields["position"].set_number_value(static_cast<double>(position));
    fields["leafHash"].set_string_value(tlog::HashToHex(result.leaf_hash));
    fields["leafHashMatchesGiven"].set_bool_value(expected_leaf.has_value());
    fields["checkpoint"] = CheckpointValue(result.checkpoint);
    fields["auditPathHashes"].set_number_value(result.proof_hashes);
    fields["inclusionVerified"].set_bool_value(true);
    *output.out << ToJsonLine(json);
    return absl::OkStatus();
  }
  *output.out << "event " << position << " is in the log: inclusion proof verified locally\n"
              << RenderFields({
                     {"  leaf hash", tlog::HashToHex(result.leaf_hash) +
                                         (expected_leaf.has_value() ? " (the one you gave)" : "")},
                     {"  checkpoint", CheckpointText(result.checkpoint)},
                     {"  audit path", absl::StrCat(result.proof_hashes, " hashes")},
                 });
  return absl::OkStatus();
}

}  // namespace ctg::cli
