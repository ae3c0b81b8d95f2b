// The log's background verification: ctgd runs EventStore::Verify (every event against the
// tree, the indexes, the files' checksums) on a thread of its own once it serves, then every
// interval, and reports each outcome: a JSON log line, the ctg_store_verify_* metrics, and
// the health status (through `on_outcome`).
#ifndef CTG_SERVICES_SERVER_LOG_VERIFIER_H_
#define CTG_SERVICES_SERVER_LOG_VERIFIER_H_

#include <functional>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "eventstore/event_store.h"

namespace ctg::server {

class LogVerifier {
 public:
  // Called after each verification: its report, or the error that stopped it (I/O).
  using OutcomeFn = std::function<void(const absl::StatusOr<eventstore::VerifyReport>&)>;

  // `store` must outlive the verifier.
  LogVerifier(eventstore::EventStore& store, absl::Duration interval, OutcomeFn on_outcome);
  ~LogVerifier();  // Stop()s
  LogVerifier(const LogVerifier&) = delete;
  LogVerifier& operator=(const LogVerifier&) = delete;

  // Verifies now, then every `interval`, on a thread of its own until Stop().
  void Start();
  // Returns once the thread ended; a verification under way is waited for.
  void Stop();

 private:
  void VerifyOnce();

  eventstore::EventStore& store_;
  const absl::Duration interval_;
  const OutcomeFn on_outcome_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace ctg::server

#endif  // CTG_SERVICES_SERVER_LOG_VERIFIER_H_
