#include "tests/services/server/ctgd_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace ctg::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The signer is shared by every ctgd of the test binary: one key pair per process.
std::shared_ptr<platform::JwtSigner> TestSigner() {
  static std::shared_ptr<platform::JwtSigner> signer = [] {
    auto created = platform::JwtSigner::Generate(platform::JwtSigner::Algorithm::kES256, "test-key");
    return std::shared_ptr<platform::JwtSigner>(std::move(*created));
  }();
  return signer;
}

}  // namespace

CommandResult RunCtgd(const std::vector<std::string>& args) {
  std::string command = CTGD_PATH;
  for (const std::string& arg : args) absl::StrAppend(&command, " '", arg, "'");
  absl::StrAppend(&command, " 2>/dev/null");
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[512];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) result.output += buffer;
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

platform::Principal Person(std::string subject, std::string organisation, platform::Role role) {
  return platform::Principal{std::move(subject), std::move(organisation), {role}};
}

absl::StatusOr<std::unique_ptr<CtgdProcess>> CtgdProcess::Start(const CtgdOptions& options) {
  std::unique_ptr<CtgdProcess> process(new CtgdProcess());
  process->signer_ = TestSigner();
  process->certs_dir_ = options.dir + "/certs";
  process->data_dir_ = options.dir + "/data";
  process->config_path_ = options.dir + "/ctgd.textproto";
  process->log_path_ = options.dir + "/ctgd.log";
  if (!std::filesystem::exists(process->certs_dir_ + "/server.pem")) {
    const std::string command = absl::StrCat(MAKE_DEV_CERTS, " --dir ", process->certs_dir_,
                                             " > /dev/null 2>&1");
    if (std::system(command.c_str()) != 0) {
      return absl::InternalError("deploy/make_dev_certs.sh failed");
    }
  }
  const std::string key_path = options.dir + "/idp.pem";
  std::ofstream(key_path) << process->signer_->public_key().pem;
  std::ofstream(process->config_path_) << absl::StrCat(
      "listen: \"127.0.0.1:0\"\n", "data_dir: \"", process->data_dir_, "\"\n",
      "metrics_listen: \"127.0.0.1:0\"\n", "log_origin: \"ctg.test/log\"\n",
      "shutdown_grace_seconds: 2\n",
      "tls {\n  cert_file: \"", process->certs_dir_, "/server.pem\"\n  key_file: \"",
      process->certs_dir_, "/server.key\"\n  client_ca_file: \"", process->certs_dir_,
      "/ca.pem\"\n  require_client_cert: ", options.require_client_cert ? "true" : "false",
      "\n}\n", "auth {\n  issuer: \"", kIssuer, "\"\n  audience: \"", kAudience,
      "\"\n  keys { key_id: \"test-key\" public_key_file: \"", key_path, "\" }\n}\n",
      options.extra_config);

  int out_pipe[2];
  if (pipe(out_pipe) != 0) return absl::InternalError("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    const int log = open(process->log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(log, STDERR_FILENO);
    close(out_pipe[0]);
    const std::string config_flag = "--config=" + process->config_path_;
    execl(CTGD_PATH, CTGD_PATH, config_flag.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out_pipe[1]);
  process->pid_ = pid;
  // Wait for "ctgd: serving on … port N" and "ctgd: metrics on http://HOST:M/metrics".
  std::string output;
  char buffer[512];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((process->port_ == 0 || process->metrics_port_ == 0) &&
         std::chrono::steady_clock::now() < deadline) {
    const ssize_t n = read(out_pipe[0], buffer, sizeof(buffer));
    if (n <= 0) break;
    output.append(buffer, static_cast<size_t>(n));
    for (absl::string_view line : absl::StrSplit(output, '\n')) {
      const size_t at = line.find(" port ");
      if (line.substr(0, 19) == "ctgd: serving on 12" && at != absl::string_view::npos) {
        absl::string_view rest = line.substr(at + 6);
        rest = rest.substr(0, rest.find(' '));
        absl::SimpleAtoi(rest, &process->port_);
      }
      const size_t path = line.rfind("/metrics");
      if (line.substr(0, 16) == "ctgd: metrics on" && path != absl::string_view::npos) {
        absl::string_view address = line.substr(0, path);
        absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &process->metrics_port_);
      }
    }
  }
  // Keep draining stdout so ctgd never blocks on a full pipe.
  std::thread([fd = out_pipe[0]] {
    char sink[512];
    while (read(fd, sink, sizeof(sink)) > 0) {
    }
    close(fd);
  }).detach();
  if (process->port_ == 0) {
    process->Stop(SIGKILL);
    return absl::InternalError(absl::StrCat("ctgd did not start: ", output, "\n", process->Logs()));
  }
  return process;
}

CtgdProcess::~CtgdProcess() { Stop(SIGKILL); }

google::rpc::Status DetailsOf(const grpc::Status& status) {
  google::rpc::Status details;
  details.ParseFromString(status.error_details());
  return details;
}

google::rpc::ErrorInfo InfoOf(const grpc::Status& status) {
  const google::rpc::Status details = DetailsOf(status);
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info;
  }
  return {};
}

std::string Reason(const grpc::Status& status) { return InfoOf(status).reason(); }

std::vector<google::rpc::BadRequest::FieldViolation> Violations(const grpc::Status& status) {
  std::vector<google::rpc::BadRequest::FieldViolation> violations;
  const google::rpc::Status details = DetailsOf(status);
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad)) {
      violations.insert(violations.end(), bad.field_violations().begin(),
                        bad.field_violations().end());
    }
  }
  return violations;
}

std::vector<std::string> BadFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  for (const auto& violation : Violations(status)) fields.push_back(violation.field());
  return fields;
}

std::string ScrapeMetrics(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  EXPECT_EQ(::write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string response;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof(buffer))) > 0;) response.append(buffer, n);
  ::close(fd);
  return response;
}

int ExitCodeOf(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

int CtgdProcess::Stop(int signal) {
  if (pid_ <= 0) return exit_status_;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  exit_status_ = ExitCodeOf(status);
  return exit_status_;
}

std::string CtgdProcess::Logs() const { return Slurp(log_path_); }

std::shared_ptr<grpc::Channel> CtgdProcess::Channel(bool client_cert) const {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = Slurp(certs_dir_ + "/ca.pem");
  if (client_cert) {
    ssl.pem_private_key = Slurp(certs_dir_ + "/client.key");
    ssl.pem_cert_chain = Slurp(certs_dir_ + "/client.pem");
  }
  grpc::ChannelArguments args;
  return grpc::CreateCustomChannel(absl::StrCat("localhost:", port_), grpc::SslCredentials(ssl),
                                   args);
}

std::string CtgdProcess::Token(const platform::Principal& principal, absl::Duration ttl) const {
  return *signer_->Mint(principal, kIssuer, kAudience, absl::Now(), ttl);
}

std::unique_ptr<grpc::ClientContext> CtgdProcess::Context(
    const platform::Principal& principal) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", Token(principal)));
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

}  // namespace ctg::testing
