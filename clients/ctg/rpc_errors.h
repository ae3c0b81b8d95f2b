// The one place where a failed call (grpc::Status) becomes something a person understands.
//
// ctgd returns AIP-193 errors: a code, a message, and a google.rpc.Status in the
// `grpc-status-details-bin` trailer (grpc::Status::error_details()) carrying ErrorInfo (a
// reason code such as DELIBERATION_REQUIRED), BadRequest (each bad field), PreconditionFailure,
// RequestInfo (the request id to quote to an operator)… Each code gets a sentence that says
// what happened and what to do; the details are listed under it.
//
// Thread safety: every function is thread-safe.
#ifndef CTG_CLIENTS_CTG_RPC_ERRORS_H_
#define CTG_CLIENTS_CTG_RPC_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "clients/ctg/connection.h"
#include "grpcpp/support/status.h"

namespace ctg::cli {

// The sentence(s) describing a failed call, without a trailing newline, e.g.
//   cannot reach ctgd at 127.0.0.1:7443: is it running? (failed to connect …)
//   the server rejected the request:
//     - ctg.start_date: must be before end_date
// `status` must not be OK. Details that cannot be decoded are ignored.
std::string DescribeRpcError(const grpc::Status& status, const CallSettings& settings);

// A call that may have been carried out although no answer came back (a write to retry
// only with its request id).
bool OutcomeUnknown(grpc::StatusCode code);

// The failed call as an absl::Status: the same code, DescribeRpcError as the message.
absl::Status RpcError(const grpc::Status& status, const CallSettings& settings);

// The name of a gRPC code, e.g. "FAILED_PRECONDITION".
std::string GrpcCodeName(grpc::StatusCode code);

}  // namespace ctg::cli

#endif  // CTG_CLIENTS_CTG_RPC_ERRORS_H_
