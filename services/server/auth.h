// Bearer-token authentication: verifies the `authorization: Bearer <JWT>` metadata of a call.
//
// ctgd's call interceptor runs it once per call, before the handler, and records the outcome
// for that call only (services/api/call_context.h). It is deliberately not a
// grpc::AuthMetadataProcessor: the properties such a processor adds live on the connection's
// AuthContext and would leak from one call's token to the next calls of the same connection
// (grpc/grpc#28809), which the authorization matrix test caught.
#ifndef CTG_SERVICES_SERVER_AUTH_H_
#define CTG_SERVICES_SERVER_AUTH_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/platform/jwt.h"
#include "services/platform/principal.h"

namespace ctg::server {

class BearerAuthenticator {
 public:
  explicit BearerAuthenticator(std::unique_ptr<platform::JwtVerifier> verifier,
                               std::function<absl::Time()> clock = absl::Now);

  // The principal of a call whose `authorization` metadata is `header` (empty if absent).
  // UNAUTHENTICATED with the reason if it is absent, not a bearer token, or does not verify.
  absl::StatusOr<platform::Principal> Authenticate(absl::string_view header) const;

 private:
  std::unique_ptr<platform::JwtVerifier> verifier_;
  std::function<absl::Time()> clock_;
};

}  // namespace ctg::server

#endif  // CTG_SERVICES_SERVER_AUTH_H_
