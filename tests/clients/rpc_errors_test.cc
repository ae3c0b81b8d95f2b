#include "clients/ctg/rpc_errors.h"

#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/duration.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace ctg::cli {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

CallSettings Settings(std::string token = "a.b.c") {
  return CallSettings{
      .server = "ctg.valmont.test:7443", .token = std::move(token), .timeout = absl::Seconds(10)};
}

// A grpc::Status carrying `details` in a google.rpc.Status, as ctgd sends them.
template <typename... Details>
grpc::Status WithDetails(grpc::StatusCode code, const std::string& message,
                         const Details&... details) {
  google::rpc::Status rich;
  rich.set_code(code);
  rich.set_message(message);
  (rich.add_details()->PackFrom(details), ...);
  return grpc::Status(code, message, rich.SerializeAsString());
}

google::rpc::ErrorInfo Info(const std::string& reason) {
  google::rpc::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain("ctg.caf.fr");
  return info;
}

google::rpc::RequestInfo Request(const std::string& id) {
  google::rpc::RequestInfo info;
  info.set_request_id(id);
  return info;
}

TEST(RpcErrorsTest, UnavailableSaysTheServerCannotBeReached) {
  std::string text = DescribeRpcError(
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "failed to connect to all addresses"),
      Settings());
  EXPECT_THAT(text, StartsWith("cannot reach ctgd at ctg.valmont.test:7443: is it running? "
                               "(failed to connect to all addresses)"));
  EXPECT_THAT(text, HasSubstr("check --server (CTG_SERVER)"));
}

TEST(RpcErrorsTest, UnavailableAfterAFailedHandshakePointsAtTheCertificates) {
  std::string text =
      DescribeRpcError(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                    "Ssl handshake failed: CERTIFICATE_VERIFY_FAILED"),
                       Settings());
  EXPECT_THAT(text, AllOf(StartsWith("cannot reach ctgd at"), HasSubstr("--ca_cert"),
                          HasSubstr("--plaintext")));
}

TEST(RpcErrorsTest, UnauthenticatedGivesTheServersReasonAndTheFix) {
  std::string text = DescribeRpcError(
      WithDetails(grpc::StatusCode::UNAUTHENTICATED, "the token expired at 2026-11-23T10:00:00Z",
                  Info("TOKEN_EXPIRED"), Request("req-42")),
      Settings());
  EXPECT_THAT(text, StartsWith("the server refused your token: the token expired at "
                               "2026-11-23T10:00:00Z; set CTG_TOKEN or --token_file"));
  EXPECT_THAT(text, HasSubstr("\n  reason: TOKEN_EXPIRED"));
  EXPECT_THAT(text, HasSubstr("\n  request id: req-42"));
}

TEST(RpcErrorsTest, UnauthenticatedWithoutATokenSaysNoneWasSent) {
  std::string text = DescribeRpcError(
      grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "missing bearer token"), Settings(""));
  EXPECT_THAT(text, AllOf(HasSubstr("you sent none"), HasSubstr("set CTG_TOKEN or --token_file")));
}

TEST(RpcErrorsTest, PermissionDenied) {
  std::string text =
      DescribeRpcError(WithDetails(grpc::StatusCode::PERMISSION_DENIED,
                                   "caf_commission may not change a CTG", Info("ROLE_NOT_ALLOWED")),
                       Settings());
  EXPECT_THAT(text, StartsWith("permission denied: caf_commission may not change a CTG"));
  EXPECT_THAT(text, AllOf(HasSubstr("your token's role does not allow this"),
                          HasSubstr("reason: ROLE_NOT_ALLOWED")));
}

TEST(RpcErrorsTest, NotFoundDoesNotClaimTheResourceDoesNotExist) {
  google::rpc::ResourceInfo resource;
  resource.set_resource_name("ctgs/val-orbe-2025");
  std::string text = DescribeRpcError(
      WithDetails(grpc::StatusCode::NOT_FOUND, "ctgs/val-orbe-2025 not found", resource),
      Settings());
  EXPECT_THAT(text, StartsWith("not found: ctgs/val-orbe-2025 not found"));
  EXPECT_THAT(text, AllOf(HasSubstr("does not exist, or your token does not let you see it"),
                          HasSubstr("resource: ctgs/val-orbe-2025")));
}

TEST(RpcErrorsTest, InvalidArgumentListsEveryFieldViolation) {
  google::rpc::BadRequest bad;
  auto* first = bad.add_field_violations();
  first->set_field("ctg.title");
  first->set_description("must be 1 to 200 characters");
  auto* second = bad.add_field_violations();
  second->set_field("ctg.end_date");
  second->set_description("must be after start_date");
  std::string text = DescribeRpcError(
      WithDetails(grpc::StatusCode::INVALID_ARGUMENT, "ctg.title: …; ctg.end_date: …", bad),
      Settings());
  EXPECT_EQ(text,
            "the server rejected the request:\n"
            "  - ctg.title: must be 1 to 200 characters\n"
            "  - ctg.end_date: must be after start_date");
}

TEST(RpcErrorsTest, InvalidArgumentWithoutDetailsKeepsTheMessage) {
  EXPECT_EQ(DescribeRpcError(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad page_token"),
                             Settings()),
            "the server rejected the request: bad page_token");
}

TEST(RpcErrorsTest, FailedPreconditionNamesTheRuleAndItsSpecifics) {
  google::rpc::ErrorInfo info = Info("DELIBERATION_REQUIRED");
  (*info.mutable_metadata())["organisation"] = "organisations/210000018";
  (*info.mutable_metadata())["rule"] = "R-16";
  (*info.mutable_metadata())["exchange"] = "";  // empty: not listed
  std::string text = DescribeRpcError(
      WithDetails(grpc::StatusCode::FAILED_PRECONDITION,
                  "DELIBERATION_REQUIRED: Saint-Éloi-sur-Orbe has no recorded deliberation", info),
      Settings());
  EXPECT_EQ(text,
            "refused by a rule, DELIBERATION_REQUIRED: Saint-Éloi-sur-Orbe has no recorded "
            "deliberation\n"
            "  organisation: organisations/210000018\n"
            "  rule: R-16");
}

TEST(RpcErrorsTest, FailedPreconditionListsPreconditionViolations) {
  google::rpc::PreconditionFailure failure;
  auto* violation = failure.add_violations();
  violation->set_type("STATE");
  violation->set_subject("ctgs/val-orbe-2025");
  violation->set_description("the CTG is RESILIEE");
  std::string text =
      DescribeRpcError(WithDetails(grpc::StatusCode::FAILED_PRECONDITION, "CTG_CLOSED: closed",
                                   Info("CTG_CLOSED"), failure),
                       Settings());
  EXPECT_THAT(text, StartsWith("refused by a rule, CTG_CLOSED: closed"));
  EXPECT_THAT(text, HasSubstr("\n  - STATE ctgs/val-orbe-2025: the CTG is RESILIEE"));
  EXPECT_THAT(
      DescribeRpcError(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "closed"), Settings()),
      StartsWith("refused: "));
}

TEST(RpcErrorsTest, OtherCodesGetASentenceToo) {
  const CallSettings settings = Settings();
  EXPECT_THAT(DescribeRpcError(
                  grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"), settings),
              AllOf(StartsWith("ctgd at ctg.valmont.test:7443 did not answer within 10s"),
                    HasSubstr("--timeout")));
  EXPECT_THAT(DescribeRpcError(grpc::Status(grpc::StatusCode::ABORTED, "stale etag"), settings),
              AllOf(StartsWith("conflict: stale etag"), HasSubstr("someone else changed it")));
  EXPECT_THAT(
      DescribeRpcError(grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "organisations/200000172"),
                       settings),
      StartsWith("already exists: organisations/200000172"));
  EXPECT_THAT(DescribeRpcError(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, ""), settings),
              AllOf(StartsWith("ctgd at ctg.valmont.test:7443 does not offer this call"),
                    Not(HasSubstr("()"))));
  EXPECT_THAT(DescribeRpcError(grpc::Status(grpc::StatusCode::INTERNAL, "boom"), settings),
              StartsWith("ctgd failed (INTERNAL): boom"));
  EXPECT_THAT(DescribeRpcError(grpc::Status(grpc::StatusCode::DATA_LOSS, "leaf 7"), settings),
              HasSubstr("tell its operator"));
  EXPECT_THAT(
      DescribeRpcError(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too big"), settings),
      HasSubstr("too big"));
}

TEST(RpcErrorsTest, RetryInfoAndHelpLinksAreShown) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(30);
  google::rpc::Help help;
  auto* link = help.add_links();
  link->set_url("https://ctg.valmont.test/aide");
  link->set_description("aide");
  std::string text = DescribeRpcError(
      WithDetails(grpc::StatusCode::RESOURCE_EXHAUSTED, "slow down", retry, help), Settings());
  EXPECT_THAT(text, AllOf(HasSubstr("\n  retry after 30s"),
                          HasSubstr("\n  see https://ctg.valmont.test/aide (aide)")));
}

TEST(RpcErrorsTest, ServerTextCannotInjectTerminalEscapes) {
  google::rpc::BadRequest bad;
  auto* violation = bad.add_field_violations();
  violation->set_field("name\x1b[2J");
  violation->set_description("bad\nline");
  std::string text =
      DescribeRpcError(WithDetails(grpc::StatusCode::INVALID_ARGUMENT, "x", bad), Settings());
  EXPECT_THAT(text, Not(HasSubstr("\x1b")));
  EXPECT_THAT(text, HasSubstr("bad line"));
  EXPECT_THAT(
      DescribeRpcError(grpc::Status(grpc::StatusCode::NOT_FOUND, "\x1b]0;title\x07"), Settings()),
      Not(HasSubstr("\x1b")));
}

TEST(RpcErrorsTest, AReasonThatRepeatsTheCodeIsNotShown) {
  std::string text = DescribeRpcError(
      WithDetails(grpc::StatusCode::NOT_FOUND, "ctgs/x not found", Info("NOT_FOUND")), Settings());
  EXPECT_THAT(text, Not(HasSubstr("reason:")));
}

TEST(RpcErrorsTest, UndecodableDetailsAreIgnored) {
  grpc::Status status(grpc::StatusCode::NOT_FOUND, "gone", "\xff\xff not a proto");
  EXPECT_THAT(DescribeRpcError(status, Settings()), StartsWith("not found: gone"));
}

TEST(RpcErrorsTest, RpcErrorKeepsTheCode) {
  absl::Status status = RpcError(grpc::Status(grpc::StatusCode::NOT_FOUND, "gone"), Settings());
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(status.message()), StartsWith("not found: gone"));
  EXPECT_TRUE(RpcError(grpc::Status::OK, Settings()).ok());
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::FAILED_PRECONDITION), "FAILED_PRECONDITION");
}

}  // namespace
}  // namespace ctg::cli
