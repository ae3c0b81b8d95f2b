// Histories: request checks, filters, paging, bounded scans and what each principal sees.
#include "services/audit/query.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/platform/errors.h"
#include "tests/services/audit/audit_fixture.h"

namespace ctg::audit {
namespace {

using namespace ::ctg::audit::testing;  // NOLINT(build/namespaces): the fixtures
using ::ctg::testing::StatusIs;
using ::google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The field a BadRequest names in `status`, or "" if none.
std::string BadField(const absl::Status& status) {
  std::optional<google::rpc::BadRequest> bad = platform::BadRequestOf(status);
  if (!bad.has_value() || bad->field_violations_size() == 0) return "";
  return bad->field_violations(0).field();
}

v1::ListEventsRequest StreamRequest(std::string stream) {
  v1::ListEventsRequest request;
  request.set_stream(std::move(stream));
  return request;
}

// ---------------------------------------------------------------------------------------
// QueryFromRequest

TEST(QueryFromRequestTest, StreamOrTag) {
  ASSERT_OK_AND_ASSIGN(EventQuery by_stream, QueryFromRequest(StreamRequest("ctg-a-1")));
  EXPECT_EQ(by_stream.source, EventQuery::Source::kStream);
  EXPECT_EQ(by_stream.name, "ctg-a-1");
  v1::ListEventsRequest request;
  request.set_tag("org:900000002");
  ASSERT_OK_AND_ASSIGN(EventQuery by_tag, QueryFromRequest(request));
  EXPECT_EQ(by_tag.source, EventQuery::Source::kTag);
  EXPECT_EQ(by_tag.name, "org:900000002");
}

TEST(QueryFromRequestTest, BadFieldsAreNamed) {
  struct Case {
    v1::ListEventsRequest request;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({v1::ListEventsRequest(), "source"});
  cases.push_back({StreamRequest(""), "stream"});
  cases.push_back({StreamRequest("ctg a"), "stream"});
  cases.push_back({StreamRequest(std::string(257, 'a')), "stream"});
  {
    v1::ListEventsRequest request;
    request.set_tag("");
    cases.push_back({request, "tag"});
  }
  {
    v1::ListEventsRequest request = StreamRequest("ctg-a-1");
    request.mutable_start_time()->set_nanos(-1);
    cases.push_back({request, "start_time"});
  }
  {
    v1::ListEventsRequest request = StreamRequest("ctg-a-1");
    request.mutable_end_time()->set_seconds(TimeUtil::kTimestampMaxSeconds + 1);
    cases.push_back({request, "end_time"});
  }
  {
    v1::ListEventsRequest request = StreamRequest("ctg-a-1");
    request.mutable_start_time()->set_seconds(100);
    request.mutable_end_time()->set_seconds(100);
    cases.push_back({request, "end_time"});
  }
  {
    v1::ListEventsRequest request = StreamRequest("ctg-a-1");
    request.add_event_types("ctg.v1.CtgDrafted");
    request.add_event_types("");
    cases.push_back({request, "event_types[1]"});
  }
  {
    v1::ListEventsRequest request = StreamRequest("ctg-a-1");
    for (int i = 0; i < 101; ++i) request.add_event_types("t" + std::to_string(i));
    cases.push_back({request, "event_types"});
  }
  for (const Case& c : cases) {
    absl::StatusOr<EventQuery> query = QueryFromRequest(c.request);
    EXPECT_THAT(query, StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_))
        << c.request.ShortDebugString();
    EXPECT_EQ(BadField(query.status()), c.field) << c.request.ShortDebugString();
  }
}

TEST(QueryKeyTest, ChangesWithEveryFilterButNotWithTheOrderOfTypes) {
  v1::ListEventsRequest base = StreamRequest("ctg-a-1");
  base.add_event_types("x.A");
  base.add_event_types("x.B");
  base.mutable_start_time()->set_seconds(10);
  base.mutable_end_time()->set_seconds(20);
  ASSERT_OK_AND_ASSIGN(EventQuery query, QueryFromRequest(base));
  const std::string key = QueryKey(query);

  v1::ListEventsRequest reordered = base;
  reordered.clear_event_types();
  reordered.add_event_types("x.B");
  reordered.add_event_types("x.A");
  ASSERT_OK_AND_ASSIGN(EventQuery same, QueryFromRequest(reordered));
  EXPECT_EQ(QueryKey(same), key);

  std::vector<v1::ListEventsRequest> others(5, base);
  others[0].set_stream("ctg-a-2");
  others[1].set_tag("ctg-a-1");  // same name, other kind of source
  others[2].mutable_start_time()->set_nanos(1);
  others[3].clear_end_time();
  others[4].add_event_types("x.C");
  for (const v1::ListEventsRequest& other : others) {
    ASSERT_OK_AND_ASSIGN(EventQuery different, QueryFromRequest(other));
    EXPECT_NE(QueryKey(different), key) << other.ShortDebugString();
  }
}

// ---------------------------------------------------------------------------------------
// ListEvents

class ListEventsTest : public AuditStoreTest {
 protected:
  // Every page of `query` from its resume point; fails the test past 1000 pages.
  std::vector<EventPage> AllPages(const platform::Principal& principal, EventQuery query) {
    std::vector<EventPage> pages;
    for (int i = 0; i < 1000; ++i) {
      absl::StatusOr<EventPage> page = ListEvents(*store_, principal, Lookup(), query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      pages.push_back(*page);
      if (!page->next.has_value()) return pages;
      query.resume = page->next;
    }
    ADD_FAILURE() << "too many pages";
    return pages;
  }

  static std::vector<int64_t> Positions(const std::vector<EventPage>& pages) {
    std::vector<int64_t> positions;
    for (const EventPage& page : pages) {
      for (const v1::AuditEvent& event : page.events) positions.push_back(event.position());
    }
    return positions;
  }

  static EventQuery Query(EventQuery::Source source, std::string name, size_t page_size) {
    EventQuery query;
    query.source = source;
    query.name = std::move(name);
    query.page_size = page_size;
    query.scan_budget = page_size * 10;
    return query;
  }
};

TEST_F(ListEventsTest, PagesThroughAStreamOldestFirst) {
  for (int i = 0; i < 25; ++i) Append("ctg-val-orbe-2025", Retitled("t" + std::to_string(i)));
  std::vector<EventPage> pages =
      AllPages(CafAdmin(), Query(EventQuery::Source::kStream, "ctg-val-orbe-2025", 10));
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[0].events.size(), 10u);
  EXPECT_EQ(pages[1].events.size(), 10u);
  EXPECT_EQ(pages[2].events.size(), 5u);
  std::vector<int64_t> expected;
  for (int i = 0; i < 25; ++i) expected.push_back(i);
  EXPECT_THAT(Positions(pages), ElementsAreArray(expected));
  EXPECT_EQ(pages[2].events.back().revision(), 24);
}

TEST_F(ListEventsTest, AFullLastPageHasNoNext) {
  for (int i = 0; i < 10; ++i) Append("ctg-val-orbe-2025", Retitled("t"));
  ASSERT_OK_AND_ASSIGN(
      EventPage page,
      ListEvents(*store_, CafAdmin(), Lookup(),
                 Query(EventQuery::Source::kStream, "ctg-val-orbe-2025", 10)));
  EXPECT_EQ(page.events.size(), 10u);
  EXPECT_FALSE(page.next.has_value());
}

TEST_F(ListEventsTest, AStreamIsReadByRevisionAmongOtherStreams) {
  for (int i = 0; i < 6; ++i) {
    Append("ctg-val-orbe-2025", Retitled("a"));
    Append("ctg-plaine-2024", Retitled("b"));
  }
  std::vector<EventPage> pages =
      AllPages(ValDOrbeAdmin(), Query(EventQuery::Source::kStream, "ctg-val-orbe-2025", 4));
  EXPECT_THAT(Positions(pages), ElementsAre(0, 2, 4, 6, 8, 10));
}

TEST_F(ListEventsTest, AMissingStreamIsNotFoundButAMissingTagAnEmptyList) {
  // A stream is a resource; a tag, a filter over the log (audit.proto, ListEvents).
  const std::string long_name(256, 's');
  EXPECT_THAT(ListEvents(*store_, CafAdmin(), Lookup(),
                         Query(EventQuery::Source::kStream, long_name, 10)),
              StatusIs(absl::StatusCode::kNotFound, "stream '" + long_name.substr(0, 64) +
                                                        "…' (256 bytes) not found"));
  absl::StatusOr<EventPage> tag = ListEvents(*store_, CafAdmin(), Lookup(),
                                             Query(EventQuery::Source::kTag, "ctg:nowhere", 10));
  ASSERT_TRUE(tag.ok()) << tag.status();
  EXPECT_TRUE(tag->events.empty());
  EXPECT_FALSE(tag->next.has_value());
}

TEST_F(ListEventsTest, MissingAndHiddenStreamsAreTheSameNotFound) {
  Append("ctg-plaine-2024", Retitled("b"));
  absl::StatusOr<EventPage> hidden = ListEvents(
      *store_, ValDOrbeAdmin(), Lookup(), Query(EventQuery::Source::kStream, "ctg-plaine-2024", 10));
  absl::StatusOr<EventPage> missing = ListEvents(
      *store_, ValDOrbeAdmin(), Lookup(), Query(EventQuery::Source::kStream, "ctg-nowhere", 10));
  absl::StatusOr<EventPage> missing_for_admin = ListEvents(
      *store_, CafAdmin(), Lookup(), Query(EventQuery::Source::kStream, "ctg-nowhere", 10));
  EXPECT_THAT(hidden, StatusIs(absl::StatusCode::kNotFound, "stream 'ctg-plaine-2024' not found"));
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound, "stream 'ctg-nowhere' not found"));
  EXPECT_THAT(missing_for_admin,
              StatusIs(absl::StatusCode::kNotFound, "stream 'ctg-nowhere' not found"));
  // Streams outside CTGs and the registry are the Caf's.
  Append("system-1", Retitled("p"));
  EXPECT_THAT(ListEvents(*store_, ValDOrbeAdmin(), Lookup(),
                         Query(EventQuery::Source::kStream, "system-1", 10)),
              StatusIs(absl::StatusCode::kNotFound, "stream 'system-1' not found"));
  EXPECT_OK(ListEvents(*store_, CdtAlice(), Lookup(),
                       Query(EventQuery::Source::kStream, "system-1", 10)));
}

TEST_F(ListEventsTest, ATagSpansStreamsAndSkipsWhatThePrincipalMayNotRead) {
  const std::string tag = "actor:cdt-alice";  // every event of the fixture carries it
  Append("ctg-val-orbe-2025", Drafted("val-orbe-2025", "a"));  // 0
  Append("ctg-plaine-2024", Drafted("plaine-2024", "b"));      // 1
  Append("org-900000002", Retitled("registry"));               // 2
  Append("system-1", Retitled("post"));                          // 3
  Append("ctg-val-orbe-2025", Retitled("a2"));                 // 4
  const EventQuery query = Query(EventQuery::Source::kTag, tag, 100);
  EXPECT_THAT(Positions(AllPages(ValDOrbeAdmin(), query)), ElementsAre(0, 2, 4));
  EXPECT_THAT(Positions(AllPages(PlaineAdmin(), query)), ElementsAre(1, 2));
  EXPECT_THAT(Positions(AllPages(CdtAlice(), query)), ElementsAre(0, 2, 3, 4));
  EXPECT_THAT(Positions(AllPages(Commission(), query)), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(Positions(AllPages(OtherPartner(), query)), ElementsAre(2));
  // An unknown tag is an empty history.
  ASSERT_OK_AND_ASSIGN(EventPage none,
                       ListEvents(*store_, CafAdmin(), Lookup(),
                                  Query(EventQuery::Source::kTag, "ctg:nothing", 10)));
  EXPECT_THAT(none.events, IsEmpty());
  EXPECT_FALSE(none.next.has_value());
}

TEST_F(ListEventsTest, TheScanIsBoundedAndResumesWhereItStopped) {
  // 30 events Val d'Orbe's admin may not read, then 3 it may.
  for (int i = 0; i < 30; ++i) Append("ctg-plaine-2024", Retitled("hidden"), {"common"});
  for (int i = 0; i < 3; ++i) Append("ctg-val-orbe-2025", Retitled("seen"), {"common"});
  EventQuery query = Query(EventQuery::Source::kTag, "common", 2);
  query.scan_budget = 10;
  ASSERT_OK_AND_ASSIGN(EventPage first, ListEvents(*store_, ValDOrbeAdmin(), Lookup(), query));
  EXPECT_THAT(first.events, IsEmpty());
  ASSERT_TRUE(first.next.has_value());
  EXPECT_EQ(*first.next, 10u);  // the position after the 10 it examined
  std::vector<EventPage> pages = AllPages(ValDOrbeAdmin(), query);
  EXPECT_THAT(Positions(pages), ElementsAre(30, 31, 32));
  EXPECT_GE(pages.size(), 4u);  // 3 pages of 10 scanned, then the 3 seen
}

TEST_F(ListEventsTest, TimeRangeIsStartInclusiveEndExclusive) {
  for (int i = 0; i < 20; ++i) Append("ctg-val-orbe-2025", Retitled("t"));  // event i at Epoch+i s
  EventQuery query = Query(EventQuery::Source::kStream, "ctg-val-orbe-2025", 3);
  query.filter.start = Epoch() + absl::Seconds(5);
  query.filter.end = Epoch() + absl::Seconds(10);
  std::vector<EventPage> pages = AllPages(CafAdmin(), query);
  EXPECT_THAT(Positions(pages), ElementsAre(5, 6, 7, 8, 9));
  // The listing stops at the first event past the end instead of scanning on.
  EXPECT_EQ(pages.size(), 2u);
  EXPECT_FALSE(pages.back().next.has_value());
}

TEST_F(ListEventsTest, TypeFilter) {
  Append("ctg-val-orbe-2025", Drafted("val-orbe-2025", "a"));
  Append("ctg-val-orbe-2025", Retitled("b"));
  Append("ctg-val-orbe-2025", Retitled("c"));
  EventQuery query = Query(EventQuery::Source::kStream, "ctg-val-orbe-2025", 10);
  query.filter.types = {"ctg.v1.CtgRetitled"};
  EXPECT_THAT(Positions(AllPages(CafAdmin(), query)), ElementsAre(1, 2));
  query.filter.types = {"ctg.v1.CtgDrafted", "ctg.v1.CtgStateChanged"};
  EXPECT_THAT(Positions(AllPages(CafAdmin(), query)), ElementsAre(0));
}

TEST_F(ListEventsTest, APageStopsAtItsByteLimitButHoldsOneEvent) {
  for (int i = 0; i < 3; ++i) Append("ctg-val-orbe-2025", Retitled(std::string(500, 'x')));
  EventQuery query = Query(EventQuery::Source::kStream, "ctg-val-orbe-2025", 10);
  query.max_page_bytes = 100;
  std::vector<EventPage> pages = AllPages(CafAdmin(), query);
  ASSERT_EQ(pages.size(), 3u);
  for (const EventPage& page : pages) EXPECT_EQ(page.events.size(), 1u);
}

TEST_F(ListEventsTest, ARenderFailureFailsThePage) {
  AppendRaw("system-1", "test.Event", std::string("\xff\xff\xff", 3), "");
  EXPECT_THAT(ListEvents(*store_, CafAdmin(), Lookup(),
                         Query(EventQuery::Source::kStream, "system-1", 10)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("metadata")));
}

}  // namespace
}  // namespace ctg::audit
