#include "services/server/auth.h"

#include <utility>

#include "absl/strings/match.h"

namespace ctg::server {

BearerAuthenticator::BearerAuthenticator(std::unique_ptr<platform::JwtVerifier> verifier,
                                         std::function<absl::Time()> clock)
    : verifier_(std::move(verifier)), clock_(std::move(clock)) {}

absl::StatusOr<platform::Principal> BearerAuthenticator::Authenticate(
    absl::string_view header) const {
  if (header.empty()) {
    return absl::UnauthenticatedError(
        "missing bearer token: send 'authorization: Bearer <JWT>' metadata");
  }
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(header, kBearer)) {
    return absl::UnauthenticatedError("the authorization metadata must be 'Bearer <JWT>'");
  }
  return verifier_->Verify(header.substr(kBearer.size()), clock_());
}

}  // namespace ctg::server
