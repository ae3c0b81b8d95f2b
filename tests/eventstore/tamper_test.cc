// A closed store altered on disk through the RocksDB API (as `ldb` would), one case per kind
// of alteration: Verify names the first bad position and why, and reads of the altered
// events fail with DATA_LOSS naming the position instead of returning them.
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/encoding.h"
#include "gmock/gmock.h"
#include "rocksdb/db.h"
#include "tests/eventstore/store_fixture.h"
#include "tests/testing/raw_rocksdb.h"

namespace ctg::eventstore {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

using RawLog = ::ctg::testing::RawRocksDb;

// Flips one bit of the byte at `offset` of the file at `path`.
void FlipByte(const std::string& path, size_t offset) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(file) << path;
  file.seekg(static_cast<std::streamoff>(offset));
  char byte = 0;
  file.read(&byte, 1);
  byte = static_cast<char>(byte ^ 0x10);
  file.seekp(static_cast<std::streamoff>(offset));
  file.write(&byte, 1);
  ASSERT_TRUE(file.flush());
}

// The store every case starts from: kEvents events of stream "s-1" (revision = position),
// each tagged "tag:all", the odd ones also "tag:odd".
constexpr int kEvents = 20;
constexpr uint64_t kBad = 7;  // the position most cases alter

// The body's bytes: u32 metadata length, metadata ("m"), u32 tags length, tags, payload.
constexpr size_t kMetadataOffset = 4;
constexpr size_t kFirstTagByteOffset = 4 + 1 + 4 + 2 + 2;

struct TamperCase {
  std::string name;
  std::function<void(RawLog&)> tamper;
  uint64_t first_bad_position;
  std::string problem;  // a part of Verify's report
  // A read that must now fail with DATA_LOSS saying `read_problem`; none if no read shows the
  // alteration (the events read are intact: an index lost an entry, or a node no event's
  // check needs was changed).
  std::function<absl::Status(EventStore&)> read;
  std::string read_problem;
};

void PrintTo(const TamperCase& tamper_case, std::ostream* out) { *out << tamper_case.name; }

absl::Status ReadWholeLog(EventStore& store) {
  return store.ReadLog(0, Direction::kForward, 100).status();
}
absl::Status ReadStreamForward(EventStore& store) {
  return store.ReadStream("s-1", 0, Direction::kForward, 100).status();
}
absl::Status ReadStreamBackward(EventStore& store) {
  return store.ReadStream("s-1", UINT64_MAX, Direction::kBackward, 100).status();
}
absl::Status ReadOddTag(EventStore& store) {
  return store.ReadTag("tag:odd", 0, Direction::kForward, 100).status();
}
absl::Status GetBadEvent(EventStore& store) { return store.GetEvent(kBad).status(); }
absl::Status FindBadEventById(EventStore& store) {
  absl::StatusOr<RecordedEvent> event = store.GetEvent(kBad);
  if (!event.ok()) return event.status();
  return store.FindEvent(event->id).status();
}

std::vector<TamperCase> Cases() {
  const std::string bad_key = PositionKey(kBad);
  return {
      {"payload",
       [=](RawLog& log) { log.Change("payloads", bad_key, [](std::string* v) { v->back() ^= 1; }); },
       kBad, "payload does not match", ReadWholeLog, "position 7"},
      {"metadata",
       [=](RawLog& log) {
         log.Change("payloads", bad_key, [](std::string* v) { (*v)[kMetadataOffset] ^= 1; });
       },
       kBad, "metadata does not match", GetBadEvent, "position 7"},
      {"tags",
       [=](RawLog& log) {
         log.Change("payloads", bad_key, [](std::string* v) { (*v)[kFirstTagByteOffset] ^= 1; });
       },
       kBad, "tags do not match", ReadStreamForward, "position 7"},
      {"entry",
       [=](RawLog& log) {
         log.Change("entries", bad_key, [](std::string* v) { (*v)[v->size() - 100] ^= 1; });
       },
       kBad, "leaf hash differs", ReadWholeLog, "position 7"},
      {"leaf_node",
       [](RawLog& log) { log.Change("tree", TreeKey(0, kBad), [](std::string* v) { (*v)[0] ^= 1; }); },
       kBad, "leaf hash differs", ReadStreamBackward, "position 7"},
      {"entry_and_its_leaf_node",
       [=](RawLog& log) {
         std::string leaf_hash;
         log.Change("entries", bad_key, [&](std::string* v) {
           (*v)[v->size() - 100] ^= 1;
           leaf_hash = std::string(tlog::HashBytes(tlog::LeafHash(*v)));
         });
         log.Put("tree", TreeKey(0, kBad), leaf_hash);
       },
       6, "positions 6..7 do not match the stored tree node", GetBadEvent, "position 7"},
      {"interior_node",
       [](RawLog& log) { log.Change("tree", TreeKey(2, 1), [](std::string* v) { (*v)[5] ^= 1; }); },
       4, "positions 4..7 do not match the stored tree node", nullptr, ""},
      {"tag_index_entry_deleted",
       [](RawLog& log) { log.Delete("tags", NamedKey("tag:odd", kBad)); }, kBad,
       "the tag index has no entry for tag 'tag:odd'", nullptr, ""},
      {"tag_index_entry_added",
       [](RawLog& log) { log.Put("tags", NamedKey("tag:odd", 8), ""); }, 8,
       "the tag index lists position 8 under 'tag:odd'", ReadOddTag, "position 8"},
      {"stream_index_entry_repointed",
       [](RawLog& log) { log.Put("streams", NamedKey("s-1", kBad), PositionKey(9)); }, kBad,
       "the stream index entry for revision 7 of stream 's-1' points at position 9",
       ReadStreamForward, "position 9"},
      {"stream_index_entry_deleted",
       [](RawLog& log) { log.Delete("streams", NamedKey("s-1", kBad)); }, kBad,
       "the stream index has no entry for revision 7 of stream 's-1'", ReadStreamBackward,
       "revision 7"},
      {"id_index_entry_deleted",
       [=](RawLog& log) {
         absl::StatusOr<Leaf> leaf = DecodeLeaf(log.Get("entries", bad_key));
         ASSERT_TRUE(leaf.ok()) << leaf.status();
         log.Delete("ids", std::string(reinterpret_cast<const char*>(leaf->id.data()), 16));
       },
       kBad, "the id index has no entry for the event", nullptr, ""},
      {"id_index_entry_repointed",
       [=](RawLog& log) {
         absl::StatusOr<Leaf> leaf = DecodeLeaf(log.Get("entries", bad_key));
         ASSERT_TRUE(leaf.ok()) << leaf.status();
         log.Put("ids", std::string(reinterpret_cast<const char*>(leaf->id.data()), 16),
                 PositionKey(9));
       },
       kBad, "the id index entry of the event points at position 9", FindBadEventById,
       "to position 9, which holds another event"},
      {"tags_sst_byte_flipped",
       [](RawLog& log) { FlipByte(log.FlushedFile("tags"), 20); }, 0, "corrupt", ReadOddTag, "Corruption"},
      {"payloads_sst_byte_flipped",
       [](RawLog& log) { FlipByte(log.FlushedFile("payloads"), 20); }, 0, "corrupt",
       ReadWholeLog, "the payloads at position 0 are unreadable"},
  };
}

class TamperTest : public StoreTest, public ::testing::WithParamInterface<TamperCase> {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    for (int i = 0; i < kEvents; ++i) {
      std::vector<std::string> tags = {"tag:all"};
      if (i % 2 == 1) tags.push_back("tag:odd");
      ASSERT_OK(store_->Append("s-1", ExpectedRevision::Any(),
                               {MakeEvent("test.Event", absl::StrCat("payload-", i), tags)})
                    .status());
    }
    ASSERT_OK(store_->SignCheckpoint().status());
    ASSERT_OK(store_->Close());
    {
      RawLog log(dir_.Sub("store/log"));
      GetParam().tamper(log);
    }
    Reopen();
  }
};

TEST_P(TamperTest, VerifyNamesTheFirstBadPosition) {
  ASSERT_OK_AND_ASSIGN(VerifyReport report, store_->Verify());
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.first_bad_position, GetParam().first_bad_position) << report.problem;
  EXPECT_THAT(report.problem, HasSubstr(GetParam().problem));
}

// The cases that a read shows.
class TamperedReadTest : public TamperTest {};

std::vector<TamperCase> CasesWithARead() {
  std::vector<TamperCase> cases;
  for (TamperCase& tamper_case : Cases()) {
    if (tamper_case.read) cases.push_back(std::move(tamper_case));
  }
  return cases;
}

TEST_P(TamperedReadTest, ReadsOfTheAlteredEventsFailWithDataLoss) {
  EXPECT_THAT(GetParam().read(*store_),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr(GetParam().read_problem)));
  EXPECT_EQ(store_->IntegrityFailures(), 1u);
}

INSTANTIATE_TEST_SUITE_P(EveryAlteration, TamperTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(EveryAlterationAReadShows, TamperedReadTest,
                         ::testing::ValuesIn(CasesWithARead()),
                         [](const auto& info) { return info.param.name; });

// The per-read check passes on a healthy store whatever the read: pages of the log from any
// offset (checked block by block), events one by one, before and after reopening, and events
// appended since the store opened.
TEST_F(StoreTest, EveryReadOfAHealthyStorePassesTheTreeCheck) {
  AppendMany("h-1", 300, {"tag:h"});
  Reopen();
  AppendMany("h-2", 37, {"tag:h"});
  for (uint64_t from : {0, 1, 3, 127, 255, 299, 300, 336}) {
    ASSERT_OK_AND_ASSIGN(ReadPage page, store_->ReadLog(from, Direction::kForward, 129));
    EXPECT_EQ(page.events.front().position, from);
  }
  ASSERT_OK(store_->ReadLog(UINT64_MAX, Direction::kBackward, 1000).status());
  ASSERT_OK(store_->ReadTag("tag:h", 5, Direction::kForward, 1000).status());
  for (uint64_t position = 0; position < store_->Size(); position += 7) {
    ASSERT_OK(store_->GetEvent(position).status());
  }
  EXPECT_EQ(store_->IntegrityFailures(), 0u);
}

// Past 2^17 events the open checks the tree from level 2 up, and a read hashes its leaf's
// block of four up to there: an entry rewritten alone, or with its leaf node, still fails.
TEST_F(StoreTest, TheTreeCheckOfALargeStoreHashesBaseBlocks) {
  options_.sync = false;
  Reopen();
  constexpr int kAppends = 140;
  for (int i = 0; i < kAppends; ++i) {
    std::vector<EventData> events;
    for (int j = 0; j < 1000; ++j) events.push_back(MakeEvent("test.Event", absl::StrCat(i, "-", j)));
    ASSERT_OK(store_->Append(absl::StrCat("big-", i), ExpectedRevision::Any(), std::move(events))
                  .status());
  }
  ASSERT_OK(store_->Close());
  constexpr uint64_t kAltered = 100001;
  {
    RawLog log(dir_.Sub("store/log"));
    log.Change("entries", PositionKey(kAltered), [](std::string* v) { (*v)[v->size() - 100] ^= 1; });
  }
  Reopen();
  for (uint64_t position : {0, 3, 100000, 100002, 139999}) {
    EXPECT_OK(store_->GetEvent(position).status()) << position;
  }
  EXPECT_OK(store_->ReadLog(0, Direction::kForward, 1000).status());
  EXPECT_THAT(store_->GetEvent(kAltered),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("position 100001")));
  ASSERT_OK(store_->Close());
  {
    RawLog log(dir_.Sub("store/log"));
    log.Put("tree", TreeKey(0, kAltered),
            std::string(tlog::HashBytes(tlog::LeafHash(log.Get("entries", PositionKey(kAltered))))));
  }
  Reopen();
  EXPECT_THAT(store_->GetEvent(kAltered),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("position 100001 does not match the log's tree")));
  // Its neighbour's block no longer leads to the trusted node either: like Verify ("positions
  // 100000..100001"), a page names the first event of the block.
  EXPECT_THAT(store_->ReadLog(99990, Direction::kForward, 100),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("position 100000 does not match the log's tree")));
}

// Start-up and read errors say what is wrong and where (not "the payload is missing" for a
// deleted entry or a corrupt file).
TEST_F(StoreTest, ReadErrorsNameWhatIsMissingOrCorrupt) {
  AppendMany("s-1", 30);
  ASSERT_OK(store_->Close());
  {
    RawLog log(dir_.Sub("store/log"));
    log.Delete("entries", PositionKey(20));
  }
  Reopen();
  EXPECT_THAT(store_->ReadLog(0, Direction::kForward, 100),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("the entry at position 20 is missing")));
  ASSERT_OK(store_->Close());
  {
    RawLog log(dir_.Sub("store/log"));
    log.Put("entries", PositionKey(20), log.Get("entries", PositionKey(19)));
    FlipByte(log.FlushedFile("payloads"), 20);
  }
  Reopen();
  absl::Status read = store_->ReadLog(0, Direction::kForward, 100).status();
  EXPECT_THAT(read, StatusIs(absl::StatusCode::kDataLoss,
                             HasSubstr("the payloads at position 0 are unreadable")));
  EXPECT_THAT(read.message(), HasSubstr("Corruption"));
  EXPECT_THAT(read.message(), Not(HasSubstr("missing")));
}

}  // namespace
}  // namespace ctg::eventstore
