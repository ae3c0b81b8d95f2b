// A stand-in for ctgd in the client tests: the AuditService over a log of fake leaves with real
// RFC 6962 proofs and real Ed25519-signed checkpoints (ctg_tlog's own functions), and the
// Partners and Plans services over fixtures of fictional organisations. Knobs let a test make
// the server lie (rewrite or truncate its log, rotate its key, tamper with a proof) to check
// that the client notices. Served on 127.0.0.1:0 with LocalServerCredentials(LOCAL_TCP), the
// credentials of ctgd --dev, and in-process.
//
// Thread safety: the services lock `FakeCtgd::mu`; tests change knobs between calls.
#ifndef CTG_TESTS_CLIENTS_FAKE_CTGD_H_
#define CTG_TESTS_CLIENTS_FAKE_CTGD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/partners.grpc.pb.h"
#include "ctg/v1/plans.grpc.pb.h"
#include "eventstore/tlog/checkpoint.h"
#include "eventstore/tlog/merkle.h"
#include "grpcpp/server.h"

namespace ctg::testing {

inline constexpr char kFakeOrigin[] = "ctg-platform/test-valmont";
inline constexpr char kGoodToken[] = "good-token";

// A log of leaves "event 0", "event 1"… whose tree, proofs and checkpoints are computed with
// ctg_tlog, exactly as the event store does.
class FakeLog {
 public:
  // A log signed by a fresh key named kFakeOrigin.
  FakeLog();

  uint64_t size() const { return leaf_hashes_.size(); }
  const tlog::SigningKey& key() const { return *key_; }
  const std::vector<tlog::Hash>& leaf_hashes() const { return leaf_hashes_; }

  // Appends `count` leaves.
  void Append(int count);
  // Appends these leaf hashes (e.g. those of FixtureEvents()).
  void AppendLeafHashes(const std::vector<tlog::Hash>& hashes);
  // Replaces leaf `position` (a rewritten history).
  void Rewrite(uint64_t position);
  // Drops leaves beyond `size`.
  void Truncate(uint64_t size);
  // Signs with another fresh key of the same name from now on (a rotation, or a forger).
  void RotateKey();

  // The root of the first `size` leaves and the perfect node function over them.
  tlog::Hash Root(uint64_t size) const;
  std::vector<tlog::Hash> Inclusion(uint64_t position, uint64_t size) const;
  std::vector<tlog::Hash> Consistency(uint64_t old_size, uint64_t new_size) const;
  // The checkpoint of the first `size` leaves, signed at a time that grows with each call.
  std::string SignedNote(uint64_t size);
  tlog::Checkpoint CheckpointAt(uint64_t size);

 private:
  absl::StatusOr<tlog::Hash> Node(uint64_t size, int level, uint64_t index) const;

  std::unique_ptr<tlog::SigningKey> key_;
  std::vector<tlog::Hash> leaf_hashes_;
  int rewrites_ = 0;
  int64_t clock_ = 0;
};

// The server's behaviour, which a test may change between calls.
struct FakeCtgd {
  std::mutex mu;
  FakeLog log;
  // Hooks that tamper with a response before it is sent.
  std::function<void(ctg::v1::Checkpoint*)> tamper_checkpoint;
  std::function<void(ctg::v1::ConsistencyProof*)> tamper_consistency;
  std::function<void(ctg::v1::InclusionProof*)> tamper_inclusion;
  // How many calls of each audit method were served.
  int get_checkpoint_calls = 0, consistency_calls = 0, inclusion_calls = 0;
  // The last inclusion request.
  ctg::v1::GetInclusionProofRequest last_inclusion_request;
  // Require `authorization: Bearer kGoodToken` on every call.
  bool require_token = false;
  // The events ListEvents returns (any source), two per page.
  std::vector<ctg::v1::AuditEvent> events;
};

// Fixtures: fictional organisations and a CTG.
std::vector<ctg::v1::Organisation> FixtureOrganisations();
ctg::v1::Ctg FixtureCtg();
// Events at positions 0, 1, 2 as ctgd renders them, with the leaf hashes the event store
// computes for them (eventstore::EncodeLeaf): FakeLog::AppendLeafHashes(FixtureLeafHashes())
// makes a log that proves them.
std::vector<ctg::v1::AuditEvent> FixtureEvents();
std::vector<tlog::Hash> FixtureLeafHashes();

// The three services of FakeCtgd, served on loopback and in-process.
class FakeServer {
 public:
  explicit FakeServer(FakeCtgd* state);
  ~FakeServer();

  // `127.0.0.1:{port}`.
  std::string address() const { return address_; }
  std::shared_ptr<grpc::Channel> InProcessChannel();

 private:
  std::unique_ptr<grpc::Service> audit_, partners_, plans_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace ctg::testing

#endif  // CTG_TESTS_CLIENTS_FAKE_CTGD_H_
