// Interoperability of our JWTs with an independent implementation: PyJWT with the
// `cryptography` package (Debian's python3-jwt, python3-cryptography). Tokens we mint must
// verify there, and tokens PyJWT signs must verify here, for ES256 and RS256.
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/platform/jwt.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::platform {
namespace {

constexpr char kIssuer[] = "https://idp.caf-valmont.example";
constexpr char kAudience[] = "ctg-platform";

// Runs a Python 3 script with Debian's interpreter and returns its standard output.
std::string RunPython(const ctg::testing::TempDir& dir, const std::string& script) {
  const std::string path = dir.Sub("script.py");
  std::ofstream(path) << script;
  FILE* pipe = ::popen(absl::StrCat("/usr/bin/python3 ", path, " 2>&1").c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status != 0) out = absl::StrCat("python failed (", status, "): ", out);
  return out;
}

TEST(JwtInteropTest, PyJwtVerifiesOurTokens) {
  ctg::testing::TempDir dir;
  for (auto algorithm : {JwtSigner::Algorithm::kES256, JwtSigner::Algorithm::kRS256}) {
    ASSERT_OK_AND_ASSIGN(auto signer, JwtSigner::Generate(algorithm, "k1"));
    const Principal principal{"cdt-0042", "caf-999", {Role::kCafCdt, Role::kCafAdmin}};
    ASSERT_OK_AND_ASSIGN(std::string token, signer->Mint(principal, kIssuer, kAudience, absl::Now(),
                                                         absl::Minutes(5)));
    std::ofstream(dir.Sub("key.pem")) << signer->public_key().pem;
    const std::string alg = algorithm == JwtSigner::Algorithm::kES256 ? "ES256" : "RS256";
    const std::string out =
        RunPython(dir, absl::StrCat(R"(
import jwt
key = open(")",
                                    dir.Sub("key.pem"), R"(").read()
claims = jwt.decode(")",
                                    token, R"(", key, algorithms=[")", alg, R"("],
                    audience=")",
                                    kAudience, R"(", issuer=")", kIssuer, R"(")
header = jwt.get_unverified_header(")",
                                    token, R"(")
print(claims["sub"], claims["org"], ",".join(claims["roles"]), header["alg"], header["kid"])
)"));
    EXPECT_EQ(out, absl::StrCat("cdt-0042 caf-999 caf_cdt,caf_admin ", alg, " k1\n"));
  }
}

TEST(JwtInteropTest, WeVerifyPyJwtTokens) {
  ctg::testing::TempDir dir;
  const std::string out =
      RunPython(dir, absl::StrCat(R"(
import time, jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
now = int(time.time())
claims = {"iss": ")",
                                  kIssuer, R"(", "aud": [")", kAudience, R"("], "sub": "agent-7",
          "org": "200000001", "roles": ["collectivite_admin"], "iat": now, "exp": now + 300}
for alg, key in (("ES256", ec.generate_private_key(ec.SECP256R1())),
                 ("RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))):
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    token = jwt.encode(claims, key, algorithm=alg, headers={"kid": "idp-" + alg})
    print(alg + "|" + token + "|" + pem.decode().replace("\n", "\\n"))
)"));
  const std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << out;
  for (const std::string& line : lines) {
    const std::vector<std::string> fields = absl::StrSplit(line, '|');
    ASSERT_EQ(fields.size(), 3u) << line;
    std::string pem = absl::StrReplaceAll(fields[2], {{"\\n", "\n"}});
    JwtVerifierOptions options;
    options.issuer = kIssuer;
    options.audience = kAudience;
    ASSERT_OK_AND_ASSIGN(auto verifier, JwtVerifier::Create(options, {{"idp-" + fields[0], pem}}));
    ASSERT_OK_AND_ASSIGN(Principal principal, verifier->Verify(fields[1], absl::Now()));
    EXPECT_EQ(principal.subject, "agent-7") << fields[0];
    EXPECT_EQ(principal.organisation, "200000001");
    EXPECT_THAT(principal.roles, ::testing::ElementsAre(Role::kCollectiviteAdmin));
  }
}

}  // namespace
}  // namespace ctg::platform
