// How events and checkpoints render for an auditor.
#include "services/audit/render.h"

#include <string>

#include "eventstore/tlog/checkpoint.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/platform/time_proto.h"
#include "tests/services/audit/audit_fixture.h"

namespace ctg::audit {
namespace {

using namespace ::ctg::audit::testing;  // NOLINT(build/namespaces): the fixtures
using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using RenderTest = AuditStoreTest;

TEST_F(RenderTest, EveryFieldOfAnEvent) {
  Append("org-900000002", Retitled("first"));  // position 0
  const v1::CtgDrafted drafted = Drafted("val-orbe-2025", "CTG du Val d'Orbe 2025-2029");
  const absl::Time recorded = Now();
  const eventstore::RecordedEvent event =
      Append("ctg-val-orbe-2025", drafted, {"ctg:val-orbe-2025", "org:900000002"});

  ASSERT_OK_AND_ASSIGN(v1::AuditEvent rendered, Render(event));
  EXPECT_EQ(rendered.position(), 1);
  EXPECT_EQ(rendered.stream(), "ctg-val-orbe-2025");
  EXPECT_EQ(rendered.revision(), 0);
  EXPECT_EQ(rendered.event_id(), eventstore::EventIdToString(event.id));
  EXPECT_EQ(rendered.type(), "ctg.v1.CtgDrafted");
  EXPECT_EQ(google::protobuf::util::TimeUtil::TimestampToMicroseconds(rendered.record_time()),
            absl::ToUnixMicros(recorded));
  EXPECT_EQ(rendered.metadata().actor().subject(), "cdt-alice");
  EXPECT_EQ(rendered.metadata().actor().organisation(), kCaf);
  EXPECT_EQ(rendered.metadata().actor().role(), v1::ROLE_CAF_CDT);
  EXPECT_EQ(rendered.metadata().command(), "/ctg.v1.PlansService/UpdateCtg");
  EXPECT_EQ(rendered.metadata().reason(), "test");
  EXPECT_EQ(rendered.payload(), drafted.SerializeAsString());
  EXPECT_EQ(rendered.leaf_hash(), std::string(event.leaf_hash.begin(), event.leaf_hash.end()));
  EXPECT_EQ(rendered.leaf_hash().size(), 32u);
  EXPECT_THAT(rendered.tags(),
              ElementsAre("actor:cdt-alice", "ctg:val-orbe-2025", "org:900000002"));
}

TEST_F(RenderTest, PayloadJsonIsProto3JsonWithTheProtoFieldNames) {
  const v1::CtgDrafted drafted = Drafted("val-orbe-2025", "CTG du Val d'Orbe 2025-2029");
  ASSERT_OK_AND_ASSIGN(v1::AuditEvent rendered, Render(Append("ctg-val-orbe-2025", drafted)));
  const std::string& json = rendered.payload_json();
  EXPECT_THAT(json, HasSubstr("\"ctg_id\":\"val-orbe-2025\""));
  EXPECT_THAT(json, HasSubstr("\"start_date\":{"));
  EXPECT_THAT(json, HasSubstr("\"THEMATIQUE_PETITE_ENFANCE\""));
  EXPECT_THAT(json, HasSubstr("\"title\":\"CTG du Val d"));
  // It reads back as the very payload.
  v1::CtgDrafted parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) << json;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(parsed, drafted));
}

TEST_F(RenderTest, UnknownTypeKeepsTheBytesWithoutJson) {
  const eventstore::RecordedEvent event = AppendRaw(
      "system-1", "test.v9.NotAMessage", v1::EventMetadata().SerializeAsString(), "\x01\x02\x03");
  ASSERT_OK_AND_ASSIGN(v1::AuditEvent rendered, Render(event));
  EXPECT_EQ(rendered.type(), "test.v9.NotAMessage");
  EXPECT_EQ(rendered.payload(), "\x01\x02\x03");
  EXPECT_EQ(rendered.payload_json(), "");
}

TEST_F(RenderTest, PayloadThatDoesNotParseAsItsTypeHasNoJson) {
  const eventstore::RecordedEvent event =
      AppendRaw("ctg-val-orbe-2025", "ctg.v1.CtgDrafted", "", std::string("\xff\xff\xff", 3));
  ASSERT_OK_AND_ASSIGN(v1::AuditEvent rendered, Render(event));
  EXPECT_EQ(rendered.payload_json(), "");
  EXPECT_EQ(rendered.payload().size(), 3u);
}

TEST_F(RenderTest, EmptyPayloadOfAKnownTypeIsAnEmptyObject) {
  const eventstore::RecordedEvent event = AppendRaw("ctg-val-orbe-2025", "ctg.v1.CtgRetitled",
                                                    "", "");
  ASSERT_OK_AND_ASSIGN(v1::AuditEvent rendered, Render(event));
  EXPECT_EQ(rendered.payload_json(), "{}");
}

TEST_F(RenderTest, UnparsableMetadataIsDataLoss) {
  const eventstore::RecordedEvent event =
      AppendRaw("system-1", "test.Event", std::string("\xff\xff\xff", 3), "");
  EXPECT_THAT(Render(event), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("position 0")));
}

TEST_F(RenderTest, CheckpointCarriesTheSignedNoteAndTheVerifierKey) {
  Append("ctg-val-orbe-2025", Drafted("val-orbe-2025", "t"));
  Append("ctg-val-orbe-2025", Retitled("u"));
  ASSERT_OK_AND_ASSIGN(eventstore::SignedCheckpoint signed_checkpoint, store_->SignCheckpoint());
  const v1::Checkpoint checkpoint = RenderCheckpoint(signed_checkpoint, store_->verifier_key());
  EXPECT_EQ(checkpoint.note(), signed_checkpoint.note);
  EXPECT_EQ(checkpoint.origin(), "ctg-platform/test");
  EXPECT_EQ(checkpoint.tree_size(), 2);
  ASSERT_OK_AND_ASSIGN(tlog::Hash root, store_->RootAt(2));
  EXPECT_EQ(checkpoint.root_hash(), std::string(root.begin(), root.end()));
  EXPECT_EQ(google::protobuf::util::TimeUtil::TimestampToMicroseconds(checkpoint.time()),
            absl::ToUnixMicros(signed_checkpoint.checkpoint.time));
  // A client verifies the note with the key as sent.
  ASSERT_OK_AND_ASSIGN(tlog::VerifierKey key, tlog::VerifierKey::Parse(checkpoint.verifier_key()));
  ASSERT_OK_AND_ASSIGN(tlog::Checkpoint verified, tlog::VerifyCheckpoint(checkpoint.note(), key));
  EXPECT_EQ(verified.size, 2u);
}

TEST(ToTimestampTest, KeepsMicroseconds) {
  const absl::Time time = absl::FromUnixMicros(1767225600123456);
  const google::protobuf::Timestamp timestamp = platform::ToTimestamp(time);
  EXPECT_EQ(timestamp.seconds(), 1767225600);
  EXPECT_EQ(timestamp.nanos(), 123456000);
}

}  // namespace
}  // namespace ctg::audit
