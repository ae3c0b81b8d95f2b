// ctg.v1.AuditService over the log (services/audit): validate → authorize → one call into the
// audit context → convert. Histories, the signed checkpoint and the proofs answer on the gRPC
// callback thread (each call reads a bounded amount); each SubscribeEvents gets a thread of its
// own that pulls from the store and writes one message at a time.
//
// Shutdown: call Shutdown() before grpc::Server::Shutdown(): it ends every live subscription
// with UNAVAILABLE and refuses new ones, so that the server can drain. A subscription whose
// client stopped reading stays blocked in its write until the server's shutdown deadline
// cancels the call. The Registry (and its store) must outlive the service; the service must
// outlive the server's shutdown (its destructor waits for the subscription threads).
//
// Thread safety: every method may be called from any thread.
#ifndef CTG_SERVICES_AUDIT_API_AUDIT_SERVICE_H_
#define CTG_SERVICES_AUDIT_API_AUDIT_SERVICE_H_

#include <cstddef>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "eventstore/event_store.h"
#include "services/platform/streams.h"

namespace ctg::audit_api {

class AuditServiceImpl final : public v1::AuditService::CallbackService {
 public:
  struct Options {
    int default_page_size = 100;  // ListEvents page size when the request sets none
    int max_page_size = 1000;     // larger requested page sizes are lowered to this
    // ListEvents examines at most this many stored events per page requested (10 × page size),
    // so that a call whose filters skip nearly everything still returns promptly with a token.
    int scan_factor = 10;
    // Live subscriptions at once (one thread each); more are RESOURCE_EXHAUSTED.
    int max_subscriptions = 64;
    // A subscription sends a Progress at least this often.
    absl::Duration progress_interval = absl::Seconds(5);
  };

  // `store` and `streams` (the categories of the log's streams) must outlive the service.
  AuditServiceImpl(eventstore::EventStore& store, const platform::StreamCatalog& streams)
      : AuditServiceImpl(store, streams, Options()) {}
  AuditServiceImpl(eventstore::EventStore& store, const platform::StreamCatalog& streams,
                   Options options);
  // Ends the subscriptions still live (as Shutdown) and waits for their threads.
  ~AuditServiceImpl() override;

  // Ends every live subscription with UNAVAILABLE "server shutting down" and makes new ones
  // fail the same way. Does not wait. Idempotent.
  void Shutdown();

  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* call,
                                       const v1::ListEventsRequest* request,
                                       v1::ListEventsResponse* response) override;
  grpc::ServerUnaryReactor* GetCheckpoint(grpc::CallbackServerContext* call,
                                          const v1::GetCheckpointRequest* request,
                                          v1::Checkpoint* response) override;
  grpc::ServerUnaryReactor* GetInclusionProof(grpc::CallbackServerContext* call,
                                              const v1::GetInclusionProofRequest* request,
                                              v1::InclusionProof* response) override;
  grpc::ServerUnaryReactor* GetConsistencyProof(grpc::CallbackServerContext* call,
                                                const v1::GetConsistencyProofRequest* request,
                                                v1::ConsistencyProof* response) override;
  grpc::ServerWriteReactor<v1::SubscribeEventsResponse>* SubscribeEvents(
      grpc::CallbackServerContext* call, const v1::SubscribeEventsRequest* request) override;

 private:
  class Subscriber;  // one live SubscribeEvents call, see audit_service.cc

  // Called by a Subscriber from its OnDone, just before it deletes itself.
  void Forget(Subscriber* subscriber);

  eventstore::EventStore& store_;
  const platform::StreamCatalog& streams_;
  const Options options_;

  absl::Mutex mu_;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<Subscriber*> subscribers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ctg::audit_api

#endif  // CTG_SERVICES_AUDIT_API_AUDIT_SERVICE_H_
