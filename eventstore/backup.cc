// Online backups with RocksDB's BackupEngine, each carrying the checkpoint signed just
// before it; restores that re-check the restored log's root against that checkpoint.
#include <filesystem>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/event_store_impl.h"
#include "eventstore/rocksdb_interop.h"
#include "rocksdb/utilities/backup_engine.h"

namespace ctg::eventstore {
namespace {

BackupInfo FromRocksDbInfo(const rocksdb::BackupInfo& info, const tlog::Checkpoint& checkpoint) {
  BackupInfo out;
  out.backup_id = info.backup_id;
  out.time = absl::FromUnixSeconds(info.timestamp);
  out.size_bytes = info.size;
  out.checkpoint = SignedCheckpoint{checkpoint, info.app_metadata};
  return out;
}

absl::StatusOr<std::unique_ptr<rocksdb::BackupEngineReadOnly>> OpenBackupsReadOnly(
    absl::string_view backup_dir) {
  if (!std::filesystem::exists(std::string(backup_dir))) {
    return absl::NotFoundError(absl::StrCat("no backup directory at ", backup_dir));
  }
  rocksdb::BackupEngineReadOnly* engine = nullptr;
  RETURN_IF_ERROR(FromRocksDb(
      rocksdb::BackupEngineReadOnly::Open(
          rocksdb::Env::Default(), rocksdb::BackupEngineOptions(std::string(backup_dir)), &engine),
      absl::StrCat("opening the backups in ", backup_dir)));
  return std::unique_ptr<rocksdb::BackupEngineReadOnly>(engine);
}

}  // namespace

absl::StatusOr<BackupInfo> EventStoreImpl::Backup(absl::string_view backup_dir) {
  if (backup_dir.empty()) return absl::InvalidArgumentError("backup directory is empty");
  absl::ReaderMutexLock lifecycle_lock(&lifecycle_mu_);
  if (db_ == nullptr) return absl::FailedPreconditionError("the event store is closed");
  // Sign first: the backup then holds at least the events the checkpoint commits to.
  ASSIGN_OR_RETURN(SignedCheckpoint checkpoint, SignCheckpoint());
  rocksdb::BackupEngineOptions engine_options{std::string(backup_dir)};
  engine_options.sync = true;
  engine_options.share_files_with_checksum = true;
  rocksdb::BackupEngine* raw_engine = nullptr;
  RETURN_IF_ERROR(
      FromRocksDb(rocksdb::BackupEngine::Open(rocksdb::Env::Default(), engine_options, &raw_engine),
                  absl::StrCat("opening the backup directory ", backup_dir)));
  std::unique_ptr<rocksdb::BackupEngine> engine(raw_engine);
  rocksdb::CreateBackupOptions create_options;
  create_options.flush_before_backup = false;  // the WAL files are backed up too
  rocksdb::BackupID id = 0;
  RETURN_IF_ERROR(FromRocksDb(
      engine->CreateNewBackupWithMetadata(create_options, db_.get(), checkpoint.note, &id),
      "creating a backup"));
  RETURN_IF_ERROR(FromRocksDb(engine->VerifyBackup(id, /*verify_with_checksum=*/true),
                              absl::StrCat("verifying backup ", id)));
  rocksdb::BackupInfo info;
  RETURN_IF_ERROR(FromRocksDb(engine->GetBackupInfo(id, &info), "reading the backup's info"));
  return FromRocksDbInfo(info, checkpoint.checkpoint);
}

absl::StatusOr<std::vector<BackupInfo>> EventStore::ListBackups(absl::string_view backup_dir) {
  ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::BackupEngineReadOnly> engine,
                   OpenBackupsReadOnly(backup_dir));
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  std::vector<BackupInfo> backups;
  for (const rocksdb::BackupInfo& info : infos) {
    ASSIGN_OR_RETURN(tlog::Checkpoint checkpoint,
                     tlog::ParseCheckpointUnverified(info.app_metadata));
    backups.push_back(FromRocksDbInfo(info, checkpoint));
  }
  return backups;
}

absl::StatusOr<BackupInfo> EventStore::Restore(absl::string_view backup_dir, uint32_t backup_id,
                                               absl::string_view target_dir,
                                               const tlog::VerifierKey* verifier) {
  std::error_code ec;
  const std::string target(target_dir);
  if (std::filesystem::exists(target, ec) && !std::filesystem::is_empty(target, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("restore target ", target_dir, " is not empty"));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::BackupEngineReadOnly> engine,
                   OpenBackupsReadOnly(backup_dir));
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  if (infos.empty()) return absl::NotFoundError(absl::StrCat("no backup in ", backup_dir));
  const rocksdb::BackupInfo* chosen = backup_id == 0 ? &infos.back() : nullptr;
  for (const rocksdb::BackupInfo& info : infos) {
    if (info.backup_id == backup_id) chosen = &info;
  }
  if (chosen == nullptr) {
    return absl::NotFoundError(absl::StrCat("no backup ", backup_id, " in ", backup_dir));
  }
  tlog::Checkpoint checkpoint;
  if (verifier != nullptr) {
    ASSIGN_OR_RETURN(checkpoint, tlog::VerifyCheckpoint(chosen->app_metadata, *verifier));
  } else {
    ASSIGN_OR_RETURN(checkpoint, tlog::ParseCheckpointUnverified(chosen->app_metadata));
  }

  const std::string log_dir = target + "/log";
  std::filesystem::create_directories(log_dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", log_dir, ": ", ec.message()));
  RETURN_IF_ERROR(FromRocksDb(
      engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), chosen->backup_id, log_dir, log_dir),
      absl::StrCat("restoring backup ", chosen->backup_id)));

  // Check the restored tree against the checkpoint before anything serves it.
  {
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw_db = nullptr;
    RETURN_IF_ERROR(FromRocksDb(
        rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), log_dir,
                                     ColumnFamilyDescriptors(Options()), &handles, &raw_db),
        "opening the restored log"));
    std::unique_ptr<rocksdb::DB> db(raw_db);
    absl::Status check = [&]() -> absl::Status {
      std::string frontier_bytes;
      RETURN_IF_ERROR(FromRocksDb(db->Get(rocksdb::ReadOptions(), handles[1 + kMeta],
                                          std::string(kFrontierKey), &frontier_bytes),
                                  "reading the restored tree frontier"));
      ASSIGN_OR_RETURN(tlog::Frontier frontier, tlog::Frontier::Parse(frontier_bytes));
      if (frontier.size() < checkpoint.size) {
        return absl::DataLossError(absl::StrCat("the restored log has ", frontier.size(),
                                                " events but its checkpoint covers ",
                                                checkpoint.size));
      }
      ASSIGN_OR_RETURN(tlog::Hash root,
                       RootFromTree(db.get(), handles[1 + kTree], checkpoint.size));
      if (root != checkpoint.root) {
        return absl::DataLossError(absl::StrCat("the restored log's root at size ", checkpoint.size,
                                                " differs from the backup's checkpoint"));
      }
      return absl::OkStatus();
    }();
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
    RETURN_IF_ERROR(check);
  }
  RETURN_IF_ERROR(WriteFileAtomically(target + "/checkpoint", chosen->app_metadata));
  return FromRocksDbInfo(*chosen, checkpoint);
}

}  // namespace ctg::eventstore
