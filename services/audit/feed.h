// Live feed of the log (AuditService.SubscribeEvents): the events a principal may read from a
// position on, then new ones as they are committed, with progress messages to measure lag.
//
// A Feed turns the store's Subscription batches into the messages to send: events the
// principal may read (MayRead, evaluated on each batch with the CTGs' scopes of that moment),
// rendered; then a Progress when the feed catches up with the log, when it is caught up past
// events it skipped (so the consumer can resume after them), and at least every
// `progress_interval`. It owns no thread: the caller pulls.
//
// Thread safety: Next from one thread at a time; Cancel from any thread.
#ifndef CTG_SERVICES_AUDIT_FEED_H_
#define CTG_SERVICES_AUDIT_FEED_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ctg/v1/audit.pb.h"
#include "services/audit/access.h"
#include "services/platform/principal.h"

namespace ctg::eventstore {
class EventStore;
class Subscription;
}  // namespace ctg::eventstore

namespace ctg::audit {

struct FeedOptions {
  int64_t start_position = 0;  // first position to deliver (as in SubscribeEventsRequest)
  std::string tag;             // only events with this tag; empty: every event
  // A Progress is sent at least this often, even when nothing the principal may read happens.
  absl::Duration progress_interval = absl::Seconds(5);
  // Most events read from the store per Next; bounds the memory one feed holds.
  size_t max_batch = 32;
};

class Feed {
 public:
  // Subscribes `principal` to `store` from options.start_position. INVALID_ARGUMENT
  // (BadRequest) on "start_position" if negative, on "tag" if set but not a valid name;
  // OUT_OF_RANGE (BadRequest on "start_position") beyond the log's size. The caller checks
  // Permission::kSubscribe first. `store` and `lookup` must outlive the feed.
  static absl::StatusOr<std::unique_ptr<Feed>> Start(eventstore::EventStore& store,
                                                     platform::Principal principal,
                                                     const ScopeLookup& lookup,
                                                     const FeedOptions& options);

  ~Feed();
  Feed(const Feed&) = delete;
  Feed& operator=(const Feed&) = delete;

  // The next messages to send, in order: events (possibly none), then at most one Progress.
  // Waits at most `timeout` for new events (the first call waits not at all, so its Progress
  // comes at once even at the log's end); returns an empty vector when there is nothing to
  // send. CANCELLED after Cancel(); FAILED_PRECONDITION once the store is closed; DATA_LOSS if
  // an event's metadata does not parse.
  absl::StatusOr<std::vector<v1::SubscribeEventsResponse>> Next(absl::Duration timeout);

  // Makes a pending and every later Next return CANCELLED. Idempotent.
  void Cancel();

 private:
  Feed(std::unique_ptr<eventstore::Subscription> subscription, platform::Principal principal,
       const ScopeLookup& lookup, const FeedOptions& options);

  const std::unique_ptr<eventstore::Subscription> subscription_;
  const platform::Principal principal_;
  const ScopeLookup& lookup_;
  const absl::Duration progress_interval_;
  bool caught_up_ = false;                   // the last batch ended at the log's end
  std::optional<absl::Time> last_progress_;  // when the last Progress was made
  // Where the consumer knows it stands: after the last event or Progress sent.
  uint64_t known_position_ = 0;
};

}  // namespace ctg::audit

#endif  // CTG_SERVICES_AUDIT_FEED_H_
