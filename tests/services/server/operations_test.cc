// What an operator meets: readiness in dev mode, dev tokens that survive a restart, two dev
// instances side by side, a busy address refused before anything is written, --help, the vault
// directory flag and the checkpoint verifier key printed at start-up. Each test runs the real
// ctgd binary.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/plans.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/server/ctgd_harness.h"
#include "tests/testing/temp_dir.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A port that was free a moment ago (bound to 0 and released).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// `ctgd <args>` in the background, stdout and stderr to files of `dir`.
class Ctgd {
 public:
  Ctgd(const std::string& dir, std::vector<std::string> args)
      : out_(dir + "/stdout." + std::to_string(counter_)),
        err_(dir + "/stderr." + std::to_string(counter_)) {
    ++counter_;
    pid_ = fork();
    if (pid_ == 0) {
      const int out = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int err = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(out, STDOUT_FILENO);
      dup2(err, STDERR_FILENO);
      std::vector<char*> argv{const_cast<char*>(CTGD_PATH)};
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(CTGD_PATH, argv.data());
      _exit(127);
    }
  }
  ~Ctgd() { Stop(SIGKILL); }

  // Waits until stdout holds `text` (or ctgd exits, or 60 s pass).
  bool WaitForOutput(absl::string_view text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (absl::StrContains(Stdout(), text)) return true;
      if (Exited()) return absl::StrContains(Stdout(), text);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  // The number after `prefix` on the line of stdout that has it, or 0.
  int NumberAfter(absl::string_view prefix) {
    for (absl::string_view line : absl::StrSplit(Stdout(), '\n')) {
      const size_t at = line.find(prefix);
      if (at == absl::string_view::npos) continue;
      absl::string_view rest = line.substr(at + prefix.size());
      int value = 0;
      size_t end = 0;
      while (end < rest.size() && absl::ascii_isdigit(rest[end])) ++end;
      if (absl::SimpleAtoi(rest.substr(0, end), &value)) return value;
    }
    return 0;
  }
  bool Exited() {
    if (pid_ <= 0) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return true;
    }
    return false;
  }
  int Stop(int signal) {
    if (pid_ > 0) {
      kill(pid_, signal);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    return exit_code_;
  }
  std::string Stdout() const { return Slurp(out_); }
  std::string Stderr() const { return Slurp(err_); }

 private:
  static inline int counter_ = 0;
  std::string out_, err_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

std::shared_ptr<grpc::Channel> DevChannel(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                             grpc::experimental::LocalCredentials(LOCAL_TCP));
}

// grpc.health.v1.Health/Check for the overall status: 1 SERVING, 2 NOT_SERVING, -1 no answer.
int HealthStatus(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  grpc::Slice empty("");  // HealthCheckRequest{service: ""} encodes as no bytes
  grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                 &response, [&done](grpc::Status status) { done.set_value(status); });
  if (!done.get_future().get().ok()) return -1;
  std::vector<grpc::Slice> slices;
  response.Dump(&slices);
  std::string bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  // HealthCheckResponse{status = 1}: field 1, varint.
  if (bytes.size() == 2 && bytes[0] == 0x08) return bytes[1];
  return bytes.empty() ? 0 : -1;
}

int CtgCount(const std::shared_ptr<grpc::Channel>& channel, const std::string& token) {
  auto stub = v1::PlansService::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::ListCtgsRequest request;
  v1::ListCtgsResponse response;
  const grpc::Status status = stub->ListCtgs(&context, request, &response);
  return status.ok() ? response.ctgs_size() : -1;
}

std::string TrimmedFile(const std::string& path) {
  return std::string(absl::StripAsciiWhitespace(Slurp(path)));
}

TEST(DevReadinessTest, HealthSaysServingOnlyOnceTheDemoAndItsTokensAreReady) {
  TempDir dir;
  const std::string data = dir.Sub("ctg");
  const int port = FreePort();
  auto channel = DevChannel(port);
  Ctgd ctgd(dir.path(), {"--dev", "--data_dir=" + data, absl::StrCat("--listen=127.0.0.1:", port)});
  // Poll as a client would, as fast as it can, from the moment the process starts.
  int answers = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < deadline) {
    const int status = HealthStatus(channel);
    if (status >= 0) ++answers;
    if (status == 1) break;
    ASSERT_FALSE(ctgd.Exited()) << ctgd.Stderr();
  }
  ASSERT_GT(answers, 0) << "health never answered";
  // SERVING: every token is there, and the demo is loaded, at this very moment.
  const std::string token = TrimmedFile(data + "/dev/tokens/caf-admin.jwt");
  ASSERT_FALSE(token.empty());
  EXPECT_GE(CtgCount(channel, token), 2) << "health said SERVING before the demo was loaded";
  for (const char* name : {"cdt", "commission", "collectivite-admin", "charge-cooperation", "elu",
                           "partner"}) {
    EXPECT_TRUE(std::filesystem::exists(data + "/dev/tokens/" + name + ".jwt")) << name;
  }
  EXPECT_TRUE(ctgd.WaitForOutput("ctgd: serving on"));
  EXPECT_THAT(ctgd.Stderr(), HasSubstr("\"serving\""));
}

TEST(DevReadinessTest, DevTokensSurviveARestartAndTheirKeyIsPrivate) {
  TempDir dir;
  const std::string data = dir.Sub("ctg");
  std::string token;
  {
    Ctgd first(dir.path(), {"--dev", "--data_dir=" + data, "--listen=127.0.0.1:0"});
    ASSERT_TRUE(first.WaitForOutput("ctgd: serving on")) << first.Stderr();
    token = TrimmedFile(data + "/dev/tokens/cdt.jwt");
    ASSERT_EQ(first.Stop(SIGTERM), 0);
  }
  const std::string key = data + "/dev/token_signing_key.pem";
  struct stat info {};
  ASSERT_EQ(stat(key.c_str(), &info), 0) << key;
  EXPECT_EQ(info.st_mode & 0777, 0600);
  const std::string key_before = Slurp(key);

  Ctgd second(dir.path(), {"--dev", "--data_dir=" + data, "--listen=127.0.0.1:0"});
  ASSERT_TRUE(second.WaitForOutput("ctgd: serving on")) << second.Stderr();
  const int port = second.NumberAfter(" port ");
  ASSERT_GT(port, 0);
  // A token read before the restart still works after it: same key.
  EXPECT_GE(CtgCount(DevChannel(port), token), 1) << "a dev token from before the restart";
  EXPECT_EQ(Slurp(key), key_before);
}

TEST(DevReadinessTest, TwoDevInstancesRunSideBySideEachWithItsOwnMetricsPort) {
  TempDir dir;
  Ctgd first(dir.path(), {"--dev", "--data_dir=" + dir.Sub("a"), "--listen=127.0.0.1:0"});
  Ctgd second(dir.path(), {"--dev", "--data_dir=" + dir.Sub("b"), "--listen=127.0.0.1:0"});
  ASSERT_TRUE(first.WaitForOutput("ctgd: serving on")) << first.Stderr();
  ASSERT_TRUE(second.WaitForOutput("ctgd: serving on")) << second.Stderr();
  const int metrics_a = first.NumberAfter("ctgd: metrics on http://127.0.0.1:");
  const int metrics_b = second.NumberAfter("ctgd: metrics on http://127.0.0.1:");
  EXPECT_GT(metrics_a, 0) << first.Stdout();
  EXPECT_GT(metrics_b, 0) << second.Stdout();
  EXPECT_NE(metrics_a, metrics_b);
  EXPECT_NE(first.NumberAfter(" port "), second.NumberAfter(" port "));
}

TEST(ListenCheckTest, ABusyAddressIsRefusedBeforeAnythingIsWritten) {
  TempDir dir;
  // Hold a port, as another ctgd would.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const int busy = ntohs(address.sin_port);

  for (const std::string& flag : {absl::StrCat("--listen=127.0.0.1:", busy),
                                  absl::StrCat("--metrics_listen=127.0.0.1:", busy)}) {
    SCOPED_TRACE(flag);
    const std::string data = dir.Sub(absl::StrCat("ctg-", busy, flag.size()));
    std::vector<std::string> args{"--dev", "--data_dir=" + data, flag};
    if (absl::StartsWith(flag, "--metrics")) args.push_back("--listen=127.0.0.1:0");
    Ctgd ctgd(dir.path(), args);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!ctgd.Exited() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(ctgd.Stop(SIGKILL), 1);
    EXPECT_THAT(ctgd.Stderr(), HasSubstr("address in use"));
    EXPECT_FALSE(std::filesystem::exists(data)) << "created before the address was checked";
    EXPECT_FALSE(std::filesystem::exists(data + "-vault"));
  }
  close(fd);
}

TEST(HelpTest, HelpShowsTheServingFlagsAndWhereEachDirectoryGoes) {
  const CommandResult help = RunCtgd({"--help"});
  EXPECT_THAT(help.output, ::testing::Not(HasSubstr("No flags matched")));
  for (const char* flag : {"--config", "--listen", "--data_dir", "--vault_dir",
                           "--metrics_listen", "--dev", "--backup_dir", "--signing_key_file"}) {
    EXPECT_THAT(help.output, HasSubstr(flag)) << help.output;
  }
  EXPECT_THAT(help.output, HasSubstr("{data_dir}-vault"));
  EXPECT_THAT(help.output, HasSubstr("{data_dir}/dev/tokens/"));
}

TEST(VaultDirTest, TheVaultGoesWhereTheFlagSays) {
  TempDir dir;
  const std::string data = dir.Sub("ctg");
  const std::string vault = dir.Sub("elsewhere/vault");
  Ctgd ctgd(dir.path(),
            {"--dev", "--data_dir=" + data, "--vault_dir=" + vault, "--listen=127.0.0.1:0"});
  ASSERT_TRUE(ctgd.WaitForOutput("ctgd: serving on")) << ctgd.Stderr();
  EXPECT_TRUE(std::filesystem::exists(vault + "/CURRENT")) << vault;
  EXPECT_FALSE(std::filesystem::exists(data + "-vault"));
}

TEST(VerifierKeyTest, StartUpPrintsTheKeyThatVerifiesTheCheckpoints) {
  TempDir dir;
  const std::string data = dir.Sub("ctg");
  Ctgd ctgd(dir.path(), {"--dev", "--data_dir=" + data, "--listen=127.0.0.1:0"});
  ASSERT_TRUE(ctgd.WaitForOutput("ctgd: checkpoint verifier key: ")) << ctgd.Stderr();
  std::string printed;
  for (absl::string_view line : absl::StrSplit(ctgd.Stdout(), '\n')) {
    if (absl::ConsumePrefix(&line, "ctgd: checkpoint verifier key: ")) printed = std::string(line);
  }
  auto stub = v1::AuditService::NewStub(DevChannel(ctgd.NumberAfter(" port ")));
  grpc::ClientContext context;
  context.AddMetadata("authorization",
                      absl::StrCat("Bearer ", TrimmedFile(data + "/dev/tokens/commission.jwt")));
  v1::Checkpoint checkpoint;
  ASSERT_TRUE(stub->GetCheckpoint(&context, v1::GetCheckpointRequest(), &checkpoint).ok());
  EXPECT_EQ(printed, checkpoint.verifier_key());
  EXPECT_THAT(ctgd.Stderr(), HasSubstr(absl::StrCat("\"verifier_key\":\"", printed, "\"")));
}

}  // namespace
}  // namespace ctg::testing
