// The event store: an append-only, tamper-evident log of events grouped in streams.
//
// Every event belongs to one stream ("<category>-<id>", e.g. "post-7f3c…") at a revision
// (0, 1, 2…) and has one position in the global log (0, 1, 2…, gap-free, in commit order).
// Appends go through a single sequencer thread that checks expected revisions, assigns
// positions and extends an RFC 6962 Merkle tree over the log, into one RocksDB write batch
// per group of appends (group commit); a writer thread writes the groups and a syncer thread
// fsyncs them, and nothing is acknowledged or readable before its fsync. Signed checkpoints
// (checkpoint.h) commit to the log's size and root; inclusion and consistency proofs let anyone who
// kept a checkpoint check that nothing was rewritten or removed.
//
// Usage:
//   ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store, EventStore::Open(dir, Options()));
//   ASSIGN_OR_RETURN(AppendResult r, store->Append("post-1", ExpectedRevision::NoStream(),
//                                                  {event}));
//   ASSIGN_OR_RETURN(ReadPage page, store->ReadStream("post-1", 0, Direction::kForward, 100));
//
// Errors (absl::StatusCode): INVALID_ARGUMENT for malformed requests (the message names the
// field), ABORTED for a failed expected-revision check, ALREADY_EXISTS for an event id
// reused with other content, NOT_FOUND for an unknown stream or event, OUT_OF_RANGE for a
// position or size beyond the log, DATA_LOSS for detected corruption, FAILED_PRECONDITION
// once the store is closed or failed, and the converted RocksDB status for I/O errors.
//
// Thread safety: an EventStore is safe to use from any number of threads. Append blocks the
// calling thread until its events are durable; AppendAsync does not. The store must outlive its
// Subscriptions.
#ifndef CTG_EVENTSTORE_EVENT_STORE_H_
#define CTG_EVENTSTORE_EVENT_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "eventstore/options.h"
#include "eventstore/tlog/checkpoint.h"
#include "eventstore/tlog/merkle.h"
#include "eventstore/types.h"

namespace ctg::eventstore {

// Where a subscription starts and what it delivers.
struct SubscriptionOptions {
  uint64_t from_position = 0;  // first log position to deliver (0: the whole log)
  // If set, deliver only events carrying this tag. Checkpoints still advance over the
  // events that do not match, so the subscriber can always measure its lag.
  std::optional<std::string> tag;
  size_t max_batch = 256;  // most events per batch (at most Options::max_read_count)
};

// What Subscription::Next returns: events in log order, then where the subscriber stands.
struct SubscriptionBatch {
  std::vector<RecordedEvent> events;  // may be empty (a pure checkpoint)
  uint64_t position = 0;  // checkpoint: every event before this position has been delivered
                          // (or filtered out); the next batch starts here
  uint64_t log_size = 0;  // size of the log when the batch was read; lag = log_size - position
  absl::Time time;        // when the batch was read
};

// A subscription to the log from a position: it catches up by reading the log, then goes
// live, waiting for new commits. Every event is delivered exactly once, in log order,
// with no gap. A slow subscriber never slows appends down: it simply reads from the store
// until it catches up again.
//
// Thread safety: Next must be called from one thread at a time; Cancel from any thread.
class Subscription {
 public:
  virtual ~Subscription() = default;

  // Returns the next batch as soon as at least one event is available, or a pure
  // checkpoint batch (no events) when `timeout` passes or when filtered-out events moved the
  // position. CANCELLED after Cancel(); FAILED_PRECONDITION once the store closes.
  virtual absl::StatusOr<SubscriptionBatch> Next(absl::Duration timeout) = 0;

  // Makes a pending and every later Next return CANCELLED. Idempotent.
  virtual void Cancel() = 0;
};

class EventStore {
 public:
  // Opens the store in `dir` (created if missing and options.create_if_missing). At open
  // the store checks its tree against the last signed checkpoint and refuses to start
  // (DATA_LOSS, with the reason) if the log is shorter than that checkpoint or its root at
  // that size differs, or (FAILED_PRECONDITION) if the checkpoint was not signed by the
  // configured key. Only one process may open a directory at a time.
  static absl::StatusOr<std::unique_ptr<EventStore>> Open(absl::string_view dir,
                                                          const Options& options);

  // Restores backup `backup_id` (0: the latest) of `backup_dir` into `target_dir`, which
  // must be empty or absent, then checks that the restored log's root at the size of the
  // checkpoint stored with the backup equals that checkpoint's root (DATA_LOSS otherwise).
  // If `verifier` is given, the checkpoint's signature is checked with it as well. The
  // restored store is opened with the Options that name the original signing key.
  static absl::StatusOr<BackupInfo> Restore(absl::string_view backup_dir, uint32_t backup_id,
                                            absl::string_view target_dir,
                                            const tlog::VerifierKey* verifier);

  // Lists the backups in `backup_dir`, oldest first.
  static absl::StatusOr<std::vector<BackupInfo>> ListBackups(absl::string_view backup_dir);

  virtual ~EventStore() = default;

  // Appends `events` to `stream` atomically: all are written, at consecutive positions and
  // revisions, or none is. `expected` is checked against the stream's revision when the
  // append is sequenced; on mismatch nothing is written and the error is ABORTED with the
  // actual revision. If every event id is already stored as the same events of this
  // stream, nothing is written and the original result is returned (replayed = true), also
  // across restarts; an id stored with other content, or a mix of stored and new ids, is
  // ALREADY_EXISTS. Returns once the events are durable (see Options::sync).
  virtual absl::StatusOr<AppendResult> Append(absl::string_view stream, ExpectedRevision expected,
                                              std::vector<EventData> events) = 0;

  // Receives the outcome of an AppendAsync, exactly once.
  using AppendCallback = absl::AnyInvocable<void(absl::StatusOr<AppendResult>)>;

  // Append without blocking: returns at once and calls `done` with what Append would have
  // returned. `done` runs on the store's acknowledger thread once the events are durable
  // (or the append failed), in log order, or on the calling thread if the request is invalid
  // or the store closed. Used by servers whose handlers must not block on an fsync.
  //
  // What `done` may call: AppendAsync and Size, nothing else of the store; it must return
  // quickly. The acknowledger thread publishes durability and Close waits for it, so a call
  // that waits for either would wait for the very thread running it: Append, ReadStream and
  // GetStreamHead wait until the newest written events (of a stream) are durable, which a
  // later group may still be syncing; every other read takes the lock Close holds while it
  // joins this thread. Hand such work to another thread.
  virtual void AppendAsync(absl::string_view stream, ExpectedRevision expected,
                           std::vector<EventData> events, AppendCallback done) = 0;

  // Reads up to `max_count` events of `stream` from revision `from` (inclusive) in
  // `direction`. For a backward read from the end, pass UINT64_MAX. NOT_FOUND if the
  // stream has no event. max_count is clamped to Options::max_read_count; 0 is
  // INVALID_ARGUMENT.
  virtual absl::StatusOr<ReadPage> ReadStream(absl::string_view stream, uint64_t from,
                                              Direction direction, size_t max_count) = 0;

  // Reads the global log from position `from` (inclusive) in `direction`. A backward read
  // from the end passes UINT64_MAX. Only committed (durable) events are visible.
  virtual absl::StatusOr<ReadPage> ReadLog(uint64_t from, Direction direction,
                                           size_t max_count) = 0;

  // Reads the events carrying `tag`, from log position `from` (inclusive) in `direction`.
  // An unknown tag reads as an empty page.
  virtual absl::StatusOr<ReadPage> ReadTag(absl::string_view tag, uint64_t from,
                                           Direction direction, size_t max_count) = 0;

  // The event at `position` (OUT_OF_RANGE beyond the log) or with id `id` (NOT_FOUND).
  virtual absl::StatusOr<RecordedEvent> GetEvent(uint64_t position) = 0;
  virtual absl::StatusOr<RecordedEvent> FindEvent(const EventId& id) = 0;

  // The stream's last revision and position; NOT_FOUND if the stream has no event.
  virtual absl::StatusOr<StreamHead> GetStreamHead(absl::string_view stream) = 0;

  // Number of committed events (the next position).
  virtual uint64_t Size() const = 0;

  // Subscribes from options.from_position (OUT_OF_RANGE if beyond the log).
  virtual absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      const SubscriptionOptions& options) = 0;

  // The Merkle root of the first `size` events (OUT_OF_RANGE if size > Size()).
  virtual absl::StatusOr<tlog::Hash> RootAt(uint64_t size) = 0;
  // RFC 6962 inclusion proof of the event at `position` in the tree of `size` events.
  virtual absl::StatusOr<std::vector<tlog::Hash>> InclusionProof(uint64_t position,
                                                                 uint64_t size) = 0;
  // RFC 6962 consistency proof between the trees of `old_size` and `new_size` events.
  virtual absl::StatusOr<std::vector<tlog::Hash>> ConsistencyProof(uint64_t old_size,
                                                                   uint64_t new_size) = 0;

  // The latest signed checkpoint (NOT_FOUND before the first one).
  virtual absl::StatusOr<SignedCheckpoint> LatestCheckpoint() = 0;
  // Signs a checkpoint for the current durable size now (or returns the latest one if the
  // log has not grown since), writes it beside the store and returns it.
  virtual absl::StatusOr<SignedCheckpoint> SignCheckpoint() = 0;
  // The key that verifies this store's checkpoints.
  virtual const tlog::VerifierKey& verifier_key() const = 0;

  // Recomputes every leaf from the stored records and payloads, checks them against the
  // stored tree, recomputes the root and compares it with the stored tree and the latest
  // checkpoint; checks that every event is in the stream, tag and id indexes it belongs to
  // and that every index entry points at an event that carries it; then checks the
  // checksums of every RocksDB file. Reports the first bad position (none for a corrupt
  // file no event read needed). Runs while the store serves reads and appends (it checks the
  // log as it was when Verify started). Errors are I/O failures only.
  virtual absl::StatusOr<VerifyReport> Verify() = 0;

  // How many reads failed with DATA_LOSS since the store opened: an event that did not
  // match its entry or the tree (Options::verify_reads), an index entry that did not match
  // its event, a missing or unreadable record.
  virtual uint64_t IntegrityFailures() const = 0;

  // Takes an online backup into `backup_dir` (RocksDB BackupEngine, incremental), with a
  // freshly signed checkpoint stored as its metadata, then verifies the backup's file
  // checksums. Appends continue meanwhile.
  virtual absl::StatusOr<BackupInfo> Backup(absl::string_view backup_dir) = 0;

  // Stops accepting appends, completes the pending ones, signs a final checkpoint, ends
  // subscriptions and closes the database. Idempotent; the destructor calls it.
  virtual absl::Status Close() = 0;
};

}  // namespace ctg::eventstore

#endif  // CTG_EVENTSTORE_EVENT_STORE_H_
