// Hostile input against the real ctgd: huge values are never echoed (short trailers, the
// connection stays usable), ignored fields are size-checked too, the token counts before the
// body, and a subscriber that hangs up is no fault.
#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/server/registry_fixture.h"

namespace ctg::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr size_t kHuge = 1 << 20;

// What the client received as trailers, roughly: the message and the details.
size_t TrailerBytes(const grpc::Status& status) {
  return status.error_message().size() + status.error_details().size();
}

class BadInputTest : public RegistryTest {
 protected:
  // A caf_admin context whose deadline bounds a call that would hang (the defect), so the test
  // fails instead of waiting 30 s.
  static std::unique_ptr<grpc::ClientContext> ShortContext() {
    auto context = AdminContext();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  }

  static int64_t LogSize() {
    v1::VerifyLogResponse response;
    grpc::Status status = admin_->VerifyLog(AdminContext().get(), {}, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.tree_size();
  }

  // Sends `bytes` as the request of `method`, with `authorization` metadata unless empty.
  static grpc::Status RawCall(const std::string& method, const std::string& bytes,
                              const std::string& authorization) {
    grpc::GenericStub stub(server_->Channel());
    grpc::ClientContext context;
    if (!authorization.empty()) context.AddMetadata("authorization", authorization);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    grpc::Status result;
    absl::Notification done;
    stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status status) {
                     result = std::move(status);
                     done.Notify();
                   });
    done.WaitForNotification();
    return result;
  }
};

TEST_F(BadInputTest, AHugeRequestIdGetsAShortAnswerAndTheConnectionStaysUsable) {
  // 7000 bytes reach the UUID check; longer ones are refused by the size limit first.
  for (size_t size : {size_t{7000}, size_t{16} << 10, kHuge}) {
    v1::CreateCtgRequest create;
    create.set_request_id(std::string(size, 'x'));
    *create.mutable_ctg() = MakeCtg("CTG à l'identifiant démesuré", kOtherEpci);
    v1::Ctg response;
    grpc::Status status = plans_->CreateCtg(ShortContext().get(), create, &response);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << size << ": " << status.error_code();
    EXPECT_THAT(BadFields(status), ElementsAre("request_id"));
    EXPECT_LT(TrailerBytes(status), 1024u) << size;
    EXPECT_THAT(status.error_message(), HasSubstr(absl::StrCat(size)));
  }
  // The same channel still serves.
  v1::GetCtgRequest get;
  get.set_name("ctgs/test-ctg");
  v1::Ctg ctg;
  grpc::Status status = plans_->GetCtg(ShortContext().get(), get, &ctg);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(BadInputTest, HugeEtagsAndMaskPathsAreQuotedShort) {
  v1::GetCtgRequest get;
  get.set_name("ctgs/test-ctg");
  v1::Ctg ctg;
  ASSERT_TRUE(plans_->GetCtg(ShortContext().get(), get, &ctg).ok());

  v1::UpdateCtgRequest stale;
  *stale.mutable_ctg() = ctg;
  stale.mutable_ctg()->set_etag(std::string(4000, 'r'));
  stale.mutable_update_mask()->add_paths("title");
  v1::Ctg updated;
  grpc::Status status = plans_->UpdateCtg(ShortContext().get(), stale, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED) << status.error_code();
  EXPECT_LT(TrailerBytes(status), 1024u);

  v1::UpdateCtgRequest unknown_path;
  *unknown_path.mutable_ctg() = ctg;
  unknown_path.mutable_update_mask()->add_paths(std::string(4000, 'p'));
  status = plans_->UpdateCtg(ShortContext().get(), unknown_path, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_code();
  EXPECT_THAT(BadFields(status), ElementsAre("update_mask"));
  EXPECT_LT(TrailerBytes(status), 1024u);
}

TEST_F(BadInputTest, ThousandsOfBadElementsGetAShortAnswer) {
  v1::CreateCtgRequest create;
  *create.mutable_ctg() = MakeCtg("CTG aux mille thématiques", kOtherEpci);
  for (int i = 0; i < 20000; ++i) {
    create.mutable_ctg()->add_thematiques(static_cast<v1::Thematique>(1000 + i));
  }
  v1::Ctg response;
  grpc::Status status = plans_->CreateCtg(ShortContext().get(), create, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_code();
  EXPECT_LT(TrailerBytes(status), 8192u);
  EXPECT_THAT(BadFields(status), Contains("(request)"));
}

TEST_F(BadInputTest, OversizedFieldsAreRefusedEvenWhenTheHandlerIgnoresThem) {
  const int64_t before = LogSize();
  const auto employer = Person("dgs-orbe", kEpci, platform::Role::kCollectiviteAdmin);

  v1::CreatePostRequest create_post;
  create_post.set_post_id("huge-name-post");
  v1::Post* post = create_post.mutable_post();
  post->set_name(std::string(kHuge, 'n'));  // OUTPUT_ONLY: ignored, but not unbounded
  post->set_ctg("ctgs/test-ctg");
  post->set_employer(std::string("organisations/") + kEpci);
  post->set_etp_hundredths(50);
  post->set_status(v1::POST_STATUS_VACANT);
  post->add_thematiques(v1::THEMATIQUE_JEUNESSE);
  post->set_rattachement("Direction générale des services");
  v1::Post created;
  grpc::Status status =
      staffing_->CreatePost(server_->Context(employer).get(), create_post, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_THAT(BadFields(status), ElementsAre("post.name"));
  EXPECT_LT(TrailerBytes(status), 1024u);

  v1::OpenRecruitmentRequest open;
  open.set_recruitment_id("huge-name-recruitment");
  open.mutable_recruitment()->set_name(std::string(kHuge, 'n'));
  open.mutable_recruitment()->set_post("posts/test-post");
  open.mutable_recruitment()->set_motif(v1::RECRUITMENT_MOTIF_VACANCE);
  *open.mutable_date() = Date(2025, 1, 6);
  v1::Recruitment recruitment;
  status = staffing_->OpenRecruitment(server_->Context(employer).get(), open, &recruitment);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_THAT(BadFields(status), ElementsAre("recruitment.name"));

  EXPECT_EQ(LogSize(), before);
}

TEST_F(BadInputTest, AnUnparsableBodyWithoutAValidTokenIsUnauthenticated) {
  const std::string garbage("\x0a\xff\xff\xff", 4);
  const std::string method = "/ctg.v1.PlansService/CreateCtg";
  for (const std::string& authorization :
       {std::string(), std::string("Bearer not.a.jwt"),
        "Bearer " + server_->Token(Admin(), absl::Minutes(-10))}) {
    grpc::Status status = RawCall(method, garbage, authorization);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << "'" << authorization.substr(0, 20) << "': " << status.error_code() << " "
        << status.error_message();
  }
  // With a valid token, the body's fault.
  grpc::Status status = RawCall(method, garbage, "Bearer " + server_->Token(Admin()));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
}

TEST_F(BadInputTest, ASubscriberThatHangsUpIsLoggedAtInfo) {
  v1::SubscribeEventsRequest request;
  request.set_start_position(LogSize());
  auto context = AdminContext();
  auto reader = audit_->SubscribeEvents(context.get(), request);
  v1::SubscribeEventsResponse first;
  ASSERT_TRUE(reader->Read(&first));
  EXPECT_TRUE(first.has_progress());
  context->TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);

  // The server logs the call when it finishes it, shortly after the cancellation.
  std::string line;
  for (int i = 0; i < 100 && line.empty(); ++i) {
    for (absl::string_view candidate : absl::StrSplit(server_->Logs(), '\n')) {
      if (absl::StrContains(candidate, "AuditService/SubscribeEvents") &&
          absl::StrContains(candidate, "\"code\":\"CANCELLED\"")) {
        line = std::string(candidate);
      }
    }
    if (line.empty()) absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_FALSE(line.empty()) << server_->Logs();
  EXPECT_THAT(line, HasSubstr("\"level\":\"info\""));
}

}  // namespace
}  // namespace ctg::testing
