#include "services/audit/api/admin_service.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/api/call_context.h"
#include "services/api/status.h"
#include "services/api/validation.h"
#include "services/audit/render.h"
#include "services/platform/policy.h"
#include "services/platform/time_proto.h"

namespace ctg::audit_api {
namespace {

using namespace ::ctg::api;  // NOLINT(build/namespaces): the adapter kit (Fail, PageSize…)

v1::Backup ToProto(const eventstore::BackupInfo& info) {
  v1::Backup backup;
  backup.set_backup_id(info.backup_id);
  *backup.mutable_create_time() = platform::ToTimestamp(info.time);
  backup.set_size_bytes(info.size_bytes);
  backup.set_checkpoint_note(info.checkpoint.note);
  return backup;
}

v1::VerifyLogResponse ToProto(const eventstore::VerifyReport& report) {
  v1::VerifyLogResponse response;
  response.set_ok(report.ok());
  response.set_tree_size(static_cast<int64_t>(report.events_checked));
  response.set_root_hash(std::string(report.root.begin(), report.root.end()));
  if (report.ok()) {
    response.set_message(absl::StrCat(
        "verified ", report.events_checked, " events; root ",
        absl::BytesToHexString(absl::string_view(
            reinterpret_cast<const char*>(report.root.data()), report.root.size()))));
  } else {
    // Unset when the problem is not at one position (e.g. the root against the checkpoint).
    if (report.first_bad_position.has_value()) {
      response.set_first_bad_position(static_cast<int64_t>(*report.first_bad_position));
    }
    response.set_message(report.problem);
  }
  return response;
}

absl::Status NoBackupDir() {
  return absl::FailedPreconditionError("this server has no backup directory configured");
}

}  // namespace

AdminServiceImpl::AdminServiceImpl(eventstore::EventStore& store, std::string backup_dir)
    : store_(store), backup_dir_(std::move(backup_dir)) {}

AdminServiceImpl::~AdminServiceImpl() {
  std::vector<Operation> running;
  {
    absl::MutexLock lock(&mu_);
    running.swap(running_);
  }
  for (Operation& operation : running) operation.thread.join();
}

grpc::ServerUnaryReactor* AdminServiceImpl::Run(grpc::CallbackServerContext* call,
                                                const google::protobuf::Message& request,
                                                std::function<absl::Status()> work) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::Status refused = [&]() -> absl::Status {
    absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
    if (!principal.ok()) return principal.status();
    if (absl::Status s = CheckWellFormed(request); !s.ok()) return s;
    return platform::Authorize(*principal, platform::Permission::kAdminister,
                               platform::Scope::None())
        .status();
  }();
  if (!refused.ok()) {
    reactor->Finish(ToGrpcStatus(refused));
    return reactor;
  }
  absl::MutexLock lock(&mu_);
  // Reap the finished operations (their threads have returned or are returning).
  for (auto it = running_.begin(); it != running_.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = running_.erase(it);
    } else {
      ++it;
    }
  }
  if (running_.size() >= static_cast<size_t>(kMaxRunning)) {
    reactor->Finish(ToGrpcStatus(absl::ResourceExhaustedError(absl::StrCat(
        kMaxRunning, " administrative operations are running; retry when one has finished"))));
    return reactor;
  }
  auto done = std::make_shared<std::atomic<bool>>(false);
  // After Finish the thread touches only `done`, which it co-owns.
  std::thread thread([reactor, work = std::move(work), done] {
    reactor->Finish(ToGrpcStatus(work()));
    done->store(true);
  });
  running_.push_back(Operation{std::move(thread), std::move(done)});
  return reactor;
}

grpc::ServerUnaryReactor* AdminServiceImpl::CreateBackup(grpc::CallbackServerContext* call,
                                                         const v1::CreateBackupRequest* request,
                                                         v1::Backup* response) {
  return Run(call, *request, [this, response]() -> absl::Status {
    if (backup_dir_.empty()) return NoBackupDir();
    absl::MutexLock lock(&backup_mu_);
    absl::StatusOr<eventstore::BackupInfo> backup = store_.Backup(backup_dir_);
    if (!backup.ok()) return backup.status();
    *response = ToProto(*backup);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AdminServiceImpl::ListBackups(grpc::CallbackServerContext* call,
                                                        const v1::ListBackupsRequest* request,
                                                        v1::ListBackupsResponse* response) {
  return Run(call, *request, [this, response]() -> absl::Status {
    if (backup_dir_.empty()) return NoBackupDir();
    absl::MutexLock lock(&backup_mu_);
    absl::StatusOr<std::vector<eventstore::BackupInfo>> backups =
        eventstore::EventStore::ListBackups(backup_dir_);
    if (absl::IsNotFound(backups.status())) return absl::OkStatus();  // no backup taken yet
    if (!backups.ok()) return backups.status();
    for (const eventstore::BackupInfo& backup : *backups) {
      *response->add_backups() = ToProto(backup);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AdminServiceImpl::VerifyLog(grpc::CallbackServerContext* call,
                                                      const v1::VerifyLogRequest* request,
                                                      v1::VerifyLogResponse* response) {
  return Run(call, *request, [this, response]() -> absl::Status {
    absl::StatusOr<eventstore::VerifyReport> report = store_.Verify();
    if (!report.ok()) return report.status();
    *response = ToProto(*report);
    return absl::OkStatus();
  });
}

}  // namespace ctg::audit_api
