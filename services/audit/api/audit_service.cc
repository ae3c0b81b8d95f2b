#include "services/audit/api/audit_service.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/api/call_context.h"
#include "services/api/status.h"
#include "services/api/validation.h"
#include "services/audit/access.h"
#include "services/audit/feed.h"
#include "services/audit/proofs.h"
#include "services/audit/query.h"
#include "services/platform/errors.h"
#include "services/platform/policy.h"

namespace ctg::audit_api {
namespace {

using namespace ::ctg::api;  // NOLINT(build/namespaces): the adapter kit (Fail, PageSize…)
using platform::Permission;
using Writer = grpc::ServerWriteReactor<v1::SubscribeEventsResponse>;

// A SubscribeEvents call refused before it started: finishes at once.
class RefusedSubscription final : public Writer {
 public:
  explicit RefusedSubscription(const absl::Status& status) { Finish(ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

grpc::Status ShuttingDown() {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down");
}

}  // namespace

// One live SubscribeEvents call. A thread of its own pulls batches from the Feed and writes
// them one message at a time (the next Write starts once OnWriteDone reported the previous
// one), then Finishes. OnCancel and Shutdown cancel the feed, which wakes the thread.
//
// Lifetime: gRPC calls OnDone once Finish completed and no reaction is pending; OnDone joins
// the thread (which touches nothing of the reactor after Finish), tells the service, and
// deletes the reactor.
class AuditServiceImpl::Subscriber final : public Writer {
 public:
  Subscriber(AuditServiceImpl* service, std::unique_ptr<audit::Feed> feed,
             absl::Duration poll_timeout)
      : service_(service), feed_(std::move(feed)), poll_timeout_(poll_timeout) {}

  // Starts the thread; called once, after the service registered the subscriber. The thread
  // waits for `thread_` to be assigned (under mu_), so that OnDone, which follows the thread's
  // Finish, always finds it joinable.
  void Start() {
    absl::MutexLock lock(&mu_);
    thread_ = std::thread([this] {
      { absl::MutexLock started(&mu_); }
      Finish(Run());
    });
  }

  // Ends the call with UNAVAILABLE as soon as the thread notices (it is woken if it waits for
  // events; a write in progress completes or fails first). Called with the service's mu_ held.
  void StopForShutdown() {
    shutting_down_.store(true);
    feed_->Cancel();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    write_ok_ = ok;
  }

  void OnCancel() override {
    cancelled_.store(true);
    feed_->Cancel();
  }

  void OnDone() override {
    if (thread_.joinable()) {
      if (thread_.get_id() == std::this_thread::get_id()) {
        thread_.detach();  // not expected (OnDone is never inlined into Finish); be safe
      } else {
        thread_.join();
      }
    }
    service_->Forget(this);
    delete this;
  }

 private:
  // Pulls and writes until the call or the server ends; returns the status to finish with.
  grpc::Status Run() {
    while (true) {
      if (shutting_down_.load()) return ShuttingDown();
      if (cancelled_.load()) return grpc::Status::CANCELLED;
      absl::StatusOr<std::vector<v1::SubscribeEventsResponse>> messages =
          feed_->Next(poll_timeout_);
      if (!messages.ok()) {
        if (shutting_down_.load()) return ShuttingDown();
        if (cancelled_.load()) return grpc::Status::CANCELLED;
        // The store closes only when the server stops.
        if (absl::IsFailedPrecondition(messages.status())) return ShuttingDown();
        return ToGrpcStatus(messages.status());
      }
      for (v1::SubscribeEventsResponse& message : *messages) {
        if (!Write(std::move(message))) {
          // The call is cancelled or broken: the status reaches no one, but Finish is due.
          return shutting_down_.load() ? ShuttingDown() : grpc::Status::CANCELLED;
        }
      }
    }
  }

  // Writes `message` and waits for OnWriteDone; false if the write failed.
  bool Write(v1::SubscribeEventsResponse message) {
    message_ = std::move(message);
    {
      absl::MutexLock lock(&mu_);
      writing_ = true;
    }
    StartWrite(&message_);
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](bool* writing) { return !*writing; }, &writing_));
    return write_ok_;
  }

  AuditServiceImpl* const service_;
  const std::unique_ptr<audit::Feed> feed_;
  const absl::Duration poll_timeout_;
  std::thread thread_;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> shutting_down_{false};

  // The message being written: the thread sets it, gRPC reads it until OnWriteDone.
  v1::SubscribeEventsResponse message_;

  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool write_ok_ ABSL_GUARDED_BY(mu_) = true;
};

AuditServiceImpl::AuditServiceImpl(eventstore::EventStore& store,
                                   const platform::StreamCatalog& streams, Options options)
    : store_(store), streams_(streams), options_(options) {}

AuditServiceImpl::~AuditServiceImpl() {
  Shutdown();
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](absl::flat_hash_set<Subscriber*>* live) { return live->empty(); }, &subscribers_));
}

void AuditServiceImpl::Shutdown() {
  absl::MutexLock lock(&mu_);
  shutting_down_ = true;
  for (Subscriber* subscriber : subscribers_) subscriber->StopForShutdown();
}

void AuditServiceImpl::Forget(Subscriber* subscriber) {
  absl::MutexLock lock(&mu_);
  subscribers_.erase(subscriber);
}

grpc::ServerUnaryReactor* AuditServiceImpl::ListEvents(grpc::CallbackServerContext* call,
                                                       const v1::ListEventsRequest* request,
                                                       v1::ListEventsResponse* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  absl::StatusOr<audit::EventQuery> query = audit::QueryFromRequest(*request);
  if (!query.ok()) return Fail(reactor, query.status());
  absl::StatusOr<int> page_size =
      PageSize(request->page_size(), options_.default_page_size, options_.max_page_size);
  if (!page_size.ok()) return Fail(reactor, page_size.status());
  const std::string filter = audit::QueryKey(*query);
  absl::StatusOr<std::string> resume = DecodePageToken(request->page_token(), filter);
  if (!resume.ok()) return Fail(reactor, resume.status());
  if (!resume->empty()) {
    uint64_t from = 0;
    if (!absl::SimpleAtoi(*resume, &from)) {
      return Fail(reactor, platform::InvalidField("page_token", "not a token of this listing"));
    }
    query->resume = from;
  }
  query->page_size = static_cast<size_t>(*page_size);
  query->scan_budget = static_cast<size_t>(*page_size) * static_cast<size_t>(options_.scan_factor);
  // Authorization is per item (and per stream for a stream's history), inside ListEvents.
  absl::StatusOr<audit::EventPage> page = audit::ListEvents(
      store_, *principal,
      streams_, *query);
  if (!page.ok()) return Fail(reactor, page.status());
  for (v1::AuditEvent& event : page->events) *response->add_events() = std::move(event);
  if (page->next.has_value()) {
    response->set_next_page_token(EncodePageToken(absl::StrCat(*page->next), filter));
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* AuditServiceImpl::GetCheckpoint(grpc::CallbackServerContext* call,
                                                          const v1::GetCheckpointRequest* request,
                                                          v1::Checkpoint* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  absl::StatusOr<platform::Role> role =
      platform::Authorize(*principal, Permission::kReadCheckpoint, platform::Scope::None());
  if (!role.ok()) return Fail(reactor, role.status());
  absl::StatusOr<v1::Checkpoint> checkpoint = audit::LatestCheckpoint(store_);
  if (!checkpoint.ok()) return Fail(reactor, checkpoint.status());
  *response = *std::move(checkpoint);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* AuditServiceImpl::GetInclusionProof(
    grpc::CallbackServerContext* call, const v1::GetInclusionProofRequest* request,
    v1::InclusionProof* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  if (request->position() < 0) {
    return Fail(reactor, platform::InvalidField("position", "must not be negative"));
  }
  if (request->tree_size() < 0) {
    return Fail(reactor, platform::InvalidField("tree_size", "must not be negative"));
  }
  absl::StatusOr<platform::Role> role =
      platform::Authorize(*principal, Permission::kReadCheckpoint, platform::Scope::None());
  if (!role.ok()) return Fail(reactor, role.status());
  // The event itself is authorized inside (MayRead): NOT_FOUND if hidden.
  absl::StatusOr<v1::InclusionProof> proof = audit::ProveInclusion(
      store_, *principal,
      streams_,
      request->position(), request->tree_size());
  if (!proof.ok()) return Fail(reactor, proof.status());
  *response = *std::move(proof);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* AuditServiceImpl::GetConsistencyProof(
    grpc::CallbackServerContext* call, const v1::GetConsistencyProofRequest* request,
    v1::ConsistencyProof* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  if (request->first_size() < 1) {
    return Fail(reactor, platform::InvalidField("first_size", "must be at least 1"));
  }
  if (request->second_size() < 0) {
    return Fail(reactor, platform::InvalidField("second_size", "must not be negative"));
  }
  absl::StatusOr<platform::Role> role =
      platform::Authorize(*principal, Permission::kReadCheckpoint, platform::Scope::None());
  if (!role.ok()) return Fail(reactor, role.status());
  absl::StatusOr<v1::ConsistencyProof> proof = audit::ProveConsistency(
      store_, request->first_size(), request->second_size());
  if (!proof.ok()) return Fail(reactor, proof.status());
  *response = *std::move(proof);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerWriteReactor<v1::SubscribeEventsResponse>* AuditServiceImpl::SubscribeEvents(
    grpc::CallbackServerContext* call, const v1::SubscribeEventsRequest* request) {
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return new RefusedSubscription(principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return new RefusedSubscription(s);
  if (request->start_position() < 0) {
    return new RefusedSubscription(
        platform::InvalidField("start_position", "must not be negative"));
  }
  if (!request->tag().empty()) {
    if (absl::Status s = audit::ValidateName(request->tag(), "tag"); !s.ok()) {
      return new RefusedSubscription(s);
    }
  }
  absl::StatusOr<platform::Role> role =
      platform::Authorize(*principal, Permission::kSubscribe, platform::Scope::None());
  if (!role.ok()) return new RefusedSubscription(role.status());

  audit::FeedOptions feed_options;
  feed_options.start_position = request->start_position();
  feed_options.tag = request->tag();
  feed_options.progress_interval = options_.progress_interval;
  absl::StatusOr<std::unique_ptr<audit::Feed>> feed = audit::Feed::Start(
      store_, *std::move(principal),
      streams_, feed_options);
  if (!feed.ok()) return new RefusedSubscription(feed.status());

  Subscriber* subscriber = nullptr;
  {
    absl::MutexLock lock(&mu_);
    if (shutting_down_) {
      return new RefusedSubscription(absl::UnavailableError("server shutting down"));
    }
    if (subscribers_.size() >= static_cast<size_t>(options_.max_subscriptions)) {
      return new RefusedSubscription(absl::ResourceExhaustedError(absl::StrCat(
          "too many live subscriptions (", options_.max_subscriptions, "); retry later")));
    }
    subscriber = new Subscriber(this, *std::move(feed), options_.progress_interval);
    subscribers_.insert(subscriber);
  }
  subscriber->Start();
  return subscriber;
}

}  // namespace ctg::audit_api
