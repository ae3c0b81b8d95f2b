#include "services/server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/event_store.h"
#include "services/platform/jwt.h"
#include "services/platform/vault.h"
#include "services/server/auth.h"
#include "services/server/config.h"
#include "services/server/demo.h"
#include "services/server/log_verifier.h"
#include "services/server/modules.h"
#include "services/server/observability.h"
#include "services/server/retention.h"
#include "services/staffing/api/staffing_module.h"

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

// OK if this process may listen on `address` ("host:port", "[v6]:port"; port 0 always fits
// a free port): a socket is bound to it and closed again, so that a busy or foreign address
// stops ctgd before it creates or opens anything on disk. `what` names the setting.
absl::Status CheckCanListen(absl::string_view address, absl::string_view what) {
  const size_t colon = address.rfind(':');
  std::string host(address.substr(0, colon == absl::string_view::npos ? 0 : colon));
  const std::string port(colon == absl::string_view::npos ? "" : address.substr(colon + 1));
  int port_number = 0;
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(port, &port_number) ||
      port_number < 0 || port_number > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " '", address.substr(0, 64), "' is not host:port"));
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found) != 0 ||
      found == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " '", address.substr(0, 64), "': no such address on this host"));
  }
  absl::Status status = absl::OkStatus();
  for (addrinfo* candidate = found; candidate != nullptr; candidate = candidate->ai_next) {
    const int fd = ::socket(candidate->ai_family, candidate->ai_socktype, candidate->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    const bool bound = ::bind(fd, candidate->ai_addr, candidate->ai_addrlen) == 0;
    const int error = errno;
    ::close(fd);
    if (!bound) {
      status = absl::UnavailableError(absl::StrCat(
          "cannot listen on ", address.substr(0, 64), " (", what, "): ",
          error == EADDRINUSE ? "address in use (another ctgd? pick another port)"
                              : "not an address of this host, or not allowed"));
      break;
    }
  }
  freeaddrinfo(found);
  return status;
}

// The dev token-signing key, kept in `path` (0600) so that tokens minted before a restart
// stay valid: loaded if the file exists, else generated and written.
absl::StatusOr<std::unique_ptr<platform::JwtSigner>> DevSigner(const std::filesystem::path& path) {
  constexpr auto kAlgorithm = platform::JwtSigner::Algorithm::kES256;
  if (std::filesystem::exists(path)) {
    ASSIGN_OR_RETURN(std::string pem, ReadFile(path.string()));
    absl::StatusOr<std::unique_ptr<platform::JwtSigner>> signer =
        platform::JwtSigner::FromPrivateKeyPem(kAlgorithm, "ctgd-dev", pem);
    if (!signer.ok()) {
      return absl::DataLossError(absl::StrCat("the dev token-signing key ", path.string(), ": ",
                                              signer.status().message(),
                                              "; delete it to get a new one"));
    }
    return signer;
  }
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  if (error) return absl::UnavailableError(absl::StrCat("cannot create ", path.parent_path().string()));
  ASSIGN_OR_RETURN(std::unique_ptr<platform::JwtSigner> signer,
                   platform::JwtSigner::Generate(kAlgorithm, "ctgd-dev"));
  RETURN_IF_ERROR(WritePrivateFile(path, signer->private_key_pem()));
  return signer;
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

// The health service that says whether the last verification of the whole log passed.
constexpr char kLogIntegrityHealth[] = "ctgd.LogIntegrity";

// The overall status and every module's services', all at once.
void SetHealth(grpc::Server& server, const Modules& modules, bool serving) {
  server.GetHealthCheckService()->SetServingStatus(serving);
  for (const api::Module::Service& service : modules.Services()) {
    server.GetHealthCheckService()->SetServingStatus(service.name, serving);
  }
}

}  // namespace

struct Ctgd::Impl {
  ServerConfig config;
  std::unique_ptr<eventstore::EventStore> store;
  std::unique_ptr<platform::KeyVault> vault;  // personal data keys, apart from the log
  std::unique_ptr<Modules> modules;  // every context: read models and services
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<platform::JwtSigner> dev_signer;  // --dev only
  std::unique_ptr<BearerAuthenticator> authenticator;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<RetentionSweeper> retention;
  std::unique_ptr<LogVerifier> log_verifier;  // none if verify_interval_seconds < 0
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
  // Every address first: a second instance, or a typo, must stop us before we touch the disk.
  RETURN_IF_ERROR(CheckCanListen(config.listen(), "listen"));
  if (!config.metrics_listen().empty()) {
    RETURN_IF_ERROR(CheckCanListen(config.metrics_listen(), "metrics_listen"));
  }
  auto impl = std::make_unique<Impl>();
  impl->config = config;

  // Authentication next: a bad key file must stop us before we touch the store.
  std::unique_ptr<platform::JwtVerifier> verifier;
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (dev) {
    ASSIGN_OR_RETURN(impl->dev_signer,
                     DevSigner(std::filesystem::path(config.data_dir()) / "dev" /
                               "token_signing_key.pem"));
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
  store_options.verify_reads = !config.skip_read_verification();
  ASSIGN_OR_RETURN(impl->store, eventstore::EventStore::Open(config.data_dir(), store_options));
  platform::VaultOptions vault_options;
  vault_options.kek_path = config.vault_kek_file();
  ASSIGN_OR_RETURN(impl->vault, platform::KeyVault::Open(config.vault_dir(), vault_options));
  ASSIGN_OR_RETURN(impl->modules,
                   Modules::Compose(*impl->store, *impl->vault, config.backup_dir()));
  ASSIGN_OR_RETURN(impl->metrics,
                   Metrics::Start(
                       config.metrics_listen(), [store = impl->store.get()] { return store->Size(); },
                       [store = impl->store.get()] { return store->IntegrityFailures(); }));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen(), credentials, &impl->port);
  for (const api::Module::Service& service : impl->modules->Services()) {
    builder.RegisterService(service.service);
  }
  builder.SetMaxReceiveMessageSize(config.limits().max_receive_message_bytes());
  builder.SetMaxSendMessageSize(config.limits().max_send_message_bytes());
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             config.limits().max_concurrent_streams());
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10 * 1000);
  builder.experimental().SetInterceptorCreators(
      impl->metrics->InterceptorFactories(impl->authenticator.get()));
  // The dev tokens exist before anything listens: a client that finds the port finds them.
  if (dev) RETURN_IF_ERROR(impl->WriteDevTokens());
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || impl->port == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", config.listen(), " (address in use, or not an address of this host)"));
  }
  // gRPC's health service starts SERVING: NOT_SERVING until everything below is ready.
  SetHealth(*impl->server, *impl->modules, false);

  if (dev) {
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
  staffing_api::StaffingModule* staffing = &impl->modules->staffing();
  impl->retention = std::make_unique<RetentionSweeper>(
      impl->modules->persons(),
      [staffing](absl::string_view name) { return staffing->RecruitmentOutcomeOf(name); },
      retention);
  impl->retention->Start();

  SetHealth(*impl->server, *impl->modules, true);
  impl->server->GetHealthCheckService()->SetServingStatus(kLogIntegrityHealth, true);
  // The whole log verified in the background now, then on schedule; a problem found turns
  // health NOT_SERVING for good (the store must be restored).
  if (config.verify_interval_seconds() > 0) {
    Impl* raw = impl.get();
    impl->log_verifier = std::make_unique<LogVerifier>(
        *impl->store, absl::Seconds(config.verify_interval_seconds()),
        [raw](const absl::StatusOr<eventstore::VerifyReport>& outcome) {
          raw->metrics->LogVerified(outcome);
          if (outcome.ok() && !outcome->ok()) {
            SetHealth(*raw->server, *raw->modules, false);
            raw->server->GetHealthCheckService()->SetServingStatus(kLogIntegrityHealth, false);
          }
        });
    impl->log_verifier->Start();
  }
  Log("info", "serving",
      {{"listen", config.listen()},
       {"port", absl::StrCat(impl->port)},
       {"metrics_port", absl::StrCat(impl->metrics->port())},
       {"data_dir", config.data_dir()},
       {"vault_dir", config.vault_dir()},
       {"events", absl::StrCat(impl->store->Size())},
       {"verifier_key", impl->store->verifier_key().ToString()},
       {"mode", dev ? "dev (plaintext, loopback)" : "tls"}});
  return std::unique_ptr<Ctgd>(new Ctgd(std::move(impl)));
}

Ctgd::Ctgd(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Ctgd::~Ctgd() { Shutdown(); }

int Ctgd::port() const { return impl_->port; }
int Ctgd::metrics_port() const { return impl_->metrics->port(); }
std::string Ctgd::verifier_key() const { return impl_->store->verifier_key().ToString(); }

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
  if (impl_->log_verifier != nullptr) impl_->log_verifier->Stop();
  impl_->modules->Shutdown();  // live subscriptions end now; they would hold the drain
  impl_->server->Shutdown(std::chrono::system_clock::now() +
                          std::chrono::seconds(impl_->config.shutdown_grace_seconds()));
  impl_->server->Wait();
  if (absl::Status s = impl_->store->Close(); !s.ok()) {
    Log("error", "closing the store failed", {{"error", std::string(s.message())}});
  }
  Log("info", "stopped", {{"events", absl::StrCat(impl_->store->Size())}});
}

}  // namespace ctg::server
