// ctgd end to end: what one tenant's requests may learn of another's. A request id is its
// caller's (another principal's same id is another request; the same principal's id reused on
// another resource or with another body is REQUEST_ID_REUSED), server-generated ids are the
// caller's, and a client-chosen id taken by a resource the caller cannot read is refused exactly
// as a read of that resource is (NOT_FOUND, nothing of it echoed).
#include <string>
#include <vector>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/server/registry_fixture.h"

namespace ctg::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class TenancyTest : public RegistryTest {
 protected:
  static platform::Principal EpciAdmin() {
    return Person("dgs-orbe", kEpci, platform::Role::kCollectiviteAdmin);
  }
  static platform::Principal OtherEpciAdmin() {
    return Person("dgs-vallees", kOtherEpci, platform::Role::kCollectiviteAdmin);
  }

  static v1::CreatePersonRequest PersonOf(const std::string& siren,
                                          const std::string& request_id) {
    v1::CreatePersonRequest request;
    request.set_request_id(request_id);
    request.mutable_person()->set_organisation("organisations/" + siren);
    request.mutable_person()->mutable_identity()->set_given_name("Basile");
    request.mutable_person()->mutable_identity()->set_family_name("Fictif");
    return request;
  }

  // The CTG `name` as `principal` reads it now.
  v1::Ctg Read(const platform::Principal& principal, const std::string& name) {
    v1::GetCtgRequest get;
    get.set_name(name);
    v1::Ctg ctg;
    grpc::Status status = plans_->GetCtg(server_->Context(principal).get(), get, &ctg);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return ctg;
  }

  // An update of the title of `ctg` under `request_id` (any etag: the retry's own).
  static v1::UpdateCtgRequest Retitle(const v1::Ctg& ctg, const std::string& title,
                                      const std::string& request_id) {
    v1::UpdateCtgRequest update;
    update.set_request_id(request_id);
    update.mutable_ctg()->set_name(ctg.name());
    update.mutable_ctg()->set_title(title);
    update.mutable_update_mask()->add_paths("title");
    return update;
  }
};

TEST_F(TenancyTest, TheSameRequestIdFromAnotherCollectiviteRegistersItsOwnPerson) {
  const std::string request_id = "5d0c6a4e-2b8f-4c1a-9e3d-7a6b5c4d3e21";
  v1::Person own, other, retried;
  grpc::Status status = persons_->CreatePerson(server_->Context(EpciAdmin()).get(),
                                               PersonOf(kEpci, request_id), &own);
  ASSERT_TRUE(status.ok()) << status.error_message();

  status = persons_->CreatePerson(server_->Context(OtherEpciAdmin()).get(),
                                  PersonOf(kOtherEpci, request_id), &other);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_NE(other.name(), own.name()) << "another collectivité got the first one's person";
  EXPECT_EQ(other.organisation(), std::string("organisations/") + kOtherEpci);

  // Each one's retry is still its own.
  status = persons_->CreatePerson(server_->Context(EpciAdmin()).get(),
                                  PersonOf(kEpci, request_id), &retried);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(retried.name(), own.name());
  status = persons_->CreatePerson(server_->Context(OtherEpciAdmin()).get(),
                                  PersonOf(kOtherEpci, request_id), &retried);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(retried.name(), other.name());
}

TEST_F(TenancyTest, TheSameRequestIdFromAnotherCollectiviteCreatesItsOwnCtg) {
  const std::string request_id = "8f9e0d1c-2b3a-4c5d-8e6f-7a8b9c0d1e2f";
  v1::CreateCtgRequest create;
  create.set_request_id(request_id);
  *create.mutable_ctg() = MakeCtg("CTG tirée au hasard", kEpci);
  v1::Ctg own, other;
  grpc::Status status = plans_->CreateCtg(server_->Context(EpciAdmin()).get(), create, &own);
  ASSERT_TRUE(status.ok()) << status.error_message();

  *create.mutable_ctg() = MakeCtg("CTG des vallées, tirée au hasard", kOtherEpci);
  status = plans_->CreateCtg(server_->Context(OtherEpciAdmin()).get(), create, &other);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_NE(other.name(), own.name());
  EXPECT_EQ(other.porteur(), std::string("organisations/") + kOtherEpci);
  EXPECT_EQ(other.title(), "CTG des vallées, tirée au hasard");
}

TEST_F(TenancyTest, TheSameRequestIdFromAnotherCollectiviteIsANewChange) {
  const std::string request_id = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  v1::Ctg updated;
  grpc::Status status = plans_->UpdateCtg(
      server_->Context(EpciAdmin()).get(),
      Retitle(Read(EpciAdmin(), "ctgs/test-ctg"), "CTG test (titre revu)", request_id), &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();

  status = plans_->UpdateCtg(
      server_->Context(OtherEpciAdmin()).get(),
      Retitle(Read(OtherEpciAdmin(), "ctgs/other-ctg"), "CTG autre (titre revu)", request_id),
      &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.name(), "ctgs/other-ctg");
  EXPECT_EQ(Read(OtherEpciAdmin(), "ctgs/other-ctg").title(), "CTG autre (titre revu)");
}

TEST_F(TenancyTest, ARequestIdReusedOnAnotherCtgIsRefusedAndChangesNothing) {
  const std::string request_id = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e";
  v1::Ctg updated;
  grpc::Status status =
      plans_->UpdateCtg(AdminContext().get(),
                        Retitle(Read(Admin(), "ctgs/test-ctg"), "Titre A", request_id), &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();

  const v1::Ctg before = Read(Admin(), "ctgs/other-ctg");
  status = plans_->UpdateCtg(AdminContext().get(), Retitle(before, "Titre B", request_id),
                             &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(Reason(status), "REQUEST_ID_REUSED");
  EXPECT_THAT(BadFields(status), Contains("request_id"));
  EXPECT_EQ(Read(Admin(), "ctgs/other-ctg").etag(), before.etag());
}

TEST_F(TenancyTest, ARequestIdReusedWithAnotherBodyIsRefusedAndAnExactRetryIsNot) {
  const std::string request_id = "3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f";
  const v1::Ctg ctg = Read(Admin(), "ctgs/test-ctg");
  v1::Ctg first, again;
  grpc::Status status =
      plans_->UpdateCtg(AdminContext().get(), Retitle(ctg, "Titre C", request_id), &first);
  ASSERT_TRUE(status.ok()) << status.error_message();

  status = plans_->UpdateCtg(AdminContext().get(), Retitle(ctg, "Titre D", request_id), &again);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(Reason(status), "REQUEST_ID_REUSED");
  EXPECT_THAT(status.error_message(), Not(HasSubstr("Titre")));

  // The same id for another method of the same principal is reused too.
  v1::TransitionCtgRequest transition;
  transition.set_name(ctg.name());
  transition.set_request_id(request_id);
  transition.set_state(v1::CTG_STATE_DIAGNOSTIC_EN_COURS);
  status = plans_->TransitionCtg(AdminContext().get(), transition, &again);
  EXPECT_EQ(Reason(status), "REQUEST_ID_REUSED") << status.error_message();

  status = plans_->UpdateCtg(AdminContext().get(), Retitle(ctg, "Titre C", request_id), &again);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(again.etag(), first.etag());
  EXPECT_EQ(Read(Admin(), "ctgs/test-ctg").title(), "Titre C");
}

TEST_F(TenancyTest, ACtgIdTakenByAHiddenCtgIsRefusedAsAReadOfItIs) {
  v1::GetCtgRequest get;
  get.set_name("ctgs/other-ctg");
  v1::Ctg ctg;
  const grpc::Status read = plans_->GetCtg(server_->Context(EpciAdmin()).get(), get, &ctg);
  ASSERT_EQ(read.error_code(), grpc::StatusCode::NOT_FOUND);

  v1::CreateCtgRequest create;
  create.set_ctg_id("other-ctg");
  *create.mutable_ctg() = MakeCtg("Une CTG à moi", kEpci);
  const grpc::Status created = plans_->CreateCtg(server_->Context(EpciAdmin()).get(), create, &ctg);
  EXPECT_EQ(created.error_code(), read.error_code()) << created.error_message();
  EXPECT_EQ(created.error_message(), read.error_message());
  EXPECT_EQ(Reason(created), Reason(read));

  // Whoever may read it still learns that it exists.
  const grpc::Status visible = plans_->CreateCtg(AdminContext().get(), create, &ctg);
  EXPECT_EQ(visible.error_code(), grpc::StatusCode::ALREADY_EXISTS) << visible.error_message();
}

TEST_F(TenancyTest, APostIdTakenByAHiddenPostIsRefusedAsAReadOfItIs) {
  v1::GetPostRequest get;
  get.set_name("posts/other-post");
  v1::Post post;
  const grpc::Status read = staffing_->GetPost(server_->Context(EpciAdmin()).get(), get, &post);
  ASSERT_EQ(read.error_code(), grpc::StatusCode::NOT_FOUND);

  v1::CreatePostRequest create;
  create.set_post_id("other-post");
  create.mutable_post()->set_ctg("ctgs/test-ctg");
  create.mutable_post()->set_employer(std::string("organisations/") + kEpci);
  create.mutable_post()->set_etp_hundredths(100);
  const grpc::Status created =
      staffing_->CreatePost(server_->Context(EpciAdmin()).get(), create, &post);
  EXPECT_EQ(created.error_code(), read.error_code()) << created.error_message();
  EXPECT_EQ(created.error_message(), read.error_message());
  EXPECT_EQ(Reason(created), Reason(read));
}

TEST_F(TenancyTest, ARecruitmentIdTakenByAHiddenRecruitmentIsRefusedAsAReadOfItIs) {
  v1::GetRecruitmentRequest get;
  get.set_name("recruitments/other-recruitment");
  v1::Recruitment recruitment;
  const grpc::Status read =
      staffing_->GetRecruitment(server_->Context(EpciAdmin()).get(), get, &recruitment);
  ASSERT_EQ(read.error_code(), grpc::StatusCode::NOT_FOUND);

  v1::OpenRecruitmentRequest open;
  open.set_recruitment_id("other-recruitment");
  open.mutable_recruitment()->set_post("posts/test-post");
  open.mutable_recruitment()->set_motif(v1::RECRUITMENT_MOTIF_CREATION);
  *open.mutable_date() = Date(2025, 2, 1);
  const grpc::Status created =
      staffing_->OpenRecruitment(server_->Context(EpciAdmin()).get(), open, &recruitment);
  EXPECT_EQ(created.error_code(), read.error_code()) << created.error_message();
  EXPECT_EQ(created.error_message(), read.error_message());
  EXPECT_EQ(Reason(created), Reason(read));
}

TEST_F(TenancyTest, AReplacementIdTakenByAHiddenReplacementIsRefusedAsAReadOfItIs) {
  v1::GetReplacementRequest get;
  get.set_name("replacements/other-replacement");
  v1::Replacement replacement;
  const grpc::Status read =
      staffing_->GetReplacement(server_->Context(EpciAdmin()).get(), get, &replacement);
  ASSERT_EQ(read.error_code(), grpc::StatusCode::NOT_FOUND);

  v1::RequestReplacementRequest replace;
  replace.set_replacement_id("other-replacement");
  replace.mutable_replacement()->set_post("posts/test-post");
  replace.mutable_replacement()->set_person(own_person_);
  replace.mutable_replacement()->set_etp_hundredths(50);
  *replace.mutable_replacement()->mutable_start_date() = Date(2025, 4, 1);
  const grpc::Status created =
      staffing_->RequestReplacement(server_->Context(EpciAdmin()).get(), replace, &replacement);
  EXPECT_EQ(created.error_code(), read.error_code()) << created.error_message();
  EXPECT_EQ(created.error_message(), read.error_message());
  EXPECT_EQ(Reason(created), Reason(read));
}

}  // namespace
}  // namespace ctg::testing
