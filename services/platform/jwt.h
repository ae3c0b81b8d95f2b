// Bearer JSON Web Tokens (RFC 7519) signed with ES256 or RS256 (RFC 7518 §3.3–3.4):
// verification against configured public keys, and minting (for `ctgd --dev` and tests).
//
// A token maps to a Principal: "sub" is the subject, the organisation claim ("org") a SIREN
// or Caf code, the roles claim ("roles") an array of role names (principal.h). Roles that are
// not platform roles are ignored (an identity provider serves other applications too); a
// token with no platform role is refused. Only ES256 and RS256 are accepted: "none", HMAC
// and any algorithm that does not match the selected key are refused.
//
// Thread safety: JwtVerifier and JwtSigner are immutable after creation and thread-safe.
#ifndef CTG_SERVICES_PLATFORM_JWT_H_
#define CTG_SERVICES_PLATFORM_JWT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/platform/principal.h"

namespace ctg::platform {

// A public key that may sign tokens: an EC P-256 key (ES256) or an RSA key of at least
// 2048 bits (RS256), as PEM (SubjectPublicKeyInfo). `key_id` matches the token's "kid"
// header; a key without id is tried for tokens without "kid".
struct JwtPublicKey {
  std::string key_id;
  std::string pem;
};

struct JwtVerifierOptions {
  std::string issuer;                         // required value of "iss"
  std::string audience;                       // must be "aud" or one of its elements
  absl::Duration leeway = absl::Seconds(60);  // clock skew tolerated on "exp" and "nbf"
  std::string organisation_claim = "org";
  std::string roles_claim = "roles";
  size_t max_token_bytes = 8192;
};

class JwtVerifier {
 public:
  // INVALID_ARGUMENT if the issuer or audience is empty, no key is given, or a key is not a
  // P-256 or RSA (>= 2048 bits) public key.
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(JwtVerifierOptions options,
                                                             const std::vector<JwtPublicKey>& keys);
  ~JwtVerifier();
  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  // Verifies a compact JWS ("header.payload.signature") at time `now` and returns its
  // principal. Any failure is UNAUTHENTICATED with what was wrong (never the token itself).
  absl::StatusOr<Principal> Verify(absl::string_view token, absl::Time now) const;

 private:
  struct Key;
  JwtVerifier(JwtVerifierOptions options, std::vector<Key> keys);
  JwtVerifierOptions options_;
  std::vector<Key> keys_;
};

// Signs tokens with a private key of its own (ES256 with P-256, or RS256 with RSA-2048).
class JwtSigner {
 public:
  enum class Algorithm { kES256, kRS256 };

  // A fresh random key.
  static absl::StatusOr<std::unique_ptr<JwtSigner>> Generate(Algorithm algorithm,
                                                             std::string key_id);
  // The key of `private_key_pem` (PKCS#8 PEM, as private_key_pem() writes it). INVALID_ARGUMENT
  // if it does not parse or is not a key of `algorithm`.
  static absl::StatusOr<std::unique_ptr<JwtSigner>> FromPrivateKeyPem(
      Algorithm algorithm, std::string key_id, absl::string_view private_key_pem);
  ~JwtSigner();
  JwtSigner(const JwtSigner&) = delete;
  JwtSigner& operator=(const JwtSigner&) = delete;

  // The public half, for JwtVerifier.
  JwtPublicKey public_key() const;
  // The private key as unencrypted PKCS#8 PEM, to keep it (in a 0600 file) and load it again.
  std::string private_key_pem() const;

  // Signs the JSON object `claims_json` with the header {"alg", "typ": "JWT", "kid"}.
  absl::StatusOr<std::string> Sign(absl::string_view claims_json) const;

  // A token for `principal`, issued at `now` and valid for `ttl`.
  absl::StatusOr<std::string> Mint(const Principal& principal, absl::string_view issuer,
                                   absl::string_view audience, absl::Time now,
                                   absl::Duration ttl) const;

 private:
  JwtSigner(Algorithm algorithm, std::string key_id, void* pkey);
  Algorithm algorithm_;
  std::string key_id_;
  void* pkey_;  // EVP_PKEY*, opaque so that callers need no OpenSSL header
};

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_JWT_H_
