// Options of the event store. Every field has a safe default; see each comment.
#ifndef CTG_EVENTSTORE_OPTIONS_H_
#define CTG_EVENTSTORE_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace ctg::eventstore {

struct Options {
  // Durability. true (the default): an append is acknowledged only once the write batch
  // holding it is fsynced (RocksDB WriteOptions::sync). A crash of the process or the
  // machine then loses no acknowledged event. false: acknowledged events survive a process
  // crash but may be lost on a power failure; checkpoints are still only signed for
  // synced sizes (the store syncs the WAL before signing). Only benchmarks and throwaway
  // demos should set false.
  bool sync = true;

  // Create the directory and an empty store if none exists. If false, opening a directory
  // without a store is NOT_FOUND.
  bool create_if_missing = true;

  // The log's name, the first line of every checkpoint and the signing key's name.
  // Printable ASCII without '+' or spaces, e.g. "ctg-platform/caf-73".
  std::string origin = "ctg-platform";

  // Path of the Ed25519 checkpoint signing key (PKCS#8 PEM, mode 0600). Empty: the file
  // "signing_key.pem" in the store directory, created on first open. Back it up apart from
  // the data: a restored store needs the key that signed its checkpoints.
  std::string signing_key_path;

  // Group commit: the most events and bytes the sequencer puts in one write batch. A
  // single append larger than these still goes in a batch of its own.
  size_t max_batch_events = 2048;
  size_t max_batch_bytes = 8 << 20;

  // Limits on appends (INVALID_ARGUMENT beyond them).
  size_t max_events_per_append = 1000;
  size_t max_event_bytes = 1 << 20;  // metadata + payload + tags of one event
  size_t max_tags_per_event = 32;

  // Limits on reads: a page holds at most this many events, and stops after the event that
  // crosses max_read_bytes (so a page always makes progress).
  size_t max_read_count = 1000;
  size_t max_read_bytes = 4 << 20;

  // A checkpoint is signed for the synced log when this much time has passed since the last
  // one, or after this many new events, whichever comes first; and on Close.
  absl::Duration checkpoint_interval = absl::Seconds(1);
  uint64_t checkpoint_every_events = 100000;

  // Stream heads kept in memory by the sequencer (the store is authoritative: a miss is one
  // RocksDB read). When full the cache is emptied.
  size_t head_cache_capacity = 1 << 20;

  // Check every event a read returns before returning it: its metadata, payload and tags
  // against the digests of its entry, and its leaf hash through the stored tree up to a root
  // the store trusts (see "Integrity" in eventstore/README.md). A mismatch is DATA_LOSS
  // naming the position and counts in IntegrityFailures(). Only benchmarks set false.
  bool verify_reads = true;
  // Tree nodes that reads have already checked, kept so that the next reads stop there
  // (about 64 bytes each; emptied when full).
  size_t verified_node_cache_entries = 1 << 18;

  // RocksDB block cache shared by all column families.
  size_t block_cache_bytes = 64 << 20;

  // The clock that stamps recorded times. Tests inject their own. Times are truncated to
  // microseconds and never go backwards along the log.
  std::function<absl::Time()> clock = [] { return absl::Now(); };

  // For fault-injection tests only: the RocksDB Env the log runs on, not owned (it must
  // outlive the store). nullptr, the default: RocksDB's own.
  rocksdb::Env* rocksdb_env = nullptr;
};

}  // namespace ctg::eventstore

#endif  // CTG_EVENTSTORE_OPTIONS_H_
