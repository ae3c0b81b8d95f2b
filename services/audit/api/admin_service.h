// ctg.v1.AdminService: online backups and verification of the log, for caf_admin only
// (Permission::kAdminister).
//
// Every operation reads or writes the disk for a long time (a backup copies the database, a
// verification rereads the whole log), so none runs on a gRPC callback thread: each runs on a
// thread of its own, which finishes the call. At most kMaxRunning run at once (more are
// RESOURCE_EXHAUSTED); backups and listings of the backup directory run one at a time, since
// RocksDB's BackupEngine does not share a directory between engines.
//
// The store must outlive the service. The destructor waits for the
// operations still running (a verification of a large log may take minutes).
//
// Thread safety: every method may be called from any thread.
#ifndef CTG_SERVICES_AUDIT_API_ADMIN_SERVICE_H_
#define CTG_SERVICES_AUDIT_API_ADMIN_SERVICE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "ctg/v1/admin.grpc.pb.h"
#include "eventstore/event_store.h"
#include "services/platform/streams.h"

namespace ctg::audit_api {

class AdminServiceImpl final : public v1::AdminService::CallbackService {
 public:
  // Most operations running at once.
  static constexpr int kMaxRunning = 4;

  // Backups go to `backup_dir` (created by the first backup). Empty: CreateBackup and
  // ListBackups are FAILED_PRECONDITION.
  AdminServiceImpl(eventstore::EventStore& store, std::string backup_dir);
  ~AdminServiceImpl() override;

  grpc::ServerUnaryReactor* CreateBackup(grpc::CallbackServerContext* call,
                                         const v1::CreateBackupRequest* request,
                                         v1::Backup* response) override;
  grpc::ServerUnaryReactor* ListBackups(grpc::CallbackServerContext* call,
                                        const v1::ListBackupsRequest* request,
                                        v1::ListBackupsResponse* response) override;
  grpc::ServerUnaryReactor* VerifyLog(grpc::CallbackServerContext* call,
                                      const v1::VerifyLogRequest* request,
                                      v1::VerifyLogResponse* response) override;

 private:
  struct Operation {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;  // set by the thread as its last action
  };

  // Authenticates, checks `request` and kAdminister; then runs `work` on a thread of its own
  // and returns the reactor `work` must finish. `work` returns the call's status.
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* call,
                                const google::protobuf::Message& request,
                                std::function<absl::Status()> work);

  eventstore::EventStore& store_;
  const std::string backup_dir_;

  absl::Mutex backup_mu_;  // one BackupEngine at a time on backup_dir_

  absl::Mutex mu_;
  std::vector<Operation> running_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ctg::audit_api

#endif  // CTG_SERVICES_AUDIT_API_ADMIN_SERVICE_H_
