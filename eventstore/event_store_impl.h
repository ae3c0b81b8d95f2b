// EventStoreImpl: the RocksDB-backed EventStore. Internal to eventstore/; use event_store.h.
//
// Threads, a four-stage pipeline. Callers of Append enqueue a PendingAppend and block on it.
//   sequencer (SequencerLoop): drains the queue in groups and decides every append of a group
//     against its in-memory view of the log, producing one WriteBatch per group;
//   writer (WriterLoop): writes the groups in order into RocksDB, unsynced (WAL record and
//     memtable inserts);
//   syncer (SyncerLoop): takes every group written so far and makes them durable with one
//     SyncWAL;
//   acknowledger (AcknowledgerLoop): publishes the new committed size, then runs callbacks.
// The stages overlap: while group k is fsynced, group k+1 is written and group k+2 decided.
// A written group is visible in RocksDB before it is durable, so every read is bounded by the
// committed size (positions) or waits for it (stream heads). Subscriptions wait on commit_mu_.
#ifndef CTG_EVENTSTORE_EVENT_STORE_IMPL_H_
#define CTG_EVENTSTORE_EVENT_STORE_IMPL_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "eventstore/encoding.h"
#include "eventstore/event_store.h"
#include "eventstore/stage_queue.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace ctg::eventstore {

// Column families, in the order of EventStoreImpl::handles_.
enum ColumnFamily {
  kEntries = 0,
  kPayloads,
  kStreams,
  kHeads,
  kTags,
  kIds,
  kTree,
  kMeta,
  kColumnFamilyCount
};

// The root of the tree of `size` events from the perfect nodes in `tree` (shared with
// Restore, which checks a restored database before any EventStore opens it).
absl::StatusOr<tlog::Hash> RootFromTree(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* tree,
                                        uint64_t size);

// Writes `contents` to `path` so that a crash leaves either the old or the new file.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents);

// Events read by EventStoreImpl::ReadRange, and where the next read starts: every event of
// the range before `next` was returned or did not match the filter.
struct RangeRead {
  std::vector<RecordedEvent> events;
  uint64_t next = 0;
};

// Column family descriptors with the options each index needs.
std::vector<rocksdb::ColumnFamilyDescriptor> ColumnFamilyDescriptors(const Options& options);

class EventStoreImpl final : public EventStore {
 public:
  static absl::StatusOr<std::unique_ptr<EventStore>> OpenImpl(absl::string_view dir,
                                                              const Options& options);
  ~EventStoreImpl() override;

  absl::StatusOr<AppendResult> Append(absl::string_view stream, ExpectedRevision expected,
                                      std::vector<EventData> events) override;
  void AppendAsync(absl::string_view stream, ExpectedRevision expected,
                   std::vector<EventData> events, AppendCallback done) override;
  absl::StatusOr<ReadPage> ReadStream(absl::string_view stream, uint64_t from, Direction direction,
                                      size_t max_count) override;
  absl::StatusOr<ReadPage> ReadLog(uint64_t from, Direction direction, size_t max_count) override;
  absl::StatusOr<ReadPage> ReadTag(absl::string_view tag, uint64_t from, Direction direction,
                                   size_t max_count) override;
  absl::StatusOr<RecordedEvent> GetEvent(uint64_t position) override;
  absl::StatusOr<RecordedEvent> FindEvent(const EventId& id) override;
  absl::StatusOr<StreamHead> GetStreamHead(absl::string_view stream) override;
  uint64_t Size() const override { return committed_size_atomic_.load(); }
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      const SubscriptionOptions& options) override;
  absl::StatusOr<tlog::Hash> RootAt(uint64_t size) override;
  absl::StatusOr<std::vector<tlog::Hash>> InclusionProof(uint64_t position, uint64_t size) override;
  absl::StatusOr<std::vector<tlog::Hash>> ConsistencyProof(uint64_t old_size,
                                                           uint64_t new_size) override;
  absl::StatusOr<SignedCheckpoint> LatestCheckpoint() override;
  absl::StatusOr<SignedCheckpoint> SignCheckpoint() override;
  const tlog::VerifierKey& verifier_key() const override;
  absl::StatusOr<VerifyReport> Verify() override;
  uint64_t IntegrityFailures() const override { return integrity_failures_.load(); }
  absl::StatusOr<BackupInfo> Backup(absl::string_view backup_dir) override;
  absl::Status Close() override;

  // For SubscriptionImpl: waits until the committed size exceeds `position`, `timeout`
  // passes, `*cancelled` becomes true (CANCELLED) or the store closes
  // (FAILED_PRECONDITION). Returns the committed size.
  absl::StatusOr<uint64_t> WaitForCommit(uint64_t position, absl::Duration timeout,
                                         const std::atomic<bool>* cancelled);
  // Wakes WaitForCommit callers so that they re-check their cancellation flag.
  void WakeWaiters();
  // Events with positions in [from, end) carrying `tag` (or all events if tag is empty),
  // at most max_count.
  absl::StatusOr<RangeRead> ReadRange(uint64_t from, uint64_t end,
                                      const std::optional<std::string>& tag, size_t max_count);

 private:
  // One event ready for the sequencer: validated, tags canonical, digests computed.
  struct PreparedEvent {
    EventData data;
    std::string tags_encoding;
    tlog::Hash metadata_digest{};
    tlog::Hash payload_digest{};
    tlog::Hash tags_digest{};
  };
  // One caller's append, from AppendAsync until its callback ran.
  struct PendingAppend {
    std::string stream;
    ExpectedRevision expected = ExpectedRevision::Any();
    std::vector<PreparedEvent> events;
    size_t bytes = 0;
    absl::StatusOr<AppendResult> result;  // set by the sequencer, or on failure
    AppendCallback done;
  };
  using PendingAppends = std::vector<std::unique_ptr<PendingAppend>>;
  // Runs the append's callback with its result, then frees it.
  static void Complete(std::unique_ptr<PendingAppend> append);
  struct GroupState;  // the sequencer's view of the log while it builds one group
  // A decided group on its way from the sequencer to the writer, the syncer, the acknowledger.
  struct DecidedGroup {
    PendingAppends appends;  // results set; completed by the acknowledger
    rocksdb::WriteBatch batch;
    bool writes = false;        // false if every append was a replay or refused
    uint64_t end_position = 0;  // the log size once written
    tlog::Hash root{};          // the tree root at end_position
    absl::Status written;       // the writer's outcome: not OK if nothing may be acknowledged
  };
  // What a decided but not yet durable group added, so that later groups see it.
  struct InFlightIndex {
    uint64_t end_position = 0;  // the log size once the group is durable
    absl::flat_hash_map<EventId, std::pair<uint64_t, Leaf>> ids;
    absl::flat_hash_map<std::string, StreamHead> heads;
  };

  EventStoreImpl(std::string dir, Options options);
  absl::Status OpenDatabase();
  absl::Status CheckAgainstCheckpoint();

  // The sequencer thread and its steps.
  void SequencerLoop();
  std::unique_ptr<DecidedGroup> DecideGroup(PendingAppends group);
  // Validates and prepares an append, in the caller's thread.
  absl::StatusOr<std::unique_ptr<PendingAppend>> Prepare(absl::string_view stream,
                                                         ExpectedRevision expected,
                                                         std::vector<EventData> events);
  // The writer thread: writes each group, unsynced, and hands it to the syncer.
  void WriterLoop();
  void WriteGroup(DecidedGroup& group);
  // The syncer thread: one SyncWAL for every group written so far.
  void SyncerLoop();
  // The acknowledger thread: publishes what the syncer made durable, then runs callbacks.
  void AcknowledgerLoop();
  void AcknowledgeGroups(std::deque<std::unique_ptr<DecidedGroup>>& groups, absl::Status synced);
  // Sets failure_ (fail-stop) from a failed write or sync; returns the status to report.
  absl::Status FailStop(const absl::Status& status);
  absl::StatusOr<AppendResult> Sequence(const PendingAppend& append, GroupState& state,
                                        rocksdb::WriteBatch& batch);
  absl::StatusOr<std::optional<AppendResult>> CheckReplay(const PendingAppend& append,
                                                          GroupState& state);
  absl::Status PrefetchStoredIds(const PendingAppends& group, GroupState& state);
  absl::StatusOr<std::optional<StreamHead>> LookupHead(const std::string& stream,
                                                       GroupState& state);
  bool CheckpointDue() const;

  // Reading helpers; callers hold lifecycle_mu_ (shared) and checked that db_ is open.
  absl::StatusOr<RangeRead> ReadRangeLocked(uint64_t from, uint64_t end,
                                            const std::optional<std::string>& tag,
                                            size_t max_count);
  // The stream's head as RocksDB holds it now: the sequencer's view, durable or not.
  absl::StatusOr<StreamHead> ReadHead(absl::string_view stream);
  // The stream's head for readers: durable. A head still being synced is waited for (one
  // fsync at most), so that no read shows an event that a crash could take back.
  absl::StatusOr<StreamHead> ReadDurableHead(absl::string_view stream);
  // Waits until the event at `position` is durable; the store's failure if it never will be.
  absl::Status AwaitDurable(uint64_t position);
  // A page of the stream or tag index of `name` from number `from` (a revision or a position)
  // towards `end` (exclusive; UINT64_MAX for no bound) in `direction`.
  absl::StatusOr<ReadPage> ReadIndexPage(ColumnFamily family, absl::string_view name, uint64_t from,
                                         uint64_t end, Direction direction, size_t limit);
  // The event at `position`; `tree`, if given, is the cursor its tree check reuses (created on
  // first use).
  absl::StatusOr<RecordedEvent> ReadEventAt(uint64_t position,
                                            std::unique_ptr<rocksdb::Iterator>* tree = nullptr);
  // The event of these records. With Options::verify_reads, its body is checked against the
  // digests of its leaf, and, if `check_leaf`, its leaf hash against the tree (else the
  // caller checks it, e.g. CheckRangeAgainstTree).
  absl::StatusOr<RecordedEvent> MakeEvent(uint64_t position, absl::string_view leaf_bytes,
                                          absl::string_view body_bytes, bool check_leaf,
                                          std::unique_ptr<rocksdb::Iterator>* tree = nullptr);
  // DATA_LOSS with `message`, counted in integrity_failures_: what reads return when the
  // store's contents are wrong.
  absl::Status ReadDataLoss(std::string message);
  absl::Status TreeMismatch(uint64_t position, absl::string_view why);
  // The per-read check (Options::verify_reads): an event's body against the digests of its
  // leaf; its leaf hash through the tree to a trusted node; a run of consecutive events.
  absl::Status CheckBodyAgainstLeaf(uint64_t position, const Leaf& leaf, const BodyView& body);
  absl::Status CheckLeafAgainstTree(uint64_t position, const tlog::Hash& leaf_hash,
                                    std::unique_ptr<rocksdb::Iterator>* tree = nullptr);
  absl::Status CheckRangeAgainstTree(const std::vector<RecordedEvent>& events);
  // Walks up from node (level, index) whose computed hash is `hash` to a known node: true if
  // they are equal; errors name `position`.
  absl::StatusOr<bool> WalkToKnownNode(uint64_t position, int level, uint64_t index,
                                       tlog::Hash hash);
  // Sets up trusted_nodes_ once Open's checks passed.
  absl::Status LoadTrustedNodes();
  // A read's error for RocksDB status `s` met reading `family` at `position`: a corrupt
  // block is DATA_LOSS saying so (counted), anything else the converted status.
  absl::Status UnreadableAt(const rocksdb::Status& s, absl::string_view family, uint64_t position);
  absl::Status Unreadable(const rocksdb::Status& s, absl::string_view context);
  // A node known to be correct: trusted, or checked by an earlier read.
  std::optional<tlog::Hash> KnownNode(int level, uint64_t index);
  // Verify's index checks (see Verify): a finding is where (if known) and what.
  struct IndexCounts;
  using Finding = std::optional<std::pair<std::optional<uint64_t>, std::string>>;
  absl::StatusOr<Finding> CheckEventIndexed(uint64_t position, const Leaf& leaf,
                                            const std::vector<std::string>& tags,
                                            IndexCounts& counts);
  absl::StatusOr<Finding> FindStrayIndexEntry(uint64_t size, const IndexCounts& counts);
  absl::StatusOr<std::vector<RecordedEvent>> ReadPositions(const std::vector<uint64_t>& positions);
  size_t ClampCount(size_t max_count) const;
  absl::StatusOr<tlog::Hash> PerfectNode(int level, uint64_t index);
  // OUT_OF_RANGE unless a tree of `size` events is committed.
  absl::Status CheckTreeSize(uint64_t size) const;
  absl::StatusOr<std::optional<Leaf>> LoadLeafById(const EventId& id, uint64_t* position);
  absl::StatusOr<Leaf> LoadLeaf(uint64_t position);

  absl::StatusOr<SignedCheckpoint> SignCheckpointLocked()
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(checkpoint_mu_);
  std::string CheckpointPath() const;

  rocksdb::ColumnFamilyHandle* cf(ColumnFamily family) const { return handles_[family]; }

  const std::string dir_;
  const Options options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned, destroyed before db_
  std::unique_ptr<tlog::SigningKey> key_;

  // The append queue.
  absl::Mutex queue_mu_;
  absl::CondVar queue_cv_;
  std::deque<std::unique_ptr<PendingAppend>> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool stopping_ ABSL_GUARDED_BY(queue_mu_) = false;
  absl::Status failure_ ABSL_GUARDED_BY(queue_mu_);  // set when a write failed: fail-stop
  std::atomic<bool> failed_{false};                  // failure_ is set (readable lock-free)
  std::thread sequencer_;

  // Decided groups waiting for the writer, besides the one it is writing. One is enough to
  // overlap deciding with writing; more would only split the load into smaller groups.
  static constexpr size_t kMaxGroupsInFlight = 1;
  StageQueue<std::unique_ptr<DecidedGroup>> handoff_;
  std::thread writer_;

  // Groups written to RocksDB but not yet synced, oldest first: the syncer's next batch.
  StageQueue<std::unique_ptr<DecidedGroup>> written_;
  std::thread syncer_;

  // Groups the syncer is done with, each batch with its sync's outcome, oldest first.
  struct SyncedGroups {
    std::deque<std::unique_ptr<DecidedGroup>> groups;
    absl::Status synced;
  };
  StageQueue<SyncedGroups> synced_;
  std::thread acknowledger_;

  // Owned by the sequencer thread once it runs (set up by Open before that). This view runs
  // ahead of the durable log by the groups in flight.
  tlog::Frontier frontier_;
  absl::flat_hash_map<std::string, StreamHead> head_cache_;
  std::deque<InFlightIndex> in_flight_;  // oldest first
  int64_t last_time_us_ = 0;

  // What is durable, published by the syncer after each SyncWAL.
  mutable absl::Mutex commit_mu_;
  uint64_t committed_size_ ABSL_GUARDED_BY(commit_mu_) = 0;
  tlog::Hash committed_root_ ABSL_GUARDED_BY(commit_mu_){};
  bool closed_ ABSL_GUARDED_BY(commit_mu_) = false;
  absl::CondVar commit_cv_;  // signalled on every commit, on close and by WakeWaiters
  std::atomic<uint64_t> committed_size_atomic_{0};

  // Checkpoints.
  absl::Mutex checkpoint_mu_;
  std::optional<SignedCheckpoint> latest_checkpoint_ ABSL_GUARDED_BY(checkpoint_mu_);
  std::atomic<uint64_t> signed_size_{0};
  std::atomic<int64_t> signed_time_us_{0};     // checkpoint time (options_.clock)
  std::atomic<int64_t> last_sign_wall_us_{0};  // wall time of the last signing (absl::Now)

  // Lifecycle: readers hold it shared while they use db_; Close holds it exclusively to
  // tear the database down, after which every call fails with FAILED_PRECONDITION.
  absl::Mutex lifecycle_mu_;
  bool close_done_ ABSL_GUARDED_BY(lifecycle_mu_) = false;
  bool serving_ = false;  // set once Open's checks passed and the threads run

  // The per-read check. A node is (level, index). trusted_nodes_: the perfect-subtree roots
  // of the last signed checkpoint's tree (checked against its signature at open) and of the
  // tree at open (checked against the frontier), immutable once open; every event before
  // opened_size_ lies under one of them. Events appended since open are checked against
  // their stored leaf hash, which this process wrote.
  using NodeId = std::pair<int, uint64_t>;
  absl::flat_hash_map<NodeId, tlog::Hash> trusted_nodes_;
  uint64_t opened_size_ = 0;
  // The level whose nodes (and those above) open checked: a read's leaf is hashed up to it.
  int base_level_ = 0;
  // Nodes that a read has checked against a trusted node (level 0: stored leaf hashes equal to
  // the recomputed ones), so that later reads stop there.
  absl::Mutex verified_mu_;
  absl::flat_hash_map<NodeId, tlog::Hash> verified_nodes_ ABSL_GUARDED_BY(verified_mu_);
  std::atomic<uint64_t> integrity_failures_{0};
};

}  // namespace ctg::eventstore

#endif  // CTG_EVENTSTORE_EVENT_STORE_IMPL_H_
