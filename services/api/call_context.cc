#include "services/api/call_context.h"

#include <grpcpp/server_context.h>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "eventstore/types.h"

namespace ctg::api {
namespace {

absl::Mutex calls_mu(absl::kConstInit);
absl::flat_hash_map<const grpc::ServerContextBase*, CallIdentity>& Calls()
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(calls_mu) {
  static auto* calls = new absl::flat_hash_map<const grpc::ServerContextBase*, CallIdentity>();
  return *calls;
}

bool IsSensibleId(absl::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

void RememberCall(const grpc::ServerContextBase* context, CallIdentity identity) {
  absl::MutexLock lock(&calls_mu);
  Calls().insert_or_assign(context, std::move(identity));
}

void ForgetCall(const grpc::ServerContextBase* context) {
  absl::MutexLock lock(&calls_mu);
  Calls().erase(context);
}

absl::StatusOr<platform::Principal> PrincipalOf(const grpc::ServerContextBase& context) {
  absl::MutexLock lock(&calls_mu);
  auto it = Calls().find(&context);
  if (it == Calls().end()) {
    return absl::UnauthenticatedError(
        "missing bearer token: send 'authorization: Bearer <JWT>' metadata");
  }
  return it->second.principal;
}

std::string NewCallId(absl::string_view client_request_id) {
  if (IsSensibleId(client_request_id)) return std::string(client_request_id);
  return eventstore::EventIdToString(eventstore::NewEventId());
}

std::string CallIdOf(const grpc::ServerContextBase& context) {
  {
    absl::MutexLock lock(&calls_mu);
    if (auto it = Calls().find(&context); it != Calls().end()) return it->second.id;
  }
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("x-request-id");
  return NewCallId(it == metadata.end() ? absl::string_view()
                                        : absl::string_view(it->second.data(), it->second.size()));
}

platform::CommandContext MakeCommandContext(const grpc::ServerContextBase& call,
                                            platform::Principal principal, platform::Role role,
                                            absl::string_view method,
                                            const google::protobuf::Message& request,
                                            std::string request_id, absl::Time now) {
  platform::CommandContext context;
  context.principal = std::move(principal);
  context.role = role;
  context.now = absl::FromUnixMicros(absl::ToUnixMicros(now));  // as stored in metadata
  context.request_id = std::move(request_id);
  if (!context.request_id.empty()) {
    context.request_fingerprint = platform::RequestFingerprint(method, request);
  }
  context.correlation_id = CallIdOf(call);
  context.causation_id = context.correlation_id;  // a command is caused by its call
  context.method = std::string(method);
  return context;
}

}  // namespace ctg::api
