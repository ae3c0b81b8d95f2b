// The subcommands of `ctg`, as functions over a gRPC stub and plain argument structs, so that
// they run the same against a real ctgd, an in-process server or a test double.
//
// Each writes its result to Output::out: an aligned table or labelled fields for a person, or
// with Output::json exactly one proto3 JSON object on one line. Hints (more pages, a key
// pinned on first use) go to Output::err. A failure is returned, not printed: a failed call
// as RpcError made it, a failed check as verification.h describes; the caller prints it and
// exits with 1. Arguments are already validated (cli.h does it and exits with 2).
//
// Thread safety: a command uses its stub, its TrustStore and its streams only.
#ifndef CTG_CLIENTS_CTG_COMMANDS_H_
#define CTG_CLIENTS_CTG_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "clients/ctg/connection.h"
#include "clients/ctg/trust_store.h"
#include "clients/ctg/verification.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/partners.grpc.pb.h"
#include "ctg/v1/plans.grpc.pb.h"
#include "eventstore/tlog/merkle.h"

namespace ctg::cli {

// Where a command writes.
struct Output {
  std::ostream* out = nullptr;  // the result
  std::ostream* err = nullptr;  // hints and warnings for a person
  bool json = false;            // one JSON object instead of a table
};

// `ctg orgs list`.
struct OrgsListArgs {
  ctg::v1::OrganisationType type = ctg::v1::ORGANISATION_TYPE_UNSPECIFIED;  // any if unspecified
  std::string epci;        // `organisations/{siren}`, or empty
  int32_t page_size = 0;   // 0: the server's default
  std::string page_token;  // where to resume
  bool all = false;        // follow next_page_token to the end
};
absl::Status RunOrgsList(ctg::v1::PartnersService::StubInterface& partners,
                         const CallSettings& call, const OrgsListArgs& args, Output& output);

// `ctg orgs show SIREN`; `name` is `organisations/{siren}`.
absl::Status RunOrgsShow(ctg::v1::PartnersService::StubInterface& partners,
                         const CallSettings& call, const std::string& name, Output& output);

// `ctg ctgs list`.
struct CtgsListArgs {
  ctg::v1::CtgState state = ctg::v1::CTG_STATE_UNSPECIFIED;  // any if unspecified
  std::string signatory;                                     // `organisations/{siren}`, or empty
  int32_t page_size = 0;
  std::string page_token;
  bool all = false;
};
absl::Status RunCtgsList(ctg::v1::PlansService::StubInterface& plans, const CallSettings& call,
                         const CtgsListArgs& args, Output& output);

// `ctg ctgs show ID`; `name` is `ctgs/{id}`. Shows the signatories, their deliberations and
// signatures, and the rule warnings.
absl::Status RunCtgsShow(ctg::v1::PlansService::StubInterface& plans, const CallSettings& call,
                         const std::string& name, Output& output);

// `ctg history`.
struct HistoryArgs {
  std::string stream;  // exactly one of stream and tag
  std::string tag;
  std::optional<absl::Time> since;  // recorded at or after
  std::optional<absl::Time> until;  // recorded before
  std::vector<std::string> types;   // full type names
  int32_t page_size = 0;
  std::string page_token;
  bool all = false;
  // Prove every listed event (VerifyEvent: its recomputed leaf is in the log at its position,
  // against the kept checkpoint); the first that fails fails the command.
  bool verify = false;
};
absl::Status RunHistory(ctg::v1::AuditService::StubInterface& audit, const CallSettings& call,
                        const HistoryArgs& args, const TrustOptions& trust, TrustStore& store,
                        Output& output);

// `ctg checkpoint` (show_proof false) and `ctg verify --consistency` (show_proof true):
// UpdateCheckpoint, then what was verified.
absl::Status RunCheckpoint(ctg::v1::AuditService::StubInterface& audit, const CallSettings& call,
                           const TrustOptions& trust, TrustStore& store, bool show_proof,
                           Output& output);

// `ctg verify --position N [--leaf_hash HEX]`: VerifyEventInclusion, and if `expected_leaf`
// is set, that the proved leaf is that one (DATA_LOSS otherwise).
absl::Status RunVerifyPosition(ctg::v1::AuditService::StubInterface& audit,
                               const CallSettings& call, const TrustOptions& trust,
                               TrustStore& store, uint64_t position,
                               const std::optional<tlog::Hash>& expected_leaf, Output& output);

}  // namespace ctg::cli

#endif  // CTG_CLIENTS_CTG_COMMANDS_H_
