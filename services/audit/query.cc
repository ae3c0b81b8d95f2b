#include "services/audit/query.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/event_store.h"
#include "google/protobuf/util/time_util.h"
#include "services/audit/render.h"
#include "services/platform/errors.h"

namespace ctg::audit {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kMaxNameBytes = 256;
constexpr int kMaxEventTypes = 100;

// A request's timestamp as a time; INVALID_ARGUMENT on `field` outside the proto3 range.
absl::StatusOr<absl::Time> TimeOf(const google::protobuf::Timestamp& timestamp,
                                  absl::string_view field) {
  if (timestamp.seconds() < TimeUtil::kTimestampMinSeconds ||
      timestamp.seconds() > TimeUtil::kTimestampMaxSeconds || timestamp.nanos() < 0 ||
      timestamp.nanos() > 999999999) {
    return platform::InvalidField(
        field, "must be a valid timestamp (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z)");
  }
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

// The NOT_FOUND of a stream that has no event or that the caller may not read: one message
// for both, so that a refusal reveals nothing.
absl::Status StreamNotFound(absl::string_view stream) {
  return absl::NotFoundError(absl::StrCat("stream ", platform::Quoted(stream), " not found"));
}

std::string FormatTime(const std::optional<absl::Time>& time) {
  return time.has_value() ? absl::FormatTime(absl::RFC3339_full, *time, absl::UTCTimeZone())
                          : std::string("-");
}

}  // namespace

bool EventFilter::Matches(const eventstore::RecordedEvent& event) const {
  if (start.has_value() && event.recorded_time < *start) return false;
  if (end.has_value() && event.recorded_time >= *end) return false;
  return types.empty() || types.contains(event.type);
}

bool EventFilter::PastEnd(const eventstore::RecordedEvent& event) const {
  return end.has_value() && event.recorded_time >= *end;
}

absl::Status ValidateName(absl::string_view name, absl::string_view field) {
  if (name.empty()) return platform::InvalidField(field, "must not be empty");
  if (name.size() > kMaxNameBytes) {
    return platform::InvalidField(field, absl::StrCat("must be at most ", kMaxNameBytes, " bytes"));
  }
  for (char c : name) {
    if (c < 0x21 || c > 0x7e) {
      return platform::InvalidField(field, "must be printable ASCII without spaces");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<EventQuery> QueryFromRequest(const v1::ListEventsRequest& request) {
  EventQuery query;
  switch (request.source_case()) {
    case v1::ListEventsRequest::kStream:
      RETURN_IF_ERROR(ValidateName(request.stream(), "stream"));
      query.source = EventQuery::Source::kStream;
      query.name = request.stream();
      break;
    case v1::ListEventsRequest::kTag:
      RETURN_IF_ERROR(ValidateName(request.tag(), "tag"));
      query.source = EventQuery::Source::kTag;
      query.name = request.tag();
      break;
    default:
      return platform::InvalidField("source", "set exactly one of stream or tag");
  }
  if (request.has_start_time()) {
    ASSIGN_OR_RETURN(query.filter.start, TimeOf(request.start_time(), "start_time"));
  }
  if (request.has_end_time()) {
    ASSIGN_OR_RETURN(query.filter.end, TimeOf(request.end_time(), "end_time"));
  }
  if (query.filter.start.has_value() && query.filter.end.has_value() &&
      *query.filter.end <= *query.filter.start) {
    return platform::InvalidField("end_time", "must be after start_time");
  }
  if (request.event_types_size() > kMaxEventTypes) {
    return platform::InvalidField("event_types",
                                  absl::StrCat("must name at most ", kMaxEventTypes, " types"));
  }
  for (int i = 0; i < request.event_types_size(); ++i) {
    RETURN_IF_ERROR(ValidateName(request.event_types(i), absl::StrCat("event_types[", i, "]")));
    query.filter.types.insert(request.event_types(i));
  }
  return query;
}

std::string QueryKey(const EventQuery& query) {
  std::vector<std::string> types(query.filter.types.begin(), query.filter.types.end());
  std::sort(types.begin(), types.end());
  // Fields are separated by a byte that no valid name holds.
  return absl::StrCat(query.source == EventQuery::Source::kStream ? "stream" : "tag", "\n",
                      query.name, "\n", FormatTime(query.filter.start), "\n",
                      FormatTime(query.filter.end), "\n", absl::StrJoin(types, "\n"));
}

absl::StatusOr<EventPage> ListEvents(eventstore::EventStore& store,
                                     const platform::Principal& principal,
                                     const ScopeLookup& lookup, const EventQuery& query) {
  const bool by_stream = query.source == EventQuery::Source::kStream;
  AccessCheck access(principal, lookup);
  if (by_stream && !access.MayReadStream(query.name)) return StreamNotFound(query.name);

  const size_t page_size = std::max<size_t>(query.page_size, 1);
  const size_t budget = std::max<size_t>(query.scan_budget, 1);
  EventPage page;
  std::optional<uint64_t> cursor = query.resume.value_or(0);  // nothing: the end
  size_t scanned = 0;
  size_t bytes = 0;
  while (cursor.has_value() && page.events.size() < page_size && scanned < budget &&
         bytes < query.max_page_bytes) {
    const size_t want = std::min(page_size - page.events.size(), budget - scanned);
    absl::StatusOr<eventstore::ReadPage> read =
        by_stream ? store.ReadStream(query.name, *cursor, eventstore::Direction::kForward, want)
                  : store.ReadTag(query.name, *cursor, eventstore::Direction::kForward, want);
    if (by_stream && absl::IsNotFound(read.status())) return StreamNotFound(query.name);
    RETURN_IF_ERROR(read.status());
    if (read->events.empty()) {
      cursor.reset();
      break;
    }
    bool done = false;
    for (size_t i = 0; i < read->events.size(); ++i) {
      const eventstore::RecordedEvent& event = read->events[i];
      ++scanned;
      if (query.filter.PastEnd(event)) {
        cursor.reset();  // nothing later is recorded before `end`
        done = true;
        break;
      }
      const uint64_t after = by_stream ? event.revision + 1 : event.position + 1;
      if (query.filter.Matches(event) && access.MayRead(event)) {
        ASSIGN_OR_RETURN(v1::AuditEvent rendered, Render(event));
        bytes += rendered.ByteSizeLong();
        page.events.push_back(std::move(rendered));
      }
      if (page.events.size() >= page_size || bytes >= query.max_page_bytes ||
          scanned >= budget) {
        const bool more = i + 1 < read->events.size() || read->next.has_value();
        cursor = more ? std::optional<uint64_t>(after) : std::nullopt;
        done = true;
        break;
      }
    }
    if (done) break;
    cursor = read->next;
  }
  page.next = cursor;
  return page;
}

}  // namespace ctg::audit
