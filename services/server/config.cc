#include "services/server/config.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace ctg::server {
namespace {

// Collects the parser's errors with their positions.
class ErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    absl::StrAppend(&errors_, errors_.empty() ? "" : "; ", "line ", line + 1, ", column ",
                    column + 1, ": ", message);
  }
  const std::string& errors() const { return errors_; }

 private:
  std::string errors_;
};

}  // namespace

absl::StatusOr<std::string> ReadFile(absl::string_view path) {
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("error reading ", path));
  return content.str();
}

absl::StatusOr<ctg::server::v1::ServerConfig> LoadConfigFile(absl::string_view path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  ctg::server::v1::ServerConfig config;
  google::protobuf::TextFormat::Parser parser;
  ErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(*text, &config)) {
    return absl::InvalidArgumentError(absl::StrCat("config ", path, ": ", errors.errors()));
  }
  return config;
}

void ApplyDefaults(ctg::server::v1::ServerConfig& config) {
  if (config.listen().empty()) config.set_listen("127.0.0.1:7443");
  if (config.data_dir().empty()) config.set_data_dir("./var/ctg");
  if (config.log_origin().empty()) config.set_log_origin("ctg-platform/dev");
  if (config.backup_dir().empty()) config.set_backup_dir(absl::StrCat(config.data_dir(), "-backups"));
  if (config.shutdown_grace_seconds() <= 0) config.set_shutdown_grace_seconds(10);
  if (config.candidate_retention_months() <= 0) config.set_candidate_retention_months(24);
  if (config.retention_sweep_interval_seconds() <= 0) {
    config.set_retention_sweep_interval_seconds(3600);
  }
  if (config.verify_interval_seconds() == 0) config.set_verify_interval_seconds(86400);
  if (config.vault_dir().empty()) config.set_vault_dir(absl::StrCat(config.data_dir(), "-vault"));
  auto* limits = config.mutable_limits();
  if (limits->max_receive_message_bytes() <= 0) limits->set_max_receive_message_bytes(4 << 20);
  if (limits->max_send_message_bytes() <= 0) limits->set_max_send_message_bytes(16 << 20);
  if (limits->max_concurrent_streams() <= 0) limits->set_max_concurrent_streams(100);
  auto* auth = config.mutable_auth();
  if (auth->leeway_seconds() <= 0) auth->set_leeway_seconds(30);
  if (auth->organisation_claim().empty()) auth->set_organisation_claim("org");
  if (auth->roles_claim().empty()) auth->set_roles_claim("roles");
}

bool IsLoopback(absl::string_view listen) {
  return absl::StartsWith(listen, "127.") || absl::StartsWith(listen, "[::1]:") ||
         absl::StartsWith(listen, "localhost:");
}

absl::Status ValidateConfig(const ctg::server::v1::ServerConfig& config, bool dev) {
  if (dev) {
    if (!IsLoopback(config.listen())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--dev serves plaintext, so only on loopback; listen is '", config.listen(),
          "': use 127.0.0.1:PORT, or drop --dev and configure TLS"));
    }
    return absl::OkStatus();
  }
  if (config.tls().cert_file().empty() || config.tls().key_file().empty()) {
    return absl::InvalidArgumentError(
        "TLS is required: set tls { cert_file, key_file } in the config (see "
        "deploy/ctgd.textproto and deploy/make_dev_certs.sh), or run with --dev on loopback");
  }
  if (config.tls().require_client_cert() && config.tls().client_ca_file().empty()) {
    return absl::InvalidArgumentError("tls.require_client_cert needs tls.client_ca_file");
  }
  if (config.auth().issuer().empty() || config.auth().audience().empty() ||
      config.auth().keys().empty()) {
    return absl::InvalidArgumentError(
        "auth { issuer, audience, keys } are required: ctgd verifies bearer tokens against "
        "your identity provider's public keys");
  }
  return absl::OkStatus();
}

}  // namespace ctg::server
