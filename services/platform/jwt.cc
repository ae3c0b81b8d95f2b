#include "services/platform/jwt.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "eventstore/base/openssl_ptr.h"
#include "eventstore/base/status_macros.h"
#include "nlohmann/json.hpp"

namespace ctg::platform {
namespace {

using Json = nlohmann::json;

constexpr size_t kEs256SignatureBytes = 64;  // r || s, 32 bytes each (RFC 7518 §3.4)

absl::Status Unauthenticated(absl::string_view what) {
  return absl::UnauthenticatedError(absl::StrCat("invalid bearer token: ", what));
}

bool IsEs256Key(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
  char group[64] = {0};
  size_t length = 0;
  return EVP_PKEY_get_group_name(key, group, sizeof(group), &length) == 1 &&
         absl::string_view(group, length) == "prime256v1";
}

bool IsRs256Key(EVP_PKEY* key) {
  return EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA && EVP_PKEY_get_bits(key) >= 2048;
}

// Decodes unpadded base64url (RFC 7515 §2); fails on anything else.
bool DecodeBase64Url(absl::string_view text, std::string* out) {
  if (text.find('=') != absl::string_view::npos) return false;
  return absl::WebSafeBase64Unescape(text, out);
}

std::string EncodeBase64Url(absl::string_view bytes) {
  std::string out;
  absl::WebSafeBase64Escape(bytes, &out);  // unpadded
  return out;
}

// A JSON object from base64url text, or nothing.
std::optional<Json> DecodeJsonObject(absl::string_view base64url) {
  std::string text;
  if (!DecodeBase64Url(base64url, &text)) return std::nullopt;
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  return json;
}

// RFC 7518 §3.4: a JWS ES256 signature is r || s; OpenSSL verifies DER.
std::optional<std::string> RawEcdsaToDer(absl::string_view raw) {
  if (raw.size() != kEs256SignatureBytes) return std::nullopt;
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

std::optional<std::string> DerEcdsaToRaw(absl::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (sig == nullptr) return std::nullopt;
  std::string raw(kEs256SignatureBytes, '\0');
  unsigned char* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + 32, 32) != 32) {
    return std::nullopt;
  }
  return raw;
}

bool VerifySha256(EVP_PKEY* key, absl::string_view message, absl::string_view signature) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  return ctx != nullptr &&
         EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

absl::StatusOr<std::string> SignSha256(EVP_PKEY* key, absl::string_view message) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t length = 0;
  if (ctx == nullptr || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    return absl::InternalError("OpenSSL could not start a signature");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    return absl::InternalError("OpenSSL could not sign");
  }
  signature.resize(length);
  return signature;
}

// The time claim `name` in seconds since the epoch, if present and numeric.
std::optional<absl::Time> TimeClaim(const Json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  return absl::FromUnixSeconds(static_cast<int64_t>(it->get<double>()));
}

}  // namespace

struct JwtVerifier::Key {
  std::string key_id;
  PkeyPtr pkey;
  bool es256 = false;  // otherwise RS256
};

JwtVerifier::JwtVerifier(JwtVerifierOptions options, std::vector<Key> keys)
    : options_(std::move(options)), keys_(std::move(keys)) {}

JwtVerifier::~JwtVerifier() = default;

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(
    JwtVerifierOptions options, const std::vector<JwtPublicKey>& keys) {
  if (options.issuer.empty()) return absl::InvalidArgumentError("JWT issuer is empty");
  if (options.audience.empty()) return absl::InvalidArgumentError("JWT audience is empty");
  if (keys.empty()) return absl::InvalidArgumentError("no JWT public key configured");
  std::vector<Key> parsed;
  for (size_t i = 0; i < keys.size(); ++i) {
    BioPtr bio(BIO_new_mem_buf(keys[i].pem.data(), static_cast<int>(keys[i].pem.size())));
    PkeyPtr pkey(bio == nullptr ? nullptr
                                : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    const std::string which = absl::StrCat("JWT public key ", i, " (kid '", keys[i].key_id, "')");
    if (pkey == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(which, " is not a PEM public key"));
    }
    Key key{keys[i].key_id, std::move(pkey), false};
    key.es256 = IsEs256Key(key.pkey.get());
    if (!key.es256 && !IsRs256Key(key.pkey.get())) {
      return absl::InvalidArgumentError(
          absl::StrCat(which, " is neither an EC P-256 nor an RSA (>= 2048 bits) key"));
    }
    parsed.push_back(std::move(key));
  }
  return std::unique_ptr<JwtVerifier>(new JwtVerifier(std::move(options), std::move(parsed)));
}

absl::StatusOr<Principal> JwtVerifier::Verify(absl::string_view token, absl::Time now) const {
  if (token.empty()) return Unauthenticated("empty");
  if (token.size() > options_.max_token_bytes) {
    return Unauthenticated(absl::StrCat("longer than ", options_.max_token_bytes, " bytes"));
  }
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty()) {
    return Unauthenticated("not a compact JWS (header.payload.signature)");
  }
  std::optional<Json> header = DecodeJsonObject(parts[0]);
  if (!header.has_value()) return Unauthenticated("the header is not base64url JSON");
  auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string()) return Unauthenticated("no \"alg\" header");
  const std::string algorithm = alg->get<std::string>();
  if (algorithm != "ES256" && algorithm != "RS256") {
    return Unauthenticated(absl::StrCat("algorithm \"", algorithm, "\" is not accepted"));
  }
  if (header->contains("crit")) return Unauthenticated("critical header extensions");
  const bool es256 = algorithm == "ES256";
  std::string kid;
  if (auto it = header->find("kid"); it != header->end()) {
    if (!it->is_string()) return Unauthenticated("\"kid\" is not a string");
    kid = it->get<std::string>();
  }

  std::string signature;
  if (!DecodeBase64Url(parts[2], &signature)) {
    return Unauthenticated("the signature is not base64url");
  }
  if (es256) {
    std::optional<std::string> der = RawEcdsaToDer(signature);
    if (!der.has_value()) return Unauthenticated("an ES256 signature is 64 bytes");
    signature = *std::move(der);
  }
  const absl::string_view signing_input(token.data(), parts[0].size() + 1 + parts[1].size());
  bool candidate = false;
  bool verified = false;
  for (const Key& key : keys_) {
    if (key.key_id != kid || key.es256 != es256) continue;
    candidate = true;
    if (VerifySha256(key.pkey.get(), signing_input, signature)) {
      verified = true;
      break;
    }
  }
  if (!candidate) {
    return Unauthenticated(absl::StrCat("no ", algorithm, " key has id \"", kid, "\""));
  }
  if (!verified) return Unauthenticated("the signature does not verify");

  std::optional<Json> claims = DecodeJsonObject(parts[1]);
  if (!claims.has_value()) return Unauthenticated("the payload is not base64url JSON");
  auto iss = claims->find("iss");
  if (iss == claims->end() || !iss->is_string() || *iss != options_.issuer) {
    return Unauthenticated("wrong or missing issuer (\"iss\")");
  }
  auto aud = claims->find("aud");
  const bool audience_ok =
      aud != claims->end() &&
      ((aud->is_string() && *aud == options_.audience) ||
       (aud->is_array() && std::any_of(aud->begin(), aud->end(), [&](const Json& a) {
          return a.is_string() && a == options_.audience;
        })));
  if (!audience_ok) return Unauthenticated("wrong or missing audience (\"aud\")");
  std::optional<absl::Time> exp = TimeClaim(*claims, "exp");
  if (!exp.has_value()) return Unauthenticated("no expiry (\"exp\")");
  if (now >= *exp + options_.leeway) return Unauthenticated("expired");
  if (std::optional<absl::Time> nbf = TimeClaim(*claims, "nbf");
      nbf.has_value() && now + options_.leeway < *nbf) {
    return Unauthenticated("not valid yet (\"nbf\")");
  }

  Principal principal;
  auto sub = claims->find("sub");
  if (sub == claims->end() || !sub->is_string() || sub->get<std::string>().empty()) {
    return Unauthenticated("no subject (\"sub\")");
  }
  principal.subject = sub->get<std::string>();
  auto org = claims->find(options_.organisation_claim);
  if (org == claims->end() || !org->is_string() || org->get<std::string>().empty()) {
    return Unauthenticated(absl::StrCat("no organisation (\"", options_.organisation_claim, "\")"));
  }
  principal.organisation = org->get<std::string>();
  auto roles = claims->find(options_.roles_claim);
  if (roles == claims->end() || !roles->is_array()) {
    return Unauthenticated(absl::StrCat("no roles array (\"", options_.roles_claim, "\")"));
  }
  for (const Json& name : *roles) {
    if (!name.is_string()) continue;
    std::optional<Role> role = ParseRole(name.get<std::string>());
    if (role.has_value() && !principal.HasRole(*role)) principal.roles.push_back(*role);
  }
  if (principal.roles.empty()) return Unauthenticated("it grants no ctg-platform role");
  return principal;
}

JwtSigner::JwtSigner(Algorithm algorithm, std::string key_id, void* pkey)
    : algorithm_(algorithm), key_id_(std::move(key_id)), pkey_(pkey) {}

JwtSigner::~JwtSigner() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

absl::StatusOr<std::unique_ptr<JwtSigner>> JwtSigner::Generate(Algorithm algorithm,
                                                               std::string key_id) {
  EVP_PKEY* pkey = algorithm == Algorithm::kES256
                       ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                       : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  if (pkey == nullptr) return absl::InternalError("OpenSSL could not generate a key");
  return std::unique_ptr<JwtSigner>(new JwtSigner(algorithm, std::move(key_id), pkey));
}

absl::StatusOr<std::unique_ptr<JwtSigner>> JwtSigner::FromPrivateKeyPem(
    Algorithm algorithm, std::string key_id, absl::string_view private_key_pem) {
  BioPtr bio(BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())));
  EVP_PKEY* pkey =
      bio == nullptr ? nullptr : PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (pkey == nullptr) return absl::InvalidArgumentError("the private key PEM does not parse");
  if (algorithm == Algorithm::kES256 ? !IsEs256Key(pkey) : !IsRs256Key(pkey)) {
    EVP_PKEY_free(pkey);
    return absl::InvalidArgumentError(absl::StrCat(
        "the private key is not ", algorithm == Algorithm::kES256 ? "a P-256" : "an RSA", " key"));
  }
  return std::unique_ptr<JwtSigner>(new JwtSigner(algorithm, std::move(key_id), pkey));
}

std::string JwtSigner::private_key_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  std::string pem;
  if (bio != nullptr && PEM_write_bio_PrivateKey(bio.get(), static_cast<EVP_PKEY*>(pkey_), nullptr,
                                                 nullptr, 0, nullptr, nullptr) == 1) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    pem.assign(data, static_cast<size_t>(length));
  }
  return pem;
}

JwtPublicKey JwtSigner::public_key() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  JwtPublicKey key{key_id_, ""};
  if (bio != nullptr && PEM_write_bio_PUBKEY(bio.get(), static_cast<EVP_PKEY*>(pkey_)) == 1) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    key.pem.assign(data, static_cast<size_t>(length));
  }
  return key;
}

absl::StatusOr<std::string> JwtSigner::Sign(absl::string_view claims_json) const {
  Json claims = Json::parse(claims_json.begin(), claims_json.end(), nullptr, false);
  if (claims.is_discarded() || !claims.is_object()) {
    return absl::InvalidArgumentError("claims are not a JSON object");
  }
  Json header = {{"alg", algorithm_ == Algorithm::kES256 ? "ES256" : "RS256"}, {"typ", "JWT"}};
  if (!key_id_.empty()) header["kid"] = key_id_;
  const std::string signing_input =
      absl::StrCat(EncodeBase64Url(header.dump()), ".", EncodeBase64Url(claims.dump()));
  ASSIGN_OR_RETURN(std::string signature, SignSha256(static_cast<EVP_PKEY*>(pkey_), signing_input));
  if (algorithm_ == Algorithm::kES256) {
    std::optional<std::string> raw = DerEcdsaToRaw(signature);
    if (!raw.has_value()) return absl::InternalError("OpenSSL returned a malformed signature");
    signature = *std::move(raw);
  }
  return absl::StrCat(signing_input, ".", EncodeBase64Url(signature));
}

absl::StatusOr<std::string> JwtSigner::Mint(const Principal& principal, absl::string_view issuer,
                                            absl::string_view audience, absl::Time now,
                                            absl::Duration ttl) const {
  Json roles = Json::array();
  for (Role role : principal.roles) roles.push_back(std::string(RoleName(role)));
  const int64_t issued = absl::ToUnixSeconds(now);
  const Json claims = {{"iss", std::string(issuer)},
                       {"aud", std::string(audience)},
                       {"sub", principal.subject},
                       {"org", principal.organisation},
                       {"roles", roles},
                       {"iat", issued},
                       {"nbf", issued},
                       {"exp", absl::ToUnixSeconds(now + ttl)}};
  return Sign(claims.dump());
}

}  // namespace ctg::platform
