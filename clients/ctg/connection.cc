#include "clients/ctg/connection.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"

namespace ctg::cli {
namespace {

// Largest response accepted: a page of events is bounded by the server (16 MiB by default).
constexpr int kMaxReceiveBytes = 32 << 20;

absl::StatusOr<std::string> ReadFile(absl::string_view path, absl::string_view what) {
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", what, " ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat("cannot read ", what, " ", path));
  return contents.str();
}

// The host part of a gRPC target.
absl::string_view HostOf(absl::string_view target) {
  for (absl::string_view scheme : {"dns:///", "ipv4:", "ipv6:"}) {
    if (absl::ConsumePrefix(&target, scheme)) break;
  }
  if (absl::ConsumePrefix(&target, "[")) return target.substr(0, target.find(']'));
  size_t colon = target.rfind(':');
  // More than one colon without brackets: a bare IPv6 address (no port).
  if (colon != absl::string_view::npos && target.find(':') == colon)
    target = target.substr(0, colon);
  return target;
}

}  // namespace

bool IsLoopbackTarget(absl::string_view target) {
  absl::string_view host = HostOf(target);
  if (absl::EqualsIgnoreCase(host, "localhost") || host == "::1" || host == "0:0:0:0:0:0:0:1") {
    return true;
  }
  std::vector<absl::string_view> octets = absl::StrSplit(host, '.');
  if (octets.size() != 4 || octets[0] != "127") return false;
  for (absl::string_view octet : octets) {
    int value = 0;
    if (octet.empty() || octet.size() > 3 || !absl::SimpleAtoi(octet, &value) || value > 255) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeCredentials(
    const ConnectionOptions& options) {
  if (!(options.timeout_seconds > 0)) {
    return absl::InvalidArgumentError("--timeout must be a number of seconds above 0");
  }
  if (options.plaintext) {
    if (!IsLoopbackTarget(options.server)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--plaintext is only for a dev server on this machine (localhost, 127.0.0.1, ::1), "
          "not ",
          options.server, ": use TLS with --ca_cert"));
    }
    if (!options.ca_cert_file.empty() || !options.client_cert_file.empty()) {
      return absl::InvalidArgumentError(
          "--plaintext cannot be combined with --ca_cert or --client_cert");
    }
    // Local credentials rather than insecure ones: gRPC itself checks that the peer is on
    // loopback, and ctgd --dev serves LocalServerCredentials(LOCAL_TCP).
    return grpc::experimental::LocalCredentials(LOCAL_TCP);
  }
  if (options.client_cert_file.empty() != options.client_key_file.empty()) {
    return absl::InvalidArgumentError(
        "mutual TLS needs both --client_cert and --client_key (or neither)");
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.ca_cert_file.empty()) {
    auto ca = ReadFile(options.ca_cert_file, "the CA certificate (--ca_cert)");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *std::move(ca);
  }
  if (!options.client_cert_file.empty()) {
    auto cert = ReadFile(options.client_cert_file, "the client certificate (--client_cert)");
    if (!cert.ok()) return cert.status();
    auto key = ReadFile(options.client_key_file, "the client key (--client_key)");
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(ssl);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(const ConnectionOptions& options) {
  auto credentials = MakeCredentials(options);
  if (!credentials.ok()) return credentials.status();
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  arguments.SetString(GRPC_ARG_PRIMARY_USER_AGENT_STRING, "ctg-cli");
  return grpc::CreateCustomChannel(options.server, *credentials, arguments);
}

absl::StatusOr<CallSettings> MakeCallSettings(const ConnectionOptions& options) {
  CallSettings settings;
  settings.server = options.server;
  settings.timeout = absl::Seconds(options.timeout_seconds);
  if (!options.token.empty()) {
    settings.token = std::string(absl::StripAsciiWhitespace(options.token));
  } else if (!options.token_file.empty()) {
    auto token = ReadFile(options.token_file, "the token file (--token_file)");
    if (!token.ok()) return token.status();
    settings.token = std::string(absl::StripAsciiWhitespace(*token));
  }
  for (char c : settings.token) {
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7E) {
      return absl::InvalidArgumentError(
          "the bearer token contains a space or a non-printable character: is it a JWT?");
    }
  }
  return settings;
}

void PrepareContext(const CallSettings& settings, grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(settings.timeout));
  if (!settings.token.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", settings.token));
  }
}

}  // namespace ctg::cli
