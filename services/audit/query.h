// Histories of the log (AuditService.ListEvents): the events of one stream or one tag that a
// principal may read, filtered by time and type, in log order, a bounded page at a time.
//
// Thread safety: every function is thread-safe if the lookup it is given is.
#ifndef CTG_SERVICES_AUDIT_QUERY_H_
#define CTG_SERVICES_AUDIT_QUERY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ctg/v1/audit.pb.h"
#include "services/audit/access.h"
#include "services/platform/principal.h"

namespace ctg::eventstore {
class EventStore;
struct RecordedEvent;
}  // namespace ctg::eventstore

namespace ctg::audit {

// Which recorded events a query keeps, besides authorization.
struct EventFilter {
  std::optional<absl::Time> start;         // recorded at or after this time, if set
  std::optional<absl::Time> end;           // recorded before this time, if set
  absl::flat_hash_set<std::string> types;  // of one of these full type names; empty: any

  // Whether `event` passes every filter.
  bool Matches(const eventstore::RecordedEvent& event) const;
  // Whether `event`, and so every later event of the log (recorded times never decrease along
  // the log), is at or after `end`.
  bool PastEnd(const eventstore::RecordedEvent& event) const;
};

// One page request of a history.
struct EventQuery {
  enum class Source { kStream, kTag };
  Source source = Source::kStream;
  std::string name;  // the stream or the tag
  EventFilter filter;

  size_t page_size = 100;  // most events returned; positive
  // Where to resume: the `next` of the previous page (a revision for a stream, a position for
  // a tag); nothing for the first page.
  std::optional<uint64_t> resume;
  // Most stored events examined by one call, kept or not; the page then ends early with a
  // `next`. Bounds the work of a call whose filters or authorization skip nearly everything.
  size_t scan_budget = 1000;
  // The page stops after the event that makes its events' serialized size reach this (a page
  // always holds at least one event when one matches), so that it fits a gRPC message.
  size_t max_page_bytes = 3 << 20;
};

// The source and filters of `request` (not its paging): INVALID_ARGUMENT with a BadRequest
// naming the field: "source" when neither stream nor tag is set, "stream"/"tag" when empty,
// longer than 256 bytes or not printable ASCII, "start_time"/"end_time" when not a valid
// timestamp or when end_time is not after start_time, "event_types[i]" (at most 100 names,
// each like a stream name).
absl::StatusOr<EventQuery> QueryFromRequest(const v1::ListEventsRequest& request);

// A string that changes whenever the source or a filter of `query` changes (not its paging):
// the filter a page token is tied to.
std::string QueryKey(const EventQuery& query);

// One page of a history.
struct EventPage {
  std::vector<v1::AuditEvent> events;  // oldest first
  std::optional<uint64_t> next;        // EventQuery::resume of the next page; empty at the end
};

// The next page of `query` for `principal`: the events of the source that match the filters
// and that the principal may read (MayRead), skipping the others without a trace. A page may
// hold fewer than page_size events (even none) and still have a `next`, when the scan budget or
// the byte limit ended it.
//
// NOT_FOUND for a stream with no event and, with the same message, for a stream the principal
// may not read (a hidden CTG does not exist for them). An unknown tag is an empty history.
// DATA_LOSS if an event's metadata does not parse (Render); store errors as they are.
absl::StatusOr<EventPage> ListEvents(eventstore::EventStore& store,
                                     const platform::Principal& principal,
                                     const ScopeLookup& lookup, const EventQuery& query);

// OK if `name` is usable as a stream, tag or type name: 1..256 printable ASCII bytes (the
// store's own rule for tags and types); INVALID_ARGUMENT with a BadRequest naming `field`.
absl::Status ValidateName(absl::string_view name, absl::string_view field);

}  // namespace ctg::audit

#endif  // CTG_SERVICES_AUDIT_QUERY_H_
