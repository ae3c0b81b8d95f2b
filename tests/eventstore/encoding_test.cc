#include "eventstore/encoding.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::eventstore {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

Leaf SampleLeaf() {
  Leaf leaf;
  leaf.id = NewEventId();
  leaf.stream = "post-42";
  leaf.revision = 7;
  leaf.position = 1234567;
  leaf.recorded_time_us = 1763900000123456;
  leaf.type = "ctg.v1.CafOpinionGiven";
  leaf.metadata_digest = tlog::Sha256("metadata");
  leaf.payload_digest = tlog::Sha256("payload");
  leaf.tags_digest = tlog::Sha256("tags");
  return leaf;
}

TEST(LeafTest, RoundTrips) {
  const Leaf leaf = SampleLeaf();
  ASSERT_OK_AND_ASSIGN(Leaf decoded, DecodeLeaf(EncodeLeaf(leaf)));
  EXPECT_EQ(decoded.id, leaf.id);
  EXPECT_EQ(decoded.stream, leaf.stream);
  EXPECT_EQ(decoded.revision, leaf.revision);
  EXPECT_EQ(decoded.position, leaf.position);
  EXPECT_EQ(decoded.recorded_time_us, leaf.recorded_time_us);
  EXPECT_EQ(decoded.type, leaf.type);
  EXPECT_EQ(decoded.metadata_digest, leaf.metadata_digest);
  EXPECT_EQ(decoded.payload_digest, leaf.payload_digest);
  EXPECT_EQ(decoded.tags_digest, leaf.tags_digest);
}

TEST(LeafTest, LayoutIsTheDocumentedOne) {
  const Leaf leaf = SampleLeaf();
  const std::string bytes = EncodeLeaf(leaf);
  // version, id, u16+stream, 3 x u64, u16+type, 3 digests
  EXPECT_EQ(bytes.size(), 1 + 16 + 2 + leaf.stream.size() + 24 + 2 + leaf.type.size() + 96);
  EXPECT_EQ(bytes[0], 1);
  EXPECT_EQ(bytes.substr(1 + 16 + 2, leaf.stream.size()), leaf.stream);
  EXPECT_EQ(GetBigEndian64(bytes, 1 + 16 + 2 + leaf.stream.size() + 8), leaf.position);
}

TEST(LeafTest, RejectsMalformedBytes) {
  const std::string bytes = EncodeLeaf(SampleLeaf());
  EXPECT_THAT(DecodeLeaf(""), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("empty")));
  EXPECT_THAT(DecodeLeaf(bytes.substr(0, bytes.size() - 1)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")));
  EXPECT_THAT(DecodeLeaf(bytes + "x"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("trailing")));
  std::string wrong_version = bytes;
  wrong_version[0] = 2;
  EXPECT_THAT(DecodeLeaf(wrong_version),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("version")));
}

TEST(TagsTest, RoundTripAndRejectTruncation) {
  const std::vector<std::string> tags = {"ctg:1", "org:200012345", "type:x"};
  const std::string encoded = EncodeTags(tags);
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> decoded, DecodeTags(encoded));
  EXPECT_EQ(decoded, tags);
  EXPECT_THAT(DecodeTags(encoded.substr(0, encoded.size() - 2)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> none, DecodeTags(EncodeTags({})));
  EXPECT_TRUE(none.empty());
}

TEST(BodyTest, RoundTripsAndRejectsTruncation) {
  const std::string body = EncodeBody("meta", EncodeTags({"a"}), std::string("pay\0load", 8));
  ASSERT_OK_AND_ASSIGN(BodyView view, DecodeBody(body));
  EXPECT_EQ(view.metadata, "meta");
  EXPECT_EQ(view.payload, absl::string_view("pay\0load", 8));
  EXPECT_THAT(DecodeBody(body.substr(0, 5)), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("")));
}

TEST(KeysTest, PositionKeysSortNumerically) {
  std::vector<uint64_t> positions = {0, 1, 255, 256, 65535, 1ull << 40, UINT64_MAX};
  std::vector<std::string> keys;
  for (uint64_t p : positions) keys.push_back(PositionKey(p));
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  for (uint64_t p : positions) {
    ASSERT_OK_AND_ASSIGN(uint64_t decoded, DecodePositionKey(PositionKey(p)));
    EXPECT_EQ(decoded, p);
  }
  EXPECT_THAT(DecodePositionKey("short"), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("8")));
}

TEST(KeysTest, NamedKeysOfOneNameAreContiguousAndDoNotMixWithLongerNames) {
  // "post-1" must not see the keys of "post-10" in its range [prefix, prefix+1).
  const std::string prefix = NamedKeyPrefix("post-1");
  const std::string own = NamedKey("post-1", 5);
  const std::string other = NamedKey("post-10", 0);
  std::string upper = prefix;
  upper.back() = '\x01';
  EXPECT_TRUE(own >= prefix && own < upper);
  EXPECT_FALSE(other >= prefix && other < upper);
  ASSERT_OK_AND_ASSIGN(uint64_t n, DecodeNamedKeyNumber(own));
  EXPECT_EQ(n, 5u);
}

TEST(EventIdTest, FormatsAndParses) {
  const EventId id = NewEventId();
  const std::string text = EventIdToString(id);
  EXPECT_EQ(text.size(), 36u);
  EXPECT_EQ(text[14], '4');  // version 4
  ASSERT_OK_AND_ASSIGN(EventId parsed, ParseEventId(text));
  EXPECT_EQ(parsed, id);
  std::string upper = text;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  ASSERT_OK_AND_ASSIGN(EventId parsed_upper, ParseEventId(upper));
  EXPECT_EQ(parsed_upper, id);
  EXPECT_NE(NewEventId(), NewEventId());
  for (const char* bad :
       {"", "not-a-uuid", "0123456789abcdef0123456789abcdef",
        "01234567-89ab-cdef-0123-456789abcdeg", "01234567089ab-cdef-0123-456789abcdef"}) {
    EXPECT_THAT(ParseEventId(bad), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("UUID")))
        << bad;
  }
}

}  // namespace
}  // namespace ctg::eventstore
