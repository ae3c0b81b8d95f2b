// The one place where absl::Status becomes grpc::Status (AIP-193).
#ifndef CTG_SERVICES_API_STATUS_H_
#define CTG_SERVICES_API_STATUS_H_

#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace ctg::api {

// The code and message of `status`, and a google.rpc.Status in the details (the
// `grpc-status-details-bin` trailer) carrying every google.rpc payload of `status`
// (ErrorInfo, BadRequest… see services/platform/errors.h). An error without an ErrorInfo
// gets one whose reason is the code's name, so clients can always switch on a reason.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Finishes a unary call with `status` and returns its reactor, for one-line early returns:
//   if (!principal.ok()) return Fail(reactor, principal.status());
grpc::ServerUnaryReactor* Fail(grpc::ServerUnaryReactor* reactor, const absl::Status& status);

}  // namespace ctg::api

#endif  // CTG_SERVICES_API_STATUS_H_
