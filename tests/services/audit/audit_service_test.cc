// AuditService and AdminService over a real in-process gRPC server (local TCP credentials) and
// a real store. The principal comes from an `x-test-principal` header that a test-only
// interceptor records for the call, as ctgd's interceptor records a verified bearer token
// (everything after that is the production path).
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "ctg/v1/admin.grpc.pb.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/plans_events.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/api/call_context.h"
#include "services/audit/api/admin_service.h"
#include "services/audit/api/audit_service.h"
#include "services/partners/api/partners_module.h"
#include "services/plans/api/plans_module.h"
#include "services/platform/command.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::audit_api {
namespace {

using api::CallIdentity;
using api::ForgetCall;
using api::RememberCall;

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPrincipalHeader[] = "x-test-principal";

// "subject|organisation|role[,role…]" → the call's principal, recorded the way ctgd's call
// interceptor records a verified bearer token (services/api/call_context.h).
class TestPrincipalInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit TestPrincipalInterceptor(grpc::experimental::ServerRpcInfo* info) : info_(info) {}
  ~TestPrincipalInterceptor() override { ForgetCall(info_->server_context()); }
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      const auto* metadata = methods->GetRecvInitialMetadata();
      auto it = metadata->find(kPrincipalHeader);
      if (it != metadata->end()) {
        std::vector<std::string> parts =
            absl::StrSplit(absl::string_view(it->second.data(), it->second.size()), '|');
        absl::StatusOr<platform::Principal> principal =
            absl::UnauthenticatedError("bad test principal header");
        if (parts.size() == 3) {
          platform::Principal p{parts[0], parts[1], {}};
          for (absl::string_view role : absl::StrSplit(parts[2], ',')) {
            if (auto parsed = platform::ParseRole(role)) p.roles.push_back(*parsed);
          }
          principal = std::move(p);
        }
        RememberCall(info_->server_context(), {"test-call", std::move(principal)});
      }
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
};

class TestPrincipalInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new TestPrincipalInterceptor(info);
  }
};

constexpr char kAdmin[] = "admin-1|900000001|caf_admin";
constexpr char kCommission[] = "commission-1|900000001|caf_commission";
constexpr char kValDOrbeElu[] = "vo-elu|900000002|elu";
constexpr char kPlaineAdmin[] = "pl-admin|900000003|collectivite_admin";

class AuditServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = eventstore::EventStore::Open(dir_.Sub("store"), eventstore::Options());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    // Val d'Orbe's CTG (positions 0..2) and Plaine's (3..4).
    AppendCtg("val-orbe-2025", "900000002");
    AppendCtg("plaine-2024", "900000003");
    // The registry's contexts, as in ctgd: their read models and stream categories.
    partners_ = std::make_unique<partners_api::PartnersModule>(*store_);
    plans_ = std::make_unique<plans_api::PlansModule>(*store_, *partners_);
    ASSERT_OK(platform::CatchUp(*store_, {partners_->ReadModels()[0], plans_->ReadModels()[0]}));
    for (api::Module* module : {static_cast<api::Module*>(partners_.get()),
                                static_cast<api::Module*>(plans_.get())}) {
      for (platform::StreamCategory& category : module->StreamCategories()) {
        ASSERT_OK(streams_.Add(std::move(category)));
      }
    }

    AuditServiceImpl::Options options;
    options.progress_interval = absl::Milliseconds(200);
    audit_ = std::make_unique<AuditServiceImpl>(*store_, streams_, options);
    admin_ = std::make_unique<AdminServiceImpl>(*store_, dir_.Sub("backups"));
    std::shared_ptr<grpc::ServerCredentials> credentials =
        grpc::experimental::LocalServerCredentials(LOCAL_TCP);
    grpc::ServerBuilder builder;
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(std::make_unique<TestPrincipalInterceptorFactory>());
    builder.experimental().SetInterceptorCreators(std::move(creators));
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", credentials, &port);
    builder.RegisterService(audit_.get());
    builder.RegisterService(admin_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::experimental::LocalCredentials(LOCAL_TCP));
    audit_stub_ = v1::AuditService::NewStub(channel_);
    admin_stub_ = v1::AdminService::NewStub(channel_);
  }

  void TearDown() override {
    if (server_ != nullptr) {
      audit_->Shutdown();
      server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    }
  }

  void Append(const std::string& stream, const google::protobuf::Message& payload) {
    platform::CommandContext context;
    context.principal = platform::Principal{"admin-1", "900000001", {platform::Role::kCafAdmin}};
    context.now = absl::Now();
    ASSERT_OK(store_->Append(stream, eventstore::ExpectedRevision::Any(),
                             {platform::MakeEventData(context, 0, payload,
                                                      {"ctg:" + stream.substr(4)})}));
  }

  void AppendCtg(const std::string& id, const std::string& collectivite) {
    v1::CtgDrafted drafted;
    drafted.set_ctg_id(id);
    drafted.set_title("CTG " + id);
    drafted.set_caf("organisations/900000001");
    drafted.set_porteur("organisations/" + collectivite);
    Append("ctg-" + id, drafted);
    v1::CtgSignatoryAdded added;
    added.set_organisation("organisations/" + collectivite);
    added.set_role(v1::SIGNATORY_ROLE_COLLECTIVITE_PORTEUSE);
    Append("ctg-" + id, added);
    if (id == "val-orbe-2025") {
      v1::CtgRetitled retitled;
      retitled.set_title("CTG du Val d'Orbe");
      Append("ctg-" + id, retitled);
    }
  }

  static std::unique_ptr<grpc::ClientContext> As(const char* principal) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (principal != nullptr) context->AddMetadata(kPrincipalHeader, principal);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return context;
  }

  ctg::testing::TempDir dir_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<partners_api::PartnersModule> partners_;
  std::unique_ptr<plans_api::PlansModule> plans_;
  platform::StreamCatalog streams_;
  std::unique_ptr<AuditServiceImpl> audit_;
  std::unique_ptr<AdminServiceImpl> admin_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AuditService::Stub> audit_stub_;
  std::unique_ptr<v1::AdminService::Stub> admin_stub_;
};

TEST_F(AuditServiceTest, WithoutPrincipalEveryCallIsUnauthenticated) {
  v1::ListEventsRequest request;
  request.set_stream("ctg-val-orbe-2025");
  v1::ListEventsResponse response;
  EXPECT_EQ(audit_stub_->ListEvents(As(nullptr).get(), request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::Checkpoint checkpoint;
  EXPECT_EQ(audit_stub_->GetCheckpoint(As(nullptr).get(), {}, &checkpoint).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::VerifyLogResponse verify;
  EXPECT_EQ(admin_stub_->VerifyLog(As(nullptr).get(), {}, &verify).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuditServiceTest, ListEventsPagesWithTokensAndHidesOtherCtgs) {
  v1::ListEventsRequest request;
  request.set_stream("ctg-val-orbe-2025");
  request.set_page_size(2);
  v1::ListEventsResponse first;
  grpc::Status status = audit_stub_->ListEvents(As(kValDOrbeElu).get(), request, &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(first.events_size(), 2);
  EXPECT_EQ(first.events(0).type(), "ctg.v1.CtgDrafted");
  EXPECT_THAT(first.events(0).payload_json(), HasSubstr("\"ctg_id\":\"val-orbe-2025\""));
  ASSERT_FALSE(first.next_page_token().empty());

  request.set_page_token(first.next_page_token());
  v1::ListEventsResponse second;
  status = audit_stub_->ListEvents(As(kValDOrbeElu).get(), request, &second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(second.events_size(), 1);
  EXPECT_EQ(second.events(0).position(), 2);
  EXPECT_TRUE(second.next_page_token().empty());

  // The token is tied to its filters.
  request.add_event_types("ctg.v1.CtgRetitled");
  v1::ListEventsResponse other;
  EXPECT_EQ(audit_stub_->ListEvents(As(kValDOrbeElu).get(), request, &other).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Another collectivité's CTG does not exist for the élu.
  v1::ListEventsRequest hidden;
  hidden.set_stream("ctg-plaine-2024");
  status = audit_stub_->ListEvents(As(kValDOrbeElu).get(), hidden, &other);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "stream 'ctg-plaine-2024' not found");
  EXPECT_TRUE(audit_stub_->ListEvents(As(kPlaineAdmin).get(), hidden, &other).ok());

  v1::ListEventsRequest no_source;
  status = audit_stub_->ListEvents(As(kAdmin).get(), no_source, &other);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("source"));
}

TEST_F(AuditServiceTest, CheckpointAndProofs) {
  ASSERT_OK(store_->SignCheckpoint().status());
  v1::Checkpoint checkpoint;
  grpc::Status status = audit_stub_->GetCheckpoint(As(kValDOrbeElu).get(), {}, &checkpoint);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(checkpoint.tree_size(), 5);
  EXPECT_EQ(checkpoint.verifier_key(), store_->verifier_key().ToString());

  v1::GetInclusionProofRequest inclusion;
  inclusion.set_position(1);
  v1::InclusionProof proof;
  status = audit_stub_->GetInclusionProof(As(kValDOrbeElu).get(), inclusion, &proof);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(proof.tree_size(), 5);
  EXPECT_TRUE(proof.has_checkpoint());
  inclusion.set_position(3);  // Plaine's
  EXPECT_EQ(audit_stub_->GetInclusionProof(As(kValDOrbeElu).get(), inclusion, &proof).error_code(),
            grpc::StatusCode::NOT_FOUND);
  inclusion.set_position(-1);
  EXPECT_EQ(audit_stub_->GetInclusionProof(As(kAdmin).get(), inclusion, &proof).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::GetConsistencyProofRequest consistency;
  consistency.set_first_size(2);
  v1::ConsistencyProof consistency_proof;
  status = audit_stub_->GetConsistencyProof(As(kValDOrbeElu).get(), consistency,
                                            &consistency_proof);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(consistency_proof.second_size(), 5);
  consistency.set_first_size(0);
  EXPECT_EQ(audit_stub_->GetConsistencyProof(As(kAdmin).get(), consistency, &consistency_proof)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AuditServiceTest, SubscribeDeliversStoredThenLiveEventsAndProgress) {
  auto context = As(kCommission);
  v1::SubscribeEventsRequest request;
  request.set_tag("ctg:val-orbe-2025");
  auto reader = audit_stub_->SubscribeEvents(context.get(), request);
  std::vector<int64_t> positions;
  v1::SubscribeEventsResponse message;
  // The three stored events of the tag, then a progress at the log's end.
  while (reader->Read(&message)) {
    if (message.has_event()) positions.push_back(message.event().position());
    if (message.has_progress() && message.progress().position() == 5) break;
  }
  EXPECT_THAT(positions, ElementsAre(0, 1, 2));
  v1::CtgRetitled retitled;
  retitled.set_title("live");
  Append("ctg-val-orbe-2025", retitled);  // position 5
  ASSERT_TRUE(reader->Read(&message));
  while (!message.has_event()) ASSERT_TRUE(reader->Read(&message));
  EXPECT_EQ(message.event().position(), 5);
  EXPECT_EQ(message.event().payload_json(), "{\"title\":\"live\"}");
  // Heartbeats keep coming.
  ASSERT_TRUE(reader->Read(&message));
  EXPECT_TRUE(message.has_progress());
  context->TryCancel();
  while (reader->Read(&message)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(AuditServiceTest, SubscribeIsRefusedToCollectivitesAndChecksItsArguments) {
  v1::SubscribeEventsRequest request;
  auto context = As(kValDOrbeElu);
  auto reader = audit_stub_->SubscribeEvents(context.get(), request);
  v1::SubscribeEventsResponse message;
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);

  request.set_start_position(6);
  auto beyond_context = As(kAdmin);
  auto beyond = audit_stub_->SubscribeEvents(beyond_context.get(), request);
  EXPECT_FALSE(beyond->Read(&message));
  EXPECT_EQ(beyond->Finish().error_code(), grpc::StatusCode::OUT_OF_RANGE);
}

TEST_F(AuditServiceTest, ShutdownEndsLiveSubscriptionsAndRefusesNewOnes) {
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::SubscribeEventsResponse>>> readers;
  for (int i = 0; i < 3; ++i) {
    contexts.push_back(As(kAdmin));
    readers.push_back(audit_stub_->SubscribeEvents(contexts.back().get(), {}));
    v1::SubscribeEventsResponse message;
    ASSERT_TRUE(readers.back()->Read(&message));  // it is live
  }
  audit_->Shutdown();
  for (auto& reader : readers) {
    v1::SubscribeEventsResponse message;
    while (reader->Read(&message)) {
    }
    grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(status.error_message(), "server shutting down");
  }
  auto late_context = As(kAdmin);
  auto late = audit_stub_->SubscribeEvents(late_context.get(), {});
  v1::SubscribeEventsResponse message;
  EXPECT_FALSE(late->Read(&message));
  EXPECT_EQ(late->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(AuditServiceTest, ServerShutdownCancelsASubscriptionTheServiceWasNotToldAbout) {
  auto context = As(kAdmin);
  auto reader = audit_stub_->SubscribeEvents(context.get(), {});
  v1::SubscribeEventsResponse message;
  ASSERT_TRUE(reader->Read(&message));
  const absl::Time start = absl::Now();
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  while (reader->Read(&message)) {
  }
  EXPECT_FALSE(reader->Finish().ok());
  server_.reset();
}

TEST_F(AuditServiceTest, AdminIsForTheCafAdminAndRunsBackupsAndVerification) {
  v1::Backup backup;
  EXPECT_EQ(admin_stub_->CreateBackup(As(kCommission).get(), {}, &backup).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::ListBackupsResponse none;
  grpc::Status status = admin_stub_->ListBackups(As(kAdmin).get(), {}, &none);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(none.backups_size(), 0);

  status = admin_stub_->CreateBackup(As(kAdmin).get(), {}, &backup);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(backup.backup_id(), 0u);
  EXPECT_THAT(backup.checkpoint_note(), HasSubstr("\n5\n"));

  v1::ListBackupsResponse one;
  status = admin_stub_->ListBackups(As(kAdmin).get(), {}, &one);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(one.backups_size(), 1);
  EXPECT_EQ(one.backups(0).backup_id(), backup.backup_id());

  v1::VerifyLogResponse verify;
  status = admin_stub_->VerifyLog(As(kAdmin).get(), {}, &verify);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(verify.ok()) << verify.message();
  EXPECT_EQ(verify.tree_size(), 5);
  EXPECT_EQ(verify.root_hash().size(), 32u);
}

TEST_F(AuditServiceTest, ConcurrentAdminCallsAllFinish) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0}, exhausted{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      v1::VerifyLogResponse verify;
      grpc::Status status = admin_stub_->VerifyLog(As(kAdmin).get(), {}, &verify);
      if (status.ok()) ++ok;
      if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) ++exhausted;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ok + exhausted, 8);
  EXPECT_GE(ok, 1);
}

}  // namespace
}  // namespace ctg::audit_api
