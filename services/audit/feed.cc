#include "services/audit/feed.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/event_store.h"
#include "services/audit/query.h"
#include "services/audit/render.h"
#include "services/platform/errors.h"
#include "services/platform/time_proto.h"

namespace ctg::audit {

absl::StatusOr<std::unique_ptr<Feed>> Feed::Start(eventstore::EventStore& store,
                                                  platform::Principal principal,
                                                  const ScopeLookup& lookup,
                                                  const FeedOptions& options) {
  if (options.start_position < 0) {
    return platform::InvalidField("start_position", "must not be negative");
  }
  eventstore::SubscriptionOptions subscription_options;
  subscription_options.from_position = static_cast<uint64_t>(options.start_position);
  if (!options.tag.empty()) {
    RETURN_IF_ERROR(ValidateName(options.tag, "tag"));
    subscription_options.tag = options.tag;
  }
  subscription_options.max_batch = std::max<size_t>(options.max_batch, 1);
  absl::StatusOr<std::unique_ptr<eventstore::Subscription>> subscription =
      store.Subscribe(subscription_options);
  if (absl::IsOutOfRange(subscription.status())) {
    absl::Status status = absl::OutOfRangeError(absl::StrCat(
        "start_position ", options.start_position, " is beyond the log (size ", store.Size(),
        ")"));
    google::rpc::BadRequest bad_request;
    google::rpc::BadRequest::FieldViolation* violation = bad_request.add_field_violations();
    violation->set_field("start_position");
    violation->set_description(std::string(status.message()));
    platform::AttachDetail(status, bad_request);
    return status;
  }
  RETURN_IF_ERROR(subscription.status());
  return std::unique_ptr<Feed>(
      new Feed(*std::move(subscription), std::move(principal), lookup, options));
}

Feed::Feed(std::unique_ptr<eventstore::Subscription> subscription, platform::Principal principal,
           const ScopeLookup& lookup, const FeedOptions& options)
    : subscription_(std::move(subscription)),
      principal_(std::move(principal)),
      lookup_(lookup),
      progress_interval_(options.progress_interval),
      known_position_(static_cast<uint64_t>(options.start_position)) {}

Feed::~Feed() = default;

void Feed::Cancel() { subscription_->Cancel(); }

absl::StatusOr<std::vector<v1::SubscribeEventsResponse>> Feed::Next(absl::Duration timeout) {
  // The first call does not wait: a consumer that starts at the log's end learns at once that
  // it is caught up.
  ASSIGN_OR_RETURN(
      eventstore::SubscriptionBatch batch,
      subscription_->Next(last_progress_.has_value() ? timeout : absl::ZeroDuration()));
  std::vector<v1::SubscribeEventsResponse> out;
  // Scopes are those of this batch's moment: a CTG's new participants see its next events.
  AccessCheck access(principal_, lookup_);
  for (const eventstore::RecordedEvent& event : batch.events) {
    if (!access.MayRead(event)) continue;
    v1::SubscribeEventsResponse response;
    ASSIGN_OR_RETURN(*response.mutable_event(), Render(event));
    out.push_back(std::move(response));
    known_position_ = event.position + 1;
  }
  const bool caught_up = batch.position >= batch.log_size;
  const bool just_caught_up = caught_up && !caught_up_;
  caught_up_ = caught_up;
  const bool skipped_tail = caught_up && batch.position != known_position_;
  const bool heartbeat_due =
      !last_progress_.has_value() || batch.time - *last_progress_ >= progress_interval_;
  if (just_caught_up || skipped_tail || heartbeat_due) {
    v1::SubscribeEventsResponse response;
    v1::Progress* progress = response.mutable_progress();
    progress->set_position(static_cast<int64_t>(batch.position));
    progress->set_log_size(static_cast<int64_t>(batch.log_size));
    *progress->mutable_time() = platform::ToTimestamp(batch.time);
    out.push_back(std::move(response));
    last_progress_ = batch.time;
    known_position_ = batch.position;
  }
  return out;
}

}  // namespace ctg::audit
