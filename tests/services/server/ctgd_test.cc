// ctgd end to end over TLS with real tokens: the registry's commands and queries, errors with
// google.rpc details, authentication, idempotency and etags, shutdown and restart, mTLS.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/server/registry_fixture.h"

namespace ctg::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CtgdTest : public RegistryTest {
 protected:
  // The number of events in the log, as the Caf's admin sees it.
  int64_t LogSize() {
    v1::VerifyLogResponse response;
    grpc::Status status = admin_->VerifyLog(AdminContext().get(), {}, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.tree_size();
  }

  // Sends `bytes` as the request of `method` (to test what no generated stub would send).
  grpc::Status RawCall(const std::string& method, const std::string& bytes) {
    grpc::GenericStub stub(server_->Channel());
    auto context = AdminContext();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    grpc::Status result;
    absl::Notification done;
    stub.UnaryCall(context.get(), method, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status status) {
                     result = std::move(status);
                     done.Notify();
                   });
    done.WaitForNotification();
    return result;
  }
};

TEST_F(CtgdTest, CollectiviteDraftsTheCtgItCarriesAndReadsItBack) {
  const auto porteur = Person("dgs-orbe", kEpci, platform::Role::kCollectiviteAdmin);
  v1::CreateCtgRequest create;
  create.set_ctg_id("orbe-draft");
  *create.mutable_ctg() = MakeCtg("CTG du Val d'Orbe (projet)", kEpci);
  v1::Ctg created;
  grpc::Status status = plans_->CreateCtg(server_->Context(porteur).get(), create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.name(), "ctgs/orbe-draft");
  EXPECT_EQ(created.state(), v1::CTG_STATE_EN_PREPARATION);
  ASSERT_EQ(created.signatories_size(), 2);
  EXPECT_EQ(created.signatories(0).role(), v1::SIGNATORY_ROLE_CAF);
  EXPECT_FALSE(created.etag().empty());

  v1::GetCtgRequest get;
  get.set_name("ctgs/orbe-draft");
  v1::Ctg read;
  ASSERT_TRUE(plans_->GetCtg(server_->Context(porteur).get(), get, &read).ok());
  EXPECT_EQ(read.title(), "CTG du Val d'Orbe (projet)");
  EXPECT_EQ(read.etag(), created.etag());

  // Another collectivité does not even learn that it exists.
  const auto other = Person("dgs-vallees", kOtherEpci, platform::Role::kCollectiviteAdmin);
  status = plans_->GetCtg(server_->Context(other).get(), get, &read);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "ctgs/orbe-draft not found");
}

TEST_F(CtgdTest, RuleWarningsAreReadableAndBlockingRulesNameTheirReason) {
  v1::CreateCtgRequest create;
  create.set_ctg_id("thin-ctg");
  *create.mutable_ctg() = MakeCtg("CTG incomplète", kOtherEpci);
  create.mutable_ctg()->clear_thematiques();
  create.mutable_ctg()->add_thematiques(v1::THEMATIQUE_PETITE_ENFANCE);
  v1::Ctg created;
  ASSERT_TRUE(plans_->CreateCtg(AdminContext().get(), create, &created).ok());
  ASSERT_GE(created.warnings_size(), 1);
  EXPECT_EQ(created.warnings(0).rule(), "R-7");

  // Walk to EN_SIGNATURE, then ACTIVE is refused: no deliberation yet.
  for (v1::CtgState state : {v1::CTG_STATE_DIAGNOSTIC_EN_COURS, v1::CTG_STATE_DIAGNOSTIC_PARTAGE,
                             v1::CTG_STATE_PLAN_ACTIONS_EN_ELABORATION,
                             v1::CTG_STATE_EN_SIGNATURE}) {
    v1::TransitionCtgRequest transition;
    transition.set_name("ctgs/thin-ctg");
    transition.set_state(state);
    ASSERT_TRUE(plans_->TransitionCtg(AdminContext().get(), transition, &created).ok());
  }
  v1::TransitionCtgRequest activate;
  activate.set_name("ctgs/thin-ctg");
  activate.set_state(v1::CTG_STATE_ACTIVE);
  grpc::Status status = plans_->TransitionCtg(AdminContext().get(), activate, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(status), "DELIBERATION_REQUIRED");
}

TEST_F(CtgdTest, BadInputIsInvalidArgumentNamingTheFieldsAndWritesNothing) {
  const int64_t before = LogSize();

  v1::CreateCtgRequest empty;
  empty.mutable_ctg()->set_porteur(std::string("organisations/") + kEpci);
  v1::Ctg response;
  grpc::Status status = plans_->CreateCtg(AdminContext().get(), empty, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(status), ::testing::IsSupersetOf({"ctg.title", "ctg.caf"}));

  v1::TransitionCtgRequest unknown_enum;
  unknown_enum.set_name("ctgs/test-ctg");
  unknown_enum.set_state(static_cast<v1::CtgState>(42));
  status = plans_->TransitionCtg(AdminContext().get(), unknown_enum, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(status), ElementsAre("state"));

  v1::GetCtgRequest get;
  get.set_name("ctgs/test-ctg");
  std::string with_unknown = get.SerializeAsString();
  with_unknown += std::string("\xa0\x06\x01", 3);  // field 100, varint 1
  status = RawCall("/ctg.v1.PlansService/GetCtg", with_unknown);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("unknown field number 100"));

  status = RawCall("/ctg.v1.PlansService/CreateCtg", std::string("\x0a\xff\xff\xff", 4));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_code() << " " << status.error_message();
  EXPECT_THAT(BadFields(status), ElementsAre("(request)"));

  v1::CreateCtgRequest huge;
  *huge.mutable_ctg() = MakeCtg(std::string(5 << 20, 'x'), kEpci);
  status = plans_->CreateCtg(AdminContext().get(), huge, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();

  v1::CreateCtgRequest long_title;
  *long_title.mutable_ctg() = MakeCtg(std::string(201, 'x'), kEpci);
  status = plans_->CreateCtg(AdminContext().get(), long_title, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(status), ElementsAre("ctg.title"));

  v1::ListCtgsRequest list;
  list.set_page_token("not-a-token");
  v1::ListCtgsResponse listed;
  status = plans_->ListCtgs(AdminContext().get(), list, &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadFields(status), ElementsAre("page_token"));

  EXPECT_EQ(LogSize(), before);
}

TEST_F(CtgdTest, MissingOrBadTokensAreUnauthenticated) {
  v1::GetCtgRequest get;
  get.set_name("ctgs/test-ctg");
  v1::Ctg response;
  grpc::ClientContext none;
  grpc::Status status = plans_->GetCtg(&none, get, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("missing bearer token"));

  grpc::ClientContext garbage;
  garbage.AddMetadata("authorization", "Bearer not.a.jwt");
  EXPECT_EQ(plans_->GetCtg(&garbage, get, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  grpc::ClientContext expired;
  expired.AddMetadata("authorization",
                      "Bearer " + server_->Token(Admin(), absl::Minutes(-10)));
  status = plans_->GetCtg(&expired, get, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  grpc::ClientContext basic;
  basic.AddMetadata("authorization", "Basic dXNlcjpwYXNz");
  EXPECT_EQ(plans_->GetCtg(&basic, get, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Health needs no token.
  grpc::GenericStub stub(server_->Channel());
  grpc::ClientContext health;
  std::string request;  // HealthCheckRequest{service: ""} is empty
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1), out;
  absl::Notification done;
  grpc::Status health_status;
  stub.UnaryCall(&health, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &in, &out,
                 [&](grpc::Status s) {
                   health_status = s;
                   done.Notify();
                 });
  done.WaitForNotification();
  EXPECT_TRUE(health_status.ok()) << health_status.error_message();
}

TEST_F(CtgdTest, RetriedRequestIdReturnsTheFirstResultAndStaleEtagsAreAborted) {
  v1::CreateCtgRequest create;
  create.set_request_id("0b1e7c52-7f3a-4d3e-9a51-3f2d8c1e9b20");
  *create.mutable_ctg() = MakeCtg("CTG idempotente", kOtherEpci);
  v1::Ctg first, second;
  ASSERT_TRUE(plans_->CreateCtg(AdminContext().get(), create, &first).ok());
  const int64_t size = LogSize();
  ASSERT_TRUE(plans_->CreateCtg(AdminContext().get(), create, &second).ok());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.etag(), first.etag());
  EXPECT_EQ(LogSize(), size);

  v1::UpdateCtgRequest update;
  *update.mutable_ctg() = first;
  update.mutable_ctg()->set_title("CTG idempotente (titre revu)");
  update.mutable_update_mask()->add_paths("title");
  v1::Ctg updated;
  ASSERT_TRUE(plans_->UpdateCtg(AdminContext().get(), update, &updated).ok());
  EXPECT_NE(updated.etag(), first.etag());
  // The same update with the old etag is refused.
  grpc::Status status = plans_->UpdateCtg(AdminContext().get(), update, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_THAT(status.error_message(), HasSubstr("stale"));
}

TEST_F(CtgdTest, ConcurrentChangesOfOneCtgAreRetriedAndAllLand) {
  v1::CreateCtgRequest create;
  create.set_ctg_id("busy-ctg");
  *create.mutable_ctg() = MakeCtg("CTG très sollicitée", kOtherEpci);
  v1::Ctg created;
  ASSERT_TRUE(plans_->CreateCtg(AdminContext().get(), create, &created).ok());
  constexpr int kThreads = 4, kEach = 5;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        v1::UpdateCtgRequest update;  // no etag: the server retries lost races itself
        update.mutable_ctg()->set_name("ctgs/busy-ctg");
        update.mutable_ctg()->set_title("CTG " + std::to_string(t) + "-" + std::to_string(i));
        update.mutable_update_mask()->add_paths("title");
        v1::Ctg updated;
        grpc::Status status = plans_->UpdateCtg(AdminContext().get(), update, &updated);
        if (!status.ok()) {
          ++failures;
          ADD_FAILURE() << status.error_message();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  v1::ListEventsRequest history;
  history.set_stream("ctg-busy-ctg");
  history.set_page_size(1000);
  v1::ListEventsResponse events;
  ASSERT_TRUE(audit_->ListEvents(AdminContext().get(), history, &events).ok());
  // Drafted + 2 signatories + one CtgRetitled per update.
  EXPECT_EQ(events.events_size(), 3 + kThreads * kEach);
}

TEST_F(CtgdTest, SigtermDrainsAndExitsZeroAndTheStoreSurvivesARestart) {
  const std::string data_dir = server_->data_dir();
  v1::Ctg before;
  v1::GetCtgRequest get;
  get.set_name("ctgs/test-ctg");
  ASSERT_TRUE(plans_->GetCtg(AdminContext().get(), get, &before).ok());
  // The staffing read models are folded from the log again too.
  v1::GetPostRequest get_post;
  get_post.set_name("posts/test-post");
  v1::Post post_before;
  ASSERT_TRUE(staffing_->GetPost(AdminContext().get(), get_post, &post_before).ok());
  v1::GetRecruitmentRequest get_recruitment;
  get_recruitment.set_name("recruitments/test-recruitment");
  v1::Recruitment recruitment_before;
  ASSERT_TRUE(
      staffing_->GetRecruitment(AdminContext().get(), get_recruitment, &recruitment_before).ok());
  v1::GetReplacementRequest get_replacement;
  get_replacement.set_name("replacements/test-replacement");
  v1::Replacement replacement_before;
  ASSERT_TRUE(
      staffing_->GetReplacement(AdminContext().get(), get_replacement, &replacement_before).ok());
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
  EXPECT_THAT(server_->Logs(), HasSubstr("\"msg\":\"stopped\""));

  CtgdOptions options;
  options.dir = dir_->path();
  auto restarted = CtgdProcess::Start(options);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  delete server_;
  server_ = restarted->release();
  plans_ = v1::PlansService::NewStub(server_->Channel());
  admin_ = v1::AdminService::NewStub(server_->Channel());
  partners_ = v1::PartnersService::NewStub(server_->Channel());
  audit_ = v1::AuditService::NewStub(server_->Channel());
  staffing_ = v1::StaffingService::NewStub(server_->Channel());
  v1::Ctg after;
  ASSERT_TRUE(plans_->GetCtg(AdminContext().get(), get, &after).ok());
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
  v1::Post post_after;
  ASSERT_TRUE(staffing_->GetPost(AdminContext().get(), get_post, &post_after).ok());
  EXPECT_EQ(post_after.SerializeAsString(), post_before.SerializeAsString());
  v1::Recruitment recruitment_after;
  ASSERT_TRUE(
      staffing_->GetRecruitment(AdminContext().get(), get_recruitment, &recruitment_after).ok());
  EXPECT_EQ(recruitment_after.SerializeAsString(), recruitment_before.SerializeAsString());
  v1::Replacement replacement_after;
  ASSERT_TRUE(
      staffing_->GetReplacement(AdminContext().get(), get_replacement, &replacement_after).ok());
  EXPECT_EQ(replacement_after.SerializeAsString(), replacement_before.SerializeAsString());
}

TEST(CrashTest, SigkillUnderLoadLosesNoAcknowledgedCommand) {
  TempDir dir;
  CtgdOptions options;
  options.dir = dir.path();
  auto server = CtgdProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  const auto admin = Person("admin-1", kCaf, platform::Role::kCafAdmin);
  auto partners = v1::PartnersService::NewStub((*server)->Channel());
  // Each acknowledged CreateOrganisation must survive a SIGKILL at any moment.
  constexpr int kWriters = 4;
  std::atomic<bool> stop{false};
  std::vector<std::vector<std::string>> acknowledged(kWriters);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load(); ++i) {
        // SIRENs 2w0iiiiiC: distinct per writer and call, with a valid Luhn check digit.
        std::string base = absl::StrCat(2, w, 0, absl::Dec(i, absl::kZeroPad5));
        int sum = 0;
        for (int k = 0; k < 8; ++k) {
          int d = base[7 - k] - '0';
          if (k % 2 == 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
          sum += d;
        }
        const std::string siren = base + static_cast<char>('0' + (10 - sum % 10) % 10);
        v1::CreateOrganisationRequest request;
        request.mutable_organisation()->set_siren(siren);
        request.mutable_organisation()->set_type(v1::ORGANISATION_TYPE_COMMUNE);
        request.mutable_organisation()->set_display_name("Commune " + siren);
        v1::Organisation created;
        auto context = (*server)->Context(admin);
        if (partners->CreateOrganisation(context.get(), request, &created).ok()) {
          acknowledged[w].push_back(siren);
        } else if (stop.load()) {
          return;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  (*server)->Stop(SIGKILL);
  stop = true;
  for (std::thread& writer : writers) writer.join();
  size_t total = 0;
  for (const auto& sirens : acknowledged) total += sirens.size();
  ASSERT_GT(total, 0u);

  auto restarted = CtgdProcess::Start(options);
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  auto after = v1::PartnersService::NewStub((*restarted)->Channel());
  for (const auto& sirens : acknowledged) {
    for (const std::string& siren : sirens) {
      v1::GetOrganisationRequest get;
      get.set_name("organisations/" + siren);
      v1::Organisation organisation;
      grpc::Status status = after->GetOrganisation((*restarted)->Context(admin).get(), get,
                                                   &organisation);
      EXPECT_TRUE(status.ok()) << siren << " was acknowledged, then lost: "
                               << status.error_message();
    }
  }
  EXPECT_EQ(RunCtgd({"verify", "--config=" + (*restarted)->config_path()}).exit_code, 1)
      << "verify must refuse to open a store that is being served";
  EXPECT_EQ((*restarted)->Stop(SIGTERM), 0);
  CommandResult verify = RunCtgd({"verify", "--config=" + (*restarted)->config_path()});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

// Whether any file under `dir` contains `needle`.
std::vector<std::string> FilesContaining(const std::string& dir, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (content.find(needle) != std::string::npos) found.push_back(entry.path().string());
  }
  return found;
}

TEST(PersonalDataTest, SealedReadOnlyForAPurposeAndGoneEverywhereOnceErased) {
  TempDir dir;
  CtgdOptions options;
  options.dir = dir.path();
  auto server = CtgdProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = (*server)->Channel();
  auto partners = v1::PartnersService::NewStub(channel);
  auto persons = v1::PersonsService::NewStub(channel);
  auto audit = v1::AuditService::NewStub(channel);
  const auto admin = Person("admin-1", kCaf, platform::Role::kCafAdmin);
  const auto employer = Person("dgs-1", kEpci, platform::Role::kCollectiviteAdmin);
  const auto other = Person("dgs-2", kOtherEpci, platform::Role::kCollectiviteAdmin);
  const auto cdt = Person("cdt-1", kCaf, platform::Role::kCafCdt);
  for (const char* siren : {kEpci, kOtherEpci}) {
    v1::CreateOrganisationRequest request;
    request.mutable_organisation()->set_siren(siren);
    request.mutable_organisation()->set_type(v1::ORGANISATION_TYPE_EPCI);
    request.mutable_organisation()->set_display_name(std::string("EPCI ") + siren);
    v1::Organisation created;
    ASSERT_TRUE(partners->CreateOrganisation((*server)->Context(admin).get(), request, &created).ok());
  }
  // A recognisable, fictional name, unique to this run.
  const std::string family = absl::StrCat("Testuser", absl::ToUnixNanos(absl::Now()) % 1000000007);
  v1::CreatePersonRequest create;
  create.mutable_person()->set_organisation(std::string("organisations/") + kEpci);
  create.mutable_person()->mutable_identity()->set_given_name("Zéphyrine");
  create.mutable_person()->mutable_identity()->set_family_name(family);
  create.mutable_person()->mutable_identity()->set_email(family + "@example.org");
  v1::Person person;
  grpc::Status status = persons->CreatePerson((*server)->Context(employer).get(), create, &person);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(person.has_identity());

  v1::GetPersonRequest get;
  get.set_name(person.name());
  v1::Person read;
  ASSERT_TRUE(persons->GetPerson((*server)->Context(employer).get(), get, &read).ok());
  EXPECT_FALSE(read.has_identity()) << "no purpose, no identity";
  get.set_purpose("avis Caf sur la candidature");
  ASSERT_TRUE(persons->GetPerson((*server)->Context(admin).get(), get, &read).ok());
  EXPECT_EQ(read.identity().family_name(), family);
  // Another collectivité does not learn the person exists, nor a CDT whose portfolio no CTG
  // concerns them (here: no CTG at all).
  for (const platform::Principal& outsider : {other, cdt}) {
    status = persons->GetPerson((*server)->Context(outsider).get(), get, &read);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << outsider.subject;
    EXPECT_EQ(status.error_message(), person.name() + " not found");
  }
  v1::ErasePersonRequest erase;
  erase.set_name(person.name());
  erase.set_basis(v1::ERASURE_BASIS_DATA_SUBJECT_REQUEST);
  EXPECT_EQ(persons->ErasePerson((*server)->Context(other).get(), erase, &read).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // The log holds the registration and the recorded read, never the name.
  v1::ListEventsRequest history;
  history.set_stream("person-" + person.name().substr(std::string("persons/").size()));
  v1::ListEventsResponse events;
  ASSERT_TRUE(audit->ListEvents((*server)->Context(admin).get(), history, &events).ok());
  ASSERT_EQ(events.events_size(), 2);
  EXPECT_EQ(events.events(1).type(), "ctg.v1.PersonDataAccessed");
  EXPECT_EQ(events.events(1).metadata().actor().subject(), "admin-1");
  for (const v1::AuditEvent& event : events.events()) {
    EXPECT_EQ(event.payload_json().find(family), std::string::npos);
  }
  // The person's history is read as the person: by the collectivité that registered them, not
  // by a CDT whom no CTG of their portfolio concerns them, the commission or another
  // collectivité (as for a stream that does not exist).
  ASSERT_TRUE(audit->ListEvents((*server)->Context(employer).get(), history, &events).ok());
  EXPECT_EQ(events.events_size(), 2);
  const auto commission = Person("commission-1", kCaf, platform::Role::kCafCommission);
  for (const platform::Principal& outsider : {cdt, commission, other}) {
    status = audit->ListEvents((*server)->Context(outsider).get(), history, &events);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << outsider.subject;
  }
  v1::ListEventsRequest by_tag;
  by_tag.set_tag("person:" + person.name().substr(std::string("persons/").size()));
  ASSERT_TRUE(audit->ListEvents((*server)->Context(cdt).get(), by_tag, &events).ok());
  EXPECT_EQ(events.events_size(), 0) << "a tag shows only what the caller may read";

  // Erasure: the key goes, reads say erased.
  ASSERT_TRUE(persons->ErasePerson((*server)->Context(employer).get(), erase, &read).ok());
  EXPECT_TRUE(read.erased());
  ASSERT_TRUE(persons->GetPerson((*server)->Context(admin).get(), get, &read).ok());
  EXPECT_TRUE(read.erased());
  EXPECT_FALSE(read.has_identity());
  // Erasing again returns the person unchanged, whatever was written meanwhile.
  for (int i = 0; i < 3; ++i) {
    v1::CreatePersonRequest another = create;
    another.mutable_person()->mutable_identity()->set_family_name(absl::StrCat("Autre", i));
    another.mutable_person()->mutable_identity()->clear_email();
    v1::Person created;
    ASSERT_TRUE(persons->CreatePerson((*server)->Context(employer).get(), another, &created).ok());
    v1::Person again;
    status = persons->ErasePerson((*server)->Context(employer).get(), erase, &again);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(again.erased());
    EXPECT_EQ(again.etag(), read.etag());
  }
  ASSERT_EQ((*server)->Stop(SIGTERM), 0);

  // Nowhere in any file of the data, vault or logs: the name, nor its e-mail address.
  EXPECT_THAT(FilesContaining(dir.path(), family), ::testing::IsEmpty());
  // And every proof still verifies.
  CommandResult verify = RunCtgd({"verify", "--config=" + (*server)->config_path()});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

TEST(OperatorCommandsTest, BackupVerifyAndRestoreRoundTrip) {
  TempDir dir;
  CtgdOptions options;
  options.dir = dir.path();
  auto server = CtgdProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  const auto admin = Person("admin-1", kCaf, platform::Role::kCafAdmin);
  auto partners = v1::PartnersService::NewStub((*server)->Channel());
  v1::CreateOrganisationRequest request;
  request.mutable_organisation()->set_siren(kCaf);
  request.mutable_organisation()->set_type(v1::ORGANISATION_TYPE_CAF);
  request.mutable_organisation()->set_display_name("Caf de Valmont");
  v1::Organisation created;
  ASSERT_TRUE(partners->CreateOrganisation((*server)->Context(admin).get(), request, &created).ok());
  ASSERT_EQ((*server)->Stop(SIGTERM), 0);

  const std::string config = "--config=" + (*server)->config_path();
  const std::string backups = "--backup_dir=" + dir.Sub("backups");
  CommandResult verify = RunCtgd({"verify", config});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_THAT(verify.output, HasSubstr("verify: ok, 1 events"));

  CommandResult backup = RunCtgd({"backup", config, backups});
  EXPECT_EQ(backup.exit_code, 0) << backup.output;
  EXPECT_THAT(backup.output, HasSubstr("verified"));

  const std::string restored = "--data_dir=" + dir.Sub("restored");
  CommandResult restore = RunCtgd({"restore", config, backups, restored});
  EXPECT_EQ(restore.exit_code, 0) << restore.output;
  EXPECT_THAT(restore.output, HasSubstr("1 events"));
  // Backups do not hold the signing key: the restored store opens with the original's.
  EXPECT_NE(RunCtgd({"verify", config, restored}).exit_code, 0);
  const std::string key = "--signing_key_file=" + (*server)->data_dir() + "/signing_key.pem";
  CommandResult verify_restored = RunCtgd({"verify", config, restored, key});
  EXPECT_EQ(verify_restored.exit_code, 0) << verify_restored.output;
  EXPECT_THAT(verify_restored.output, HasSubstr("verify: ok, 1 events"));
  // Same root as the original.
  EXPECT_EQ(verify_restored.output.substr(verify_restored.output.find("root")),
            verify.output.substr(verify.output.find("root")));

  // A restore never overwrites a store, and a usage error is exit code 2.
  EXPECT_NE(RunCtgd({"restore", config, backups, restored}).exit_code, 0);
  EXPECT_EQ(RunCtgd({"frobnicate", config}).exit_code, 2);
}

TEST(MutualTlsTest, ARequiredClientCertificateIsEnforced) {
  TempDir dir;
  CtgdOptions options;
  options.dir = dir.path();
  options.require_client_cert = true;
  auto server = CtgdProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  const auto admin = Person("admin-1", kCaf, platform::Role::kCafAdmin);
  v1::ListOrganisationsRequest request;
  v1::ListOrganisationsResponse response;

  auto without = v1::PartnersService::NewStub((*server)->Channel(/*client_cert=*/false));
  EXPECT_EQ(without->ListOrganisations((*server)->Context(admin).get(), request, &response)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  auto with = v1::PartnersService::NewStub((*server)->Channel(/*client_cert=*/true));
  grpc::Status status = with->ListOrganisations((*server)->Context(admin).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ((*server)->Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace ctg::testing
