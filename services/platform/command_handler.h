// Command handling: load → decide → append with the expected revision → bounded retry.
//
//   Execute<Ctg>(store, repository, "ctg-val-orbe", context, etag,
//                [&](const CtgState& state) { return plans::Decide(state, command, lookups); },
//                [reactor](absl::StatusOr<Outcome<Ctg>> outcome) { … finish the call … });
//
// - The state comes from the Repository (always current: see repository.h).
// - A non-empty `etag` must match the stream's current etag (else ABORTED): the client's
//   optimistic concurrency (AIP-154). A conflict then is not retried either.
// - Without an etag, an append that loses a race (the store's ABORTED on the expected
//   revision) decides again on the new state, at most kMaxAttempts times in all.
// - With a request id (AIP-155) the event ids are derived from it and from the principal
//   (EventIdFor): a retry (same principal, same stream, same RequestFingerprint) whose events
//   are stored returns the first result (the state right after them), whatever happened
//   since, and writes nothing; the same principal's id with another stream or fingerprint is
//   RequestIdReused(). Another principal's same id is another request.
// - A decision with no event writes nothing and returns the current state.
// Nothing blocks on an fsync: the append is asynchronous, and rebuilding a retry's first
// result (a stream read, which may wait for durability) runs on the replay thread
// (RunOnReplayThread). `done` runs on the store's acknowledger thread, on the replay thread,
// or on the calling thread, and `decide` on the calling or the acknowledger thread (a lost
// race is decided again in the append's callback): both must be quick and call nothing of the
// store but what an AppendAsync callback may (see EventStore::AppendAsync).
#ifndef CTG_SERVICES_PLATFORM_COMMAND_HANDLER_H_
#define CTG_SERVICES_PLATFORM_COMMAND_HANDLER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "eventstore/event_store.h"
#include "services/platform/command.h"
#include "services/platform/errors.h"
#include "services/platform/repository.h"

namespace ctg::platform {

inline constexpr int kMaxAttempts = 10;

// The result of a command: the stream's state and revision after it.
template <typename Aggregate>
struct Outcome {
  typename Aggregate::State state;
  std::optional<uint64_t> revision;  // nullopt only if nothing was ever written
  bool wrote = false;                // false for a no-op decision or a replayed request
  bool replayed = false;             // true when a retried request_id returned its first result
  std::optional<uint64_t> last_position;  // log position of the last event written
};

template <typename Aggregate>
using Decider = absl::AnyInvocable<absl::StatusOr<std::vector<typename Aggregate::Event>>(
    const typename Aggregate::State&)>;

template <typename Aggregate>
using OutcomeCallback = absl::AnyInvocable<void(absl::StatusOr<Outcome<Aggregate>>)>;

namespace internal {

// The first stored event of the request of `context` (its request id is not empty), if it is
// durable; RequestIdReused() if it is not a retry of that request on `stream`. Never waits for
// durability (FindEvent reads the durable log only), so a gRPC handler may call it; the
// acknowledger thread may not (see EventStore::AppendAsync).
inline absl::StatusOr<std::optional<eventstore::RecordedEvent>> FindRequest(
    eventstore::EventStore& store, absl::string_view stream, const CommandContext& context) {
  absl::StatusOr<eventstore::RecordedEvent> first = store.FindEvent(
      EventIdFor(RequestScope(context.principal), context.request_id, 0));
  if (absl::IsNotFound(first.status())) return std::optional<eventstore::RecordedEvent>();
  if (!first.ok()) return first.status();
  ASSIGN_OR_RETURN(v1::EventMetadata metadata, ParseMetadata(first->metadata));
  if (first->stream != stream || metadata.request_fingerprint() != context.request_fingerprint) {
    return RequestIdReused();
  }
  return std::optional<eventstore::RecordedEvent>(*std::move(first));
}

// The first result of the request of `context` whose first event is `first`: `stream` folded
// up to the request's last event. Reads the stream, so it may wait for durability: never on
// the acknowledger thread.
template <typename Aggregate>
absl::StatusOr<Outcome<Aggregate>> RebuildFirstResult(eventstore::EventStore& store,
                                                      absl::string_view stream,
                                                      const CommandContext& context,
                                                      const eventstore::RecordedEvent& first) {
  const std::string scope = RequestScope(context.principal);
  Outcome<Aggregate> outcome;
  outcome.replayed = true;
  uint64_t from = 0;
  while (true) {
    ASSIGN_OR_RETURN(eventstore::ReadPage page,
                     store.ReadStream(stream, from, eventstore::Direction::kForward, 500));
    for (const eventstore::RecordedEvent& event : page.events) {
      // The request's events are consecutive from its first one, with the ids it derives.
      if (event.revision > first.revision &&
          event.id != EventIdFor(scope, context.request_id, event.revision - first.revision)) {
        return outcome;
      }
      ASSIGN_OR_RETURN(v1::EventMetadata metadata, ParseMetadata(event.metadata));
      ASSIGN_OR_RETURN(typename Aggregate::Event decoded,
                       Aggregate::Parse(event.type, event.payload));
      Aggregate::Evolve(outcome.state, decoded, EventTime(metadata, event.recorded_time));
      outcome.revision = event.revision;
      outcome.last_position = event.position;
    }
    if (!page.next.has_value()) break;
    from = *page.next;
  }
  return outcome;
}

template <typename Aggregate>
struct Operation {
  eventstore::EventStore* store;
  Repository<Aggregate>* repository;
  std::string stream;
  CommandContext context;
  std::string etag;
  Decider<Aggregate> decide;
  OutcomeCallback<Aggregate> done;
  int attempts = 0;
};

// Finishes `op` with the first result of its request, whose first event is `first`, rebuilt
// on the replay thread.
template <typename Aggregate>
void ReplayFirstResult(std::shared_ptr<Operation<Aggregate>> op,
                       eventstore::RecordedEvent first) {
  absl::Status queued = RunOnReplayThread([op, first = std::move(first)] {
    op->done(RebuildFirstResult<Aggregate>(*op->store, op->stream, op->context, first));
  });
  if (!queued.ok()) op->done(std::move(queued));
}

// Finishes `op`, whose append found its request's ids stored (`original` says how), with the
// first result of the request, or with RequestIdReused() or `original`. Called on the
// acknowledger thread, which must not read the store: all of it runs on the replay thread.
template <typename Aggregate>
void Replay(std::shared_ptr<Operation<Aggregate>> op, absl::Status original) {
  absl::Status queued = RunOnReplayThread([op, original = std::move(original)]() mutable {
    absl::StatusOr<std::optional<eventstore::RecordedEvent>> first =
        FindRequest(*op->store, op->stream, op->context);
    if (!first.ok()) return op->done(first.status());
    if (!first->has_value()) return op->done(std::move(original));
    op->done(RebuildFirstResult<Aggregate>(*op->store, op->stream, op->context, **first));
  });
  if (!queued.ok()) op->done(std::move(queued));
}

template <typename Aggregate>
void Attempt(std::shared_ptr<Operation<Aggregate>> op) {
  ++op->attempts;
  typename Repository<Aggregate>::Snapshot snapshot = op->repository->Get(op->stream);
  if (!op->etag.empty() && op->etag != EtagFor(snapshot.revision)) {
    return op->done(absl::AbortedError(
        absl::StrCat("etag ", Quoted(op->etag), " is stale: the resource changed (current etag '",
                     EtagFor(snapshot.revision), "'); read it again and retry")));
  }
  absl::StatusOr<std::vector<typename Aggregate::Event>> events = op->decide(snapshot.state);
  if (!events.ok()) return op->done(events.status());
  if (events->empty()) {
    return op->done(Outcome<Aggregate>{std::move(snapshot.state), snapshot.revision});
  }
  // Fold as we go: each event's tags may depend on the state it leads to.
  typename Aggregate::State after = std::move(snapshot.state);  // a copy of its own already
  std::vector<eventstore::EventData> data;
  data.reserve(events->size());
  for (size_t i = 0; i < events->size(); ++i) {
    const typename Aggregate::Event& event = (*events)[i];
    Aggregate::Evolve(after, event, op->context.now);
    data.push_back(
        MakeEventData(op->context, i, Aggregate::AsMessage(event), Aggregate::Tags(after, event)));
  }
  const eventstore::ExpectedRevision expected =
      snapshot.revision.has_value() ? eventstore::ExpectedRevision::Exact(*snapshot.revision)
                                    : eventstore::ExpectedRevision::NoStream();
  const std::string stream = op->stream;
  op->store->AppendAsync(
      stream, expected, std::move(data),
      [op, after = std::move(after)](absl::StatusOr<eventstore::AppendResult> result) mutable {
        if (result.ok() && !result->replayed) {
          op->repository->Commit(op->stream, {after, result->revision});
          return op->done(Outcome<Aggregate>{std::move(after), result->revision, true, false,
                                             result->last_position});
        }
        if (result.ok() || absl::IsAlreadyExists(result.status())) {
          // The request's ids are stored already: a retry raced its original.
          return Replay(
              op, result.ok() ? absl::AlreadyExistsError("request replayed") : result.status());
        }
        if (absl::IsAborted(result.status())) {
          if (!op->etag.empty()) {
            return op->done(absl::AbortedError(absl::StrCat(
                "etag ", Quoted(op->etag), " is stale: the resource changed; read it again")));
          }
          if (op->attempts < kMaxAttempts) return Attempt(op);
          return op->done(absl::AbortedError(absl::StrCat(
              "the resource kept changing: gave up after ", op->attempts, " attempts; retry")));
        }
        op->done(result.status());
      });
}

}  // namespace internal

// Runs one command on `stream`. See the top of this file.
template <typename Aggregate>
void Execute(eventstore::EventStore& store, Repository<Aggregate>& repository, std::string stream,
             CommandContext context, std::string etag, Decider<Aggregate> decide,
             OutcomeCallback<Aggregate> done) {
  auto op = std::make_shared<internal::Operation<Aggregate>>(
      internal::Operation<Aggregate>{&store, &repository, std::move(stream), std::move(context),
                                     std::move(etag), std::move(decide), std::move(done)});
  if (op->context.request_id.empty()) return internal::Attempt(std::move(op));
  // A retried request returns its first result without deciding again.
  absl::StatusOr<std::optional<eventstore::RecordedEvent>> first =
      internal::FindRequest(store, op->stream, op->context);
  if (!first.ok()) return op->done(first.status());
  if (first->has_value()) return internal::ReplayFirstResult(std::move(op), **std::move(first));
  internal::Attempt(std::move(op));
}

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_COMMAND_HANDLER_H_
