// Who is calling and under which request id: what every handler reads from its call.
#ifndef CTG_SERVICES_API_CALL_CONTEXT_H_
#define CTG_SERVICES_API_CALL_CONTEXT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/platform/command.h"
#include "services/platform/principal.h"

namespace google::protobuf {
class Message;
}

namespace grpc {
class ServerContextBase;
}

namespace ctg::api {

// What ctgd's call interceptor learned of a call before its handler runs: its id and who
// makes it (the bearer token, verified once per call). Kept per call, never per connection:
// gRPC's AuthContext is shared by every call of a connection (grpc/grpc#28809), so it cannot
// carry a per-token principal.
struct CallIdentity {
  std::string id;
  // The verified principal; UNAUTHENTICATED with the reason if the token was missing or bad.
  absl::StatusOr<platform::Principal> principal;
};
void RememberCall(const grpc::ServerContextBase* context, CallIdentity identity);
void ForgetCall(const grpc::ServerContextBase* context);

// The call's authenticated principal; UNAUTHENTICATED (with the reason) if the call carried
// no bearer token or a bad one.
absl::StatusOr<platform::Principal> PrincipalOf(const grpc::ServerContextBase& context);

// The call's id, for logs and as the correlation id of the events it causes: the client's
// `x-request-id` metadata if it is a sensible token (1..128 printable ASCII), else one the
// interceptor generated.
std::string CallIdOf(const grpc::ServerContextBase& context);
// The id a call gets from its metadata: the client's x-request-id if sensible, else a new one.
std::string NewCallId(absl::string_view client_request_id);

// The context of a command run by `principal` under `role` in `call`, for `request` (whose
// RequestFingerprint is kept when `request_id` is set).
platform::CommandContext MakeCommandContext(const grpc::ServerContextBase& call,
                                            platform::Principal principal, platform::Role role,
                                            absl::string_view method,
                                            const google::protobuf::Message& request,
                                            std::string request_id, absl::Time now);

}  // namespace ctg::api

#endif  // CTG_SERVICES_API_CALL_CONTEXT_H_
