#include "services/server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/event_store.h"
#include "services/api/admin_service.h"
#include "services/api/audit_service.h"
#include "services/api/partners_service.h"
#include "services/api/persons_service.h"
#include "services/api/plans_service.h"
#include "services/api/registry.h"
#include "services/api/staffing_service.h"
#include "services/platform/jwt.h"
#include "services/platform/vault.h"
#include "services/server/auth.h"
#include "services/server/config.h"
#include "services/server/demo.h"
#include "services/server/observability.h"
#include "services/server/retention.h"

namespace ctg::server {
namespace {

using ctg::server::v1::ServerConfig;

constexpr char kDevIssuer[] = "ctgd-dev";
constexpr char kDevAudience[] = "ctg-platform";

// Writes `content` to `path` with mode 0600, atomically.
absl::Status WritePrivateFile(const std::filesystem::path& path, const std::string& content) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", tmp.string()));
    out << content;
    if (!out.flush()) return absl::UnavailableError(absl::StrCat("cannot write ", tmp.string()));
  }
  ::chmod(tmp.c_str(), 0600);
  std::error_code error;
  std::filesystem::rename(tmp, path, error);
  if (error) return absl::UnavailableError(absl::StrCat("cannot write ", path.string()));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<platform::JwtVerifier>> ProductionVerifier(
    const ServerConfig& config) {
  platform::JwtVerifierOptions options;
  options.issuer = config.auth().issuer();
  options.audience = config.auth().audience();
  options.leeway = absl::Seconds(config.auth().leeway_seconds());
  options.organisation_claim = config.auth().organisation_claim();
  options.roles_claim = config.auth().roles_claim();
  std::vector<platform::JwtPublicKey> keys;
  for (const auto& key : config.auth().keys()) {
    ASSIGN_OR_RETURN(std::string pem, ReadFile(key.public_key_file()));
    keys.push_back({key.key_id(), std::move(pem)});
  }
  return platform::JwtVerifier::Create(options, keys);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> TlsCredentials(
    const ServerConfig& config) {
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ASSIGN_OR_RETURN(std::string cert, ReadFile(config.tls().cert_file()));
  ASSIGN_OR_RETURN(std::string key, ReadFile(config.tls().key_file()));
  options.pem_key_cert_pairs.push_back({key, cert});
  if (!config.tls().client_ca_file().empty()) {
    ASSIGN_OR_RETURN(options.pem_root_certs, ReadFile(config.tls().client_ca_file()));
    options.client_certificate_request =
        config.tls().require_client_cert()
            ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
            : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace

struct Ctgd::Impl {
  ServerConfig config;
  std::unique_ptr<eventstore::EventStore> store;
  std::unique_ptr<platform::KeyVault> vault;  // personal data keys, apart from the log
  std::unique_ptr<api::Registry> registry;
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<platform::JwtSigner> dev_signer;  // --dev only
  std::unique_ptr<BearerAuthenticator> authenticator;
  std::unique_ptr<api::PartnersServiceImpl> partners;
  std::unique_ptr<api::PlansServiceImpl> plans;
  std::unique_ptr<api::PersonsServiceImpl> persons;
  std::unique_ptr<api::StaffingServiceImpl> staffing;
  std::unique_ptr<api::AuditServiceImpl> audit;
  std::unique_ptr<api::AdminServiceImpl> admin;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<RetentionSweeper> retention;
  int port = 0;
  absl::Mutex mu;
  bool shut_down ABSL_GUARDED_BY(mu) = false;

  // Mints and writes a token for each demo principal; returns the caf-admin's.
  absl::Status WriteDevTokens();
  absl::StatusOr<std::string> DevToken(const std::string& name) const;
};

absl::StatusOr<std::string> Ctgd::Impl::DevToken(const std::string& name) const {
  for (const DemoPrincipal& demo : DemoPrincipals()) {
    if (demo.name == name) {
      return dev_signer->Mint(demo.principal, kDevIssuer, kDevAudience, absl::Now(),
                              absl::Hours(24));
    }
  }
  return absl::NotFoundError(absl::StrCat("no demo principal ", name));
}

absl::Status Ctgd::Impl::WriteDevTokens() {
  const std::filesystem::path dir = std::filesystem::path(config.data_dir()) / "dev" / "tokens";
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return absl::UnavailableError(absl::StrCat("cannot create ", dir.string()));
  for (const DemoPrincipal& demo : DemoPrincipals()) {
    ASSIGN_OR_RETURN(std::string token, DevToken(demo.name));
    RETURN_IF_ERROR(WritePrivateFile(dir / (demo.name + ".jwt"), token + "\n"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Ctgd>> Ctgd::Start(ServerConfig config, bool dev) {
  ApplyDefaults(config);
  RETURN_IF_ERROR(ValidateConfig(config, dev));
  auto impl = std::make_unique<Impl>();
  impl->config = config;

  // Authentication first: a bad key file must stop us before we touch the store.
  std::unique_ptr<platform::JwtVerifier> verifier;
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (dev) {
    ASSIGN_OR_RETURN(impl->dev_signer, platform::JwtSigner::Generate(
                                           platform::JwtSigner::Algorithm::kES256, "ctgd-dev"));
    platform::JwtVerifierOptions options;
    options.issuer = kDevIssuer;
    options.audience = kDevAudience;
    ASSIGN_OR_RETURN(verifier,
                     platform::JwtVerifier::Create(options, {impl->dev_signer->public_key()}));
    credentials = grpc::experimental::LocalServerCredentials(LOCAL_TCP);
  } else {
    ASSIGN_OR_RETURN(verifier, ProductionVerifier(config));
    ASSIGN_OR_RETURN(credentials, TlsCredentials(config));
  }
  impl->authenticator = std::make_unique<BearerAuthenticator>(std::move(verifier));

  eventstore::Options store_options;
  store_options.origin = config.log_origin();
  store_options.signing_key_path = config.signing_key_file();
  ASSIGN_OR_RETURN(impl->store, eventstore::EventStore::Open(config.data_dir(), store_options));
  platform::VaultOptions vault_options;
  vault_options.kek_path = config.vault_kek_file();
  ASSIGN_OR_RETURN(impl->vault, platform::KeyVault::Open(config.vault_dir(), vault_options));
  impl->registry = std::make_unique<api::Registry>(*impl->store);
  RETURN_IF_ERROR(impl->registry->Load());
  ASSIGN_OR_RETURN(impl->metrics,
                   Metrics::Start(config.metrics_listen(),
                                  [store = impl->store.get()] { return store->Size(); }));

  impl->partners = std::make_unique<api::PartnersServiceImpl>(*impl->registry);
  impl->plans = std::make_unique<api::PlansServiceImpl>(*impl->registry);
  impl->persons = std::make_unique<api::PersonsServiceImpl>(*impl->registry, *impl->vault);
  impl->staffing = std::make_unique<api::StaffingServiceImpl>(*impl->registry);
  impl->audit = std::make_unique<api::AuditServiceImpl>(*impl->registry);
  impl->admin = std::make_unique<api::AdminServiceImpl>(*impl->registry, config.backup_dir());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen(), credentials, &impl->port);
  builder.RegisterService(impl->partners.get());
  builder.RegisterService(impl->plans.get());
  builder.RegisterService(impl->persons.get());
  builder.RegisterService(impl->staffing.get());
  builder.RegisterService(impl->audit.get());
  builder.RegisterService(impl->admin.get());
  builder.SetMaxReceiveMessageSize(config.limits().max_receive_message_bytes());
  builder.SetMaxSendMessageSize(config.limits().max_send_message_bytes());
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             config.limits().max_concurrent_streams());
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10 * 1000);
  builder.experimental().SetInterceptorCreators(
      impl->metrics->InterceptorFactories(impl->authenticator.get()));
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || impl->port == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", config.listen(), " (address in use, or not an address of this host)"));
  }
  impl->server->GetHealthCheckService()->SetServingStatus(true);
  for (const char* service :
       {"ctg.v1.PartnersService", "ctg.v1.PlansService", "ctg.v1.PersonsService",
        "ctg.v1.StaffingService", "ctg.v1.AuditService", "ctg.v1.AdminService"}) {
    impl->server->GetHealthCheckService()->SetServingStatus(service, true);
  }
  Log("info", "serving",
      {{"listen", config.listen()},
       {"port", absl::StrCat(impl->port)},
       {"data_dir", config.data_dir()},
       {"events", absl::StrCat(impl->store->Size())},
       {"mode", dev ? "dev (plaintext, loopback)" : "tls"}});

  if (dev) {
    RETURN_IF_ERROR(impl->WriteDevTokens());
    if (impl->store->Size() == 0) {
      grpc::ChannelArguments args;
      auto channel =
          grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", impl->port),
                                    grpc::experimental::LocalCredentials(LOCAL_TCP), args);
      Impl* raw = impl.get();
      RETURN_IF_ERROR(LoadDemo(
          channel, [raw](const std::string& name) { return raw->DevToken(name).value_or(""); }));
      Log("info", "demo département loaded", {{"events", absl::StrCat(impl->store->Size())}});
    }
  }

  // Candidates not hired are erased N months after their recruitment closes.
  RetentionSweeper::Options retention;
  retention.policy.months = config.candidate_retention_months();
  retention.interval = absl::Seconds(config.retention_sweep_interval_seconds());
  api::Registry* registry = impl->registry.get();
  impl->retention = std::make_unique<RetentionSweeper>(
      *impl->registry, *impl->vault,
      [registry](absl::string_view name) {
        persons::RecruitmentOutcome outcome;
        absl::string_view id = name;
        if (!absl::ConsumePrefix(&id, "recruitments/")) return outcome;
        const auto state = registry->recruitments().Get(staffing::RecruitmentStream(id)).state;
        outcome.closed = state.status == ::ctg::v1::RECRUITMENT_STATUS_TERMINE ||
                         state.status == ::ctg::v1::RECRUITMENT_STATUS_ANNULE;
        outcome.closed_time = state.update_time;
        outcome.hired_person = state.hired_person;
        return outcome;
      },
      retention);
  impl->retention->Start();
  return std::unique_ptr<Ctgd>(new Ctgd(std::move(impl)));
}

Ctgd::Ctgd(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Ctgd::~Ctgd() { Shutdown(); }

int Ctgd::port() const { return impl_->port; }
int Ctgd::metrics_port() const { return impl_->metrics->port(); }

void Ctgd::Shutdown() {
  {
    absl::MutexLock lock(&impl_->mu);
    if (impl_->shut_down) return;
    impl_->shut_down = true;
  }
  Log("info", "shutting down",
      {{"grace_seconds", absl::StrCat(impl_->config.shutdown_grace_seconds())}});
  impl_->server->GetHealthCheckService()->SetServingStatus(false);
  impl_->retention->Stop();
  impl_->audit->Shutdown();  // live subscriptions end now; they would hold the drain
  impl_->server->Shutdown(std::chrono::system_clock::now() +
                          std::chrono::seconds(impl_->config.shutdown_grace_seconds()));
  impl_->server->Wait();
  if (absl::Status s = impl_->store->Close(); !s.ok()) {
    Log("error", "closing the store failed", {{"error", std::string(s.message())}});
  }
  Log("info", "stopped", {{"events", absl::StrCat(impl_->store->Size())}});
}

}  // namespace ctg::server
