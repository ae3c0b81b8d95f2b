// Bearer JWT verification with real ES256 and RS256 signatures (OpenSSL keys made per run).
#include "services/platform/jwt.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::platform {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kIssuer[] = "https://idp.caf-valmont.example";
constexpr char kAudience[] = "ctg-platform";
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

std::string B64(absl::string_view bytes) {
  std::string out;
  absl::WebSafeBase64Escape(bytes, &out);
  return out;
}

// Claims valid at kNow, as JSON, after `changes`: each (name, raw JSON value) replaces or
// adds a member; an empty value removes it.
std::string ClaimsWith(const std::vector<std::pair<std::string, std::string>>& changes = {}) {
  std::vector<std::pair<std::string, std::string>> members = {
      {"iss", absl::StrCat("\"", kIssuer, "\"")},
      {"aud", absl::StrCat("\"", kAudience, "\"")},
      {"sub", "\"cdt-0042\""},
      {"org", "\"caf-999\""},
      {"roles", R"(["caf_cdt"])"},
      {"exp", absl::StrCat(absl::ToUnixSeconds(kNow) + 600)}};
  for (const auto& [name, value] : changes) {
    auto it = std::find_if(members.begin(), members.end(),
                           [&](const auto& member) { return member.first == name; });
    if (it == members.end()) {
      members.emplace_back(name, value);
    } else {
      it->second = value;
    }
  }
  std::vector<std::string> json;
  for (const auto& [name, value] : members) {
    if (!value.empty()) json.push_back(absl::StrCat("\"", name, "\":", value));
  }
  return absl::StrCat("{", absl::StrJoin(json, ","), "}");
}

class JwtTest : public ::testing::Test {
 public:
  // Keys shared by the suite (RSA generation is slow); the rejection cases sign with them.
  static JwtSigner* es_;
  static JwtSigner* rs_;
  static JwtSigner* stranger_;  // another ES256 key that claims es_'s key id

 protected:
  static void SetUpTestSuite() {
    es_ = JwtSigner::Generate(JwtSigner::Algorithm::kES256, "es-1")->release();
    rs_ = JwtSigner::Generate(JwtSigner::Algorithm::kRS256, "rs-1")->release();
    stranger_ = JwtSigner::Generate(JwtSigner::Algorithm::kES256, "es-1")->release();
  }
  static void TearDownTestSuite() {
    delete es_;
    delete rs_;
    delete stranger_;
  }
  void SetUp() override {
    JwtVerifierOptions options;
    options.issuer = kIssuer;
    options.audience = kAudience;
    auto verifier = JwtVerifier::Create(options, {es_->public_key(), rs_->public_key()});
    ASSERT_OK(verifier);
    verifier_ = *std::move(verifier);
  }

  std::unique_ptr<JwtVerifier> verifier_;
};
JwtSigner* JwtTest::es_ = nullptr;
JwtSigner* JwtTest::rs_ = nullptr;
JwtSigner* JwtTest::stranger_ = nullptr;

TEST_F(JwtTest, AcceptsES256AndRS256Tokens) {
  for (JwtSigner* signer : {es_, rs_}) {
    ASSERT_OK_AND_ASSIGN(std::string token, signer->Sign(ClaimsWith()));
    ASSERT_OK_AND_ASSIGN(Principal principal, verifier_->Verify(token, kNow));
    EXPECT_EQ(principal.subject, "cdt-0042");
    EXPECT_EQ(principal.organisation, "caf-999");
    EXPECT_THAT(principal.roles, ElementsAre(Role::kCafCdt));
  }
}

TEST_F(JwtTest, MintedTokensRoundTrip) {
  const Principal principal{
      "agent-7", "200000001", {Role::kCollectiviteAdmin, Role::kChargeCooperation}};
  ASSERT_OK_AND_ASSIGN(std::string token,
                       es_->Mint(principal, kIssuer, kAudience, kNow, absl::Hours(1)));
  ASSERT_OK_AND_ASSIGN(Principal back, verifier_->Verify(token, kNow + absl::Minutes(59)));
  EXPECT_EQ(back.subject, principal.subject);
  EXPECT_EQ(back.organisation, principal.organisation);
  EXPECT_EQ(back.roles, principal.roles);
  EXPECT_THAT(verifier_->Verify(token, kNow + absl::Minutes(62)),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("expired")));
}

TEST_F(JwtTest, ToleratesClockSkewWithinTheLeeway) {
  ASSERT_OK_AND_ASSIGN(
      std::string token,
      es_->Sign(ClaimsWith({{"exp", absl::StrCat(absl::ToUnixSeconds(kNow) - 30)},
                            {"nbf", absl::StrCat(absl::ToUnixSeconds(kNow) + 30)}})));
  EXPECT_OK(verifier_->Verify(token, kNow));  // the default leeway is 60 s
}

TEST_F(JwtTest, AudienceArraysAndUnknownRoles) {
  const std::string claims =
      ClaimsWith({{"aud", absl::StrCat(R"(["other-app",")", kAudience, R"("])")},
                  {"roles", R"(["elu","admin-of-other-app","elu","partner"])"}});
  ASSERT_OK_AND_ASSIGN(std::string token, es_->Sign(claims));
  ASSERT_OK_AND_ASSIGN(Principal principal, verifier_->Verify(token, kNow));
  EXPECT_THAT(principal.roles, ElementsAre(Role::kElu, Role::kPartner));
}

// A token built by hand, for headers and signatures no signer would produce.
struct RejectedCase {
  std::string name;
  std::function<std::string()> token;
  std::string message;
};
// gtest prints a row by its name, not its bytes.
void PrintTo(const RejectedCase& row, std::ostream* os) { *os << row.name; }

class JwtRejectionTest : public JwtTest, public ::testing::WithParamInterface<RejectedCase> {};

TEST_P(JwtRejectionTest, IsUnauthenticatedWithTheReason) {
  EXPECT_THAT(verifier_->Verify(GetParam().token(), kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr(GetParam().message)));
}

std::string SignedBy(JwtSigner* signer, const std::string& claims) { return *signer->Sign(claims); }

std::string Replace(std::string token, size_t part, const std::string& value) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  parts[part] = value;
  return absl::StrJoin(parts, ".");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JwtRejectionTest,
    ::testing::Values(
        RejectedCase{"empty", [] { return std::string(); }, "empty"},
        RejectedCase{"two_parts", [] { return std::string("abc.def"); }, "not a compact JWS"},
        RejectedCase{"header_not_json",
                     [] { return absl::StrCat(B64("nope"), ".", B64("{}"), ".", B64("s")); },
                     "header is not base64url JSON"},
        RejectedCase{"padded_base64",
                     [] { return absl::StrCat(B64(R"({"alg":"ES256"})"), "=.e30.c2ln"); },
                     "header is not base64url JSON"},
        RejectedCase{"alg_none",
                     [] {
                       return absl::StrCat(B64(R"({"alg":"none"})"), ".", B64(ClaimsWith()), ".",
                                           B64("x"));
                     },
                     "algorithm \"none\" is not accepted"},
        RejectedCase{"hmac",
                     [] {
                       return absl::StrCat(B64(R"({"alg":"HS256"})"), ".", B64(ClaimsWith()), ".",
                                           B64("x"));
                     },
                     "algorithm \"HS256\" is not accepted"},
        RejectedCase{"critical_header",
                     [] {
                       return absl::StrCat(B64(R"({"alg":"ES256","kid":"es-1","crit":["x"]})"), ".",
                                           B64(ClaimsWith()), ".", B64(std::string(64, 'a')));
                     },
                     "critical"},
        RejectedCase{"alg_does_not_match_key",
                     [] {
                       return absl::StrCat(B64(R"({"alg":"RS256","kid":"es-1"})"), ".",
                                           B64(ClaimsWith()), ".", B64("x"));
                     },
                     "no RS256 key has id \"es-1\""},
        RejectedCase{"unknown_kid",
                     [] {
                       return absl::StrCat(B64(R"({"alg":"ES256","kid":"gone"})"), ".",
                                           B64(ClaimsWith()), ".", B64(std::string(64, 'a')));
                     },
                     "no ES256 key has id \"gone\""},
        RejectedCase{"short_es256_signature",
                     [] { return Replace(SignedBy(JwtTest::es_, ClaimsWith()), 2, B64("short")); },
                     "64 bytes"},
        RejectedCase{"tampered_payload",
                     [] {
                       return Replace(SignedBy(JwtTest::es_, ClaimsWith()), 1,
                                      B64(ClaimsWith({{"extra", "1"}})));
                     },
                     "signature does not verify"},
        RejectedCase{"tampered_rs256_payload",
                     [] {
                       return Replace(SignedBy(JwtTest::rs_, ClaimsWith()), 1,
                                      B64(ClaimsWith({{"extra", "1"}})));
                     },
                     "signature does not verify"},
        RejectedCase{"stranger_key_same_kid",
                     [] { return SignedBy(JwtTest::stranger_, ClaimsWith()); },
                     "signature does not verify"},
        RejectedCase{"wrong_issuer",
                     [] {
                       return SignedBy(JwtTest::es_, ClaimsWith({{"iss", R"("evil")"}}));
                     },
                     "issuer"},
        RejectedCase{"wrong_audience",
                     [] {
                       return SignedBy(JwtTest::es_, ClaimsWith({{"aud", R"(["a","b"])"}}));
                     },
                     "audience"},
        RejectedCase{"no_expiry",
                     [] {
                       return SignedBy(JwtTest::es_, ClaimsWith({{"exp", ""}}));
                     },
                     "no expiry"},
        RejectedCase{"expired_beyond_leeway",
                     [] {
                       return SignedBy(
                           JwtTest::es_,
                           ClaimsWith({{"exp", absl::StrCat(absl::ToUnixSeconds(kNow) - 61)}}));
                     },
                     "expired"},
        RejectedCase{"not_valid_yet",
                     [] {
                       return SignedBy(
                           JwtTest::es_,
                           ClaimsWith({{"nbf", absl::StrCat(absl::ToUnixSeconds(kNow) + 300)}}));
                     },
                     "not valid yet"},
        RejectedCase{"no_subject",
                     [] {
                       return SignedBy(JwtTest::es_, ClaimsWith({{"sub", ""}}));
                     },
                     "no subject"},
        RejectedCase{"no_organisation",
                     [] {
                       return SignedBy(JwtTest::es_, ClaimsWith({{"org", ""}}));
                     },
                     "no organisation (\"org\")"},
        RejectedCase{"roles_not_an_array",
                     [] {
                       return SignedBy(JwtTest::es_, ClaimsWith({{"roles", R"("caf_admin")"}}));
                     },
                     "no roles array"},
        RejectedCase{"no_platform_role",
                     [] {
                       return SignedBy(JwtTest::es_, ClaimsWith({{"roles", R"(["root"])"}}));
                     },
                     "grants no ctg-platform role"},
        RejectedCase{"oversized", [] { return std::string(9000, 'a'); }, "longer than 8192"}),
    [](const ::testing::TestParamInfo<RejectedCase>& info) { return info.param.name; });

TEST(JwtVerifierCreateTest, RefusesBadConfiguration) {
  ASSERT_OK_AND_ASSIGN(auto es, JwtSigner::Generate(JwtSigner::Algorithm::kES256, "k"));
  JwtVerifierOptions options;
  options.issuer = kIssuer;
  options.audience = kAudience;
  EXPECT_THAT(JwtVerifier::Create(options, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no JWT public key")));
  EXPECT_THAT(JwtVerifier::Create(options, {{"k", "not a pem"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a PEM public key")));
  JwtVerifierOptions no_issuer = options;
  no_issuer.issuer.clear();
  EXPECT_THAT(JwtVerifier::Create(no_issuer, {es->public_key()}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("issuer")));
  JwtVerifierOptions no_audience = options;
  no_audience.audience.clear();
  EXPECT_THAT(JwtVerifier::Create(no_audience, {es->public_key()}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("audience")));
}

TEST(RoleTest, NamesRoundTrip) {
  for (Role role : {Role::kCafAdmin, Role::kCafCdt, Role::kCafCommission, Role::kCollectiviteAdmin,
                    Role::kChargeCooperation, Role::kElu, Role::kPartner}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_EQ(ParseRole("CAF_ADMIN"), std::nullopt);
  EXPECT_EQ(ParseRole(""), std::nullopt);
}

}  // namespace
}  // namespace ctg::platform
