// Opening, reading, proving, checkpointing, verifying and closing the store. The append
// path (the sequencer) is in sequencer.cc; subscriptions in subscription.cc; backups in
// backup.cc.
#include "eventstore/event_store_impl.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/rocksdb_interop.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/memtablerep.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"

namespace ctg::eventstore {
namespace {

constexpr const char* kColumnFamilyNames[kColumnFamilyCount] = {
    "entries", "payloads", "streams", "heads", "tags", "ids", "tree", "meta"};

absl::Status ErrnoError(absl::string_view what, absl::string_view path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

}  // namespace

// Temporary file, fsync, rename, fsync of the directory.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot create", tmp);
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status status = ErrnoError("cannot write", tmp);
      ::close(fd);
      return status;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    absl::Status status = ErrnoError("cannot fsync", tmp);
    ::close(fd);
    return status;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return ErrnoError("cannot rename", tmp);
  const std::string parent = std::filesystem::path(path).parent_path().string();
  int dir_fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return ErrnoError("cannot open directory", parent);
  int rc = ::fsync(dir_fd);
  ::close(dir_fd);
  if (rc != 0) return ErrnoError("cannot fsync directory", parent);
  return absl::OkStatus();
}

namespace {

// The whole file, or NOT_FOUND.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return absl::NotFoundError(path);
    return ErrnoError("cannot read", path);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::Status ClosedError() { return absl::FailedPreconditionError("the event store is closed"); }

// A stream name or tag for an error message: quoted, at most 64 bytes of it.
std::string Quoted(absl::string_view name) {
  constexpr size_t kMaxQuoted = 64;
  if (name.size() <= kMaxQuoted) return absl::StrCat("'", name, "'");
  return absl::StrCat("'", name.substr(0, kMaxQuoted), "...'");
}

// A thread running `body`, named `name` (at most 15 characters) for top -H, perf and gdb.
std::thread StartNamedThread(const char* name, std::function<void()> body) {
  return std::thread([name, body = std::move(body)] {
    ::pthread_setname_np(::pthread_self(), name);
    body();
  });
}

// The key without its trailing be64 number: the name and its 0x00 separator of a stream or
// tag index key, the level of a tree key, nothing of a position key. Keys with the same
// prefix arrive in increasing order, so the memtable inserts each one after the last key of
// its prefix (memtable_insert_with_hint_prefix_extractor) instead of searching the skiplist
// from the top: random-key skiplist inserts were the writer thread's main cost (perf).
class KeyWithoutNumber final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "ctg.KeyWithoutNumber"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), key.size() - 8);
  }
  bool InDomain(const rocksdb::Slice& key) const override { return key.size() >= 8; }
};

}  // namespace

std::vector<rocksdb::ColumnFamilyDescriptor> ColumnFamilyDescriptors(const Options& options) {
  constexpr size_t kHashBuckets = 1 << 20;
  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (int i = 0; i < kColumnFamilyCount; ++i) {
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    // Point lookups (idempotency ids, stream heads, tree nodes) skip files with a filter.
    if (i == kIds || i == kHeads || i == kTree || i == kEntries) {
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    }
    rocksdb::ColumnFamilyOptions cf_options;
    cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    if (i == kStreams || i == kTags || i == kTree) {
      cf_options.memtable_insert_with_hint_prefix_extractor = std::make_shared<KeyWithoutNumber>();
    }
    if (i == kIds || i == kHeads) {
      // Point lookups only, on random keys, nearly all misses (a new event id, a new
      // stream): a hash memtable makes inserts O(1) and a whole-key memtable bloom filter
      // answers misses without searching. Skiplist inserts of random keys were the top CPU
      // cost of appends (perf, eventstore_bench). These families are never range-scanned.
      cf_options.prefix_extractor.reset(i == kIds ? rocksdb::NewFixedPrefixTransform(16)
                                                  : rocksdb::NewNoopTransform());
      // About one entry per bucket: a 64 MiB memtable holds ~1M ids (~60 bytes each), and
      // with the default 50,000 buckets the bucket lists' scans topped the writer's profile.
      cf_options.memtable_factory.reset(rocksdb::NewHashLinkListRepFactory(kHashBuckets));
      cf_options.memtable_prefix_bloom_size_ratio = 0.05;
      cf_options.memtable_whole_key_filtering = true;
    }
    descriptors.emplace_back(kColumnFamilyNames[i], cf_options);
  }
  return descriptors;
}

absl::StatusOr<tlog::Hash> RootFromTree(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* tree,
                                        uint64_t size) {
  return tlog::RootAt(size, [&](int level, uint64_t index) -> absl::StatusOr<tlog::Hash> {
    std::string value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), tree, TreeKey(level, index), &value);
    if (s.IsNotFound()) {
      return absl::DataLossError(
          absl::StrCat("tree node (level ", level, ", index ", index, ") is missing"));
    }
    if (!s.ok()) return FromRocksDb(s, "reading a tree node");
    return tlog::HashFromBytes(value);
  });
}

absl::StatusOr<std::unique_ptr<EventStore>> EventStore::Open(absl::string_view dir,
                                                             const Options& options) {
  return EventStoreImpl::OpenImpl(dir, options);
}

EventStoreImpl::EventStoreImpl(std::string dir, Options options)
    : dir_(std::move(dir)), options_(std::move(options)) {}

EventStoreImpl::~EventStoreImpl() { Close().IgnoreError(); }

absl::StatusOr<std::unique_ptr<EventStore>> EventStoreImpl::OpenImpl(absl::string_view dir,
                                                                     const Options& options) {
  if (dir.empty()) return absl::InvalidArgumentError("store directory is empty");
  if (options.origin.empty() || options.origin.find_first_of("+ \n") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("origin '", options.origin, "' must be non-empty, without '+' or spaces"));
  }
  if (options.max_batch_events == 0 || options.max_read_count == 0 ||
      options.max_events_per_append == 0) {
    return absl::InvalidArgumentError("batch, read and append limits must be positive");
  }
  std::error_code ec;
  if (!std::filesystem::exists(std::string(dir), ec)) {
    if (!options.create_if_missing) {
      return absl::NotFoundError(absl::StrCat("no event store at ", dir));
    }
    std::filesystem::create_directories(std::string(dir), ec);
    if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  }
  std::unique_ptr<EventStoreImpl> store(new EventStoreImpl(std::string(dir), options));
  RETURN_IF_ERROR(store->OpenDatabase());
  RETURN_IF_ERROR(store->CheckAgainstCheckpoint());
  RETURN_IF_ERROR(store->LoadTrustedNodes());
  // Named for top -H, perf and gdb.
  store->sequencer_ = StartNamedThread("es-sequencer", [s = store.get()] { s->SequencerLoop(); });
  store->writer_ = StartNamedThread("es-writer", [s = store.get()] { s->WriterLoop(); });
  store->syncer_ = StartNamedThread("es-syncer", [s = store.get()] { s->SyncerLoop(); });
  store->acknowledger_ = StartNamedThread("es-acker", [s = store.get()] { s->AcknowledgerLoop(); });
  store->serving_ = true;
  return std::unique_ptr<EventStore>(std::move(store));
}

absl::Status EventStoreImpl::OpenDatabase() {
  const std::string log_dir = dir_ + "/log";
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options_.create_if_missing;
  db_options.create_missing_column_families = true;
  if (options_.rocksdb_env != nullptr) db_options.env = options_.rocksdb_env;
  // An acknowledged write is never rolled back: only a torn last record (a write that was
  // never acknowledged) is tolerated at recovery; any other corruption refuses to open.
  // The pipeline leaves at most the groups of one fsync plus the one being written unsynced.
  // Should a power loss persist a later unsynced group but not an earlier one (out-of-order
  // writeback; ext4 writes an appended file's pages in order in practice), the open fails
  // loudly instead of silently dropping records: restore the last backup.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  db_options.paranoid_checks = true;
  db_options.max_background_jobs = 2;
  db_options.bytes_per_sync = 1 << 20;
  // Keep the 7.8.3 defaults that the durability analysis relies on (see
  // docs: reference/integrity-privacy-rocksdb.md §3.1).
  db_options.manual_wal_flush = false;
  db_options.unordered_write = false;
  db_options.track_and_verify_wals_in_manifest = false;
  // Hash memtables (ids, heads) do not support concurrent inserts; the store has one writer.
  db_options.allow_concurrent_memtable_write = false;

  if (!options_.create_if_missing && !std::filesystem::exists(log_dir + "/CURRENT")) {
    return absl::NotFoundError(absl::StrCat("no event store at ", dir_));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  RETURN_IF_ERROR(FromRocksDb(
      rocksdb::DB::Open(db_options, log_dir, ColumnFamilyDescriptors(options_), &handles, &db),
      absl::StrCat("opening the event store at ", dir_)));
  db_.reset(db);
  // handles[0] is the default column family, unused; keep it to destroy it on close.
  handles_.assign(handles.begin() + 1, handles.end());
  handles_.push_back(handles[0]);

  const std::string key_path =
      options_.signing_key_path.empty() ? dir_ + "/signing_key.pem" : options_.signing_key_path;
  ASSIGN_OR_RETURN(key_, tlog::SigningKey::LoadOrCreatePem(key_path, options_.origin));

  // The tree state. The frontier, entries and tree nodes are written in one batch, so they
  // agree unless the database was altered outside the store.
  std::string frontier_bytes;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf(kMeta), std::string(kFrontierKey), &frontier_bytes);
  if (s.ok()) {
    ASSIGN_OR_RETURN(frontier_, tlog::Frontier::Parse(frontier_bytes));
  } else if (!s.IsNotFound()) {
    return FromRocksDb(s, "reading the tree frontier");
  }
  const uint64_t size = frontier_.size();

  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf(kEntries)));
  it->SeekToLast();
  RETURN_IF_ERROR(FromRocksDb(it->status(), "finding the last entry"));
  if (it->Valid()) {
    ASSIGN_OR_RETURN(uint64_t last, DecodePositionKey(View(it->key())));
    if (size == 0 || last != size - 1) {
      return absl::DataLossError(absl::StrCat("the log's last entry is at position ", last,
                                              " but its tree has ", size, " leaves"));
    }
    ASSIGN_OR_RETURN(Leaf leaf, DecodeLeaf(View(it->value())));
    last_time_us_ = leaf.recorded_time_us;
  } else if (size != 0) {
    return absl::DataLossError(absl::StrCat("the tree has ", size, " leaves but the log is empty"));
  }
  ASSIGN_OR_RETURN(tlog::Hash stored_root, RootFromTree(db_.get(), cf(kTree), size));
  if (stored_root != frontier_.Root()) {
    return absl::DataLossError("the stored tree nodes disagree with the stored frontier");
  }
  absl::MutexLock lock(&commit_mu_);
  committed_size_ = size;
  committed_root_ = stored_root;
  committed_size_atomic_.store(size);
  return absl::OkStatus();
}

std::string EventStoreImpl::CheckpointPath() const { return dir_ + "/checkpoint"; }

absl::Status EventStoreImpl::CheckAgainstCheckpoint() {
  absl::StatusOr<std::string> note = ReadWholeFile(CheckpointPath());
  if (absl::IsNotFound(note.status())) return absl::OkStatus();  // never signed yet
  RETURN_IF_ERROR(note.status());
  absl::StatusOr<tlog::Checkpoint> checkpoint = tlog::VerifyCheckpoint(*note, key_->verifier());
  if (!checkpoint.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the last checkpoint (", CheckpointPath(), ") does not verify with this store's key ",
        key_->verifier().ToString(), ": ", checkpoint.status().message(),
        ". Open the store with the key that signed it (Options::signing_key_path)."));
  }
  const uint64_t size = frontier_.size();
  if (checkpoint->size > size) {
    return absl::DataLossError(absl::StrCat(
        "refusing to start: the log has ", size, " events but the last signed checkpoint (",
        CheckpointPath(), ") covers ", checkpoint->size,
        "; the log was truncated or rolled back since it was signed"));
  }
  ASSIGN_OR_RETURN(tlog::Hash root, RootFromTree(db_.get(), cf(kTree), checkpoint->size));
  if (root != checkpoint->root) {
    return absl::DataLossError(
        absl::StrCat("refusing to start: the log's root at size ", checkpoint->size,
                     " differs from the last signed checkpoint (", CheckpointPath(),
                     "); the log was rewritten since it was signed"));
  }
  absl::MutexLock lock(&checkpoint_mu_);
  latest_checkpoint_ = SignedCheckpoint{*checkpoint, *std::move(note)};
  signed_size_.store(checkpoint->size);
  signed_time_us_.store(absl::ToUnixMicros(checkpoint->time));
  return absl::OkStatus();
}

absl::Status EventStoreImpl::Close() {
  absl::MutexLock lifecycle_lock(&lifecycle_mu_);
  if (close_done_) return absl::OkStatus();
  close_done_ = true;
  {
    absl::MutexLock lock(&queue_mu_);
    stopping_ = true;  // the sequencer completes what is queued, then exits
    queue_cv_.Signal();
  }
  if (sequencer_.joinable()) sequencer_.join();  // it hands its last groups to the writer
  if (writer_.joinable()) writer_.join();        // it hands its last groups to the syncer
  if (syncer_.joinable()) syncer_.join();
  if (acknowledger_.joinable()) acknowledger_.join();
  absl::Status status;
  // Only a store that passed its open-time checks signs: a refused store must leave the
  // checkpoint that refused it in place.
  if (serving_ && db_ != nullptr && Size() > signed_size_.load()) {
    status = SignCheckpoint().status();
  }
  {
    absl::MutexLock lock(&commit_mu_);
    closed_ = true;
    commit_cv_.SignalAll();  // wakes subscribers
  }
  if (db_ != nullptr) {
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
    handles_.clear();
    absl::Status close_status = FromRocksDb(db_->Close(), "closing the event store");
    if (status.ok()) status = close_status;
    db_.reset();
  }
  return status;
}

// ---------------------------------------------------------------------------------------
// Reads

size_t EventStoreImpl::ClampCount(size_t max_count) const {
  return std::min(max_count, options_.max_read_count);
}

absl::Status EventStoreImpl::ReadDataLoss(std::string message) {
  integrity_failures_.fetch_add(1);
  return absl::DataLossError(std::move(message));
}

absl::Status EventStoreImpl::UnreadableAt(const rocksdb::Status& s, absl::string_view family,
                                          uint64_t position) {
  return Unreadable(s, absl::StrCat("the ", family, " at position ", position, " are unreadable"));
}

absl::Status EventStoreImpl::Unreadable(const rocksdb::Status& s, absl::string_view context) {
  if (s.IsCorruption()) return ReadDataLoss(absl::StrCat(context, " (corrupt): ", s.ToString()));
  return FromRocksDb(s, context);
}

absl::StatusOr<RecordedEvent> EventStoreImpl::MakeEvent(
    uint64_t position, absl::string_view leaf_bytes, absl::string_view body_bytes, bool check_leaf,
    std::unique_ptr<rocksdb::Iterator>* tree) {
  absl::StatusOr<Leaf> decoded_leaf = DecodeLeaf(leaf_bytes);
  if (!decoded_leaf.ok()) {
    return ReadDataLoss(absl::StrCat("the entry at position ", position,
                                     " is malformed: ", decoded_leaf.status().message()));
  }
  Leaf& leaf = *decoded_leaf;
  absl::StatusOr<BodyView> body = DecodeBody(body_bytes);
  absl::StatusOr<std::vector<std::string>> tags =
      body.ok() ? DecodeTags(body->tags_encoding) : body.status();
  if (!tags.ok()) {
    return ReadDataLoss(absl::StrCat("the payload record at position ", position,
                                     " is malformed: ", tags.status().message()));
  }
  if (leaf.position != position) {
    return ReadDataLoss(
        absl::StrCat("the entry at position ", position, " records position ", leaf.position));
  }
  if (options_.verify_reads) RETURN_IF_ERROR(CheckBodyAgainstLeaf(position, leaf, *body));
  RecordedEvent event;
  event.id = leaf.id;
  event.stream = std::move(leaf.stream);
  event.revision = leaf.revision;
  event.position = position;
  event.recorded_time = absl::FromUnixMicros(leaf.recorded_time_us);
  event.type = std::move(leaf.type);
  event.metadata.assign(body->metadata.data(), body->metadata.size());
  event.payload.assign(body->payload.data(), body->payload.size());
  event.tags = *std::move(tags);
  event.leaf_hash = tlog::LeafHash(leaf_bytes);
  if (options_.verify_reads && check_leaf) {
    RETURN_IF_ERROR(CheckLeafAgainstTree(position, event.leaf_hash, tree));
  }
  return event;
}

absl::StatusOr<RecordedEvent> EventStoreImpl::ReadEventAt(
    uint64_t position, std::unique_ptr<rocksdb::Iterator>* tree) {
  const std::string key = PositionKey(position);
  std::string leaf;
  std::string body;
  rocksdb::ReadOptions ro;
  rocksdb::Status s = db_->Get(ro, cf(kEntries), key, &leaf);
  if (s.IsNotFound()) {
    return ReadDataLoss(absl::StrCat("the entry at position ", position, " is missing"));
  }
  if (!s.ok()) return UnreadableAt(s, "entries", position);
  s = db_->Get(ro, cf(kPayloads), key, &body);
  if (s.IsNotFound()) {
    return ReadDataLoss(absl::StrCat("the payload record at position ", position, " is missing"));
  }
  if (!s.ok()) return UnreadableAt(s, "payloads", position);
  return MakeEvent(position, leaf, body, /*check_leaf=*/true, tree);
}

absl::StatusOr<std::vector<RecordedEvent>> EventStoreImpl::ReadPositions(
    const std::vector<uint64_t>& positions) {
  std::vector<RecordedEvent> events;
  events.reserve(positions.size());
  std::unique_ptr<rocksdb::Iterator> tree;  // one cursor for every event's tree check
  size_t bytes = 0;
  for (uint64_t position : positions) {
    ASSIGN_OR_RETURN(RecordedEvent event, ReadEventAt(position, &tree));
    bytes += event.payload.size() + event.metadata.size();
    events.push_back(std::move(event));
    if (bytes >= options_.max_read_bytes) break;
  }
  return events;
}

absl::StatusOr<ReadPage> EventStoreImpl::ReadStream(absl::string_view stream, uint64_t from,
                                                    Direction direction, size_t max_count) {
  if (max_count == 0) return absl::InvalidArgumentError("max_count must be positive");
  absl::ReaderMutexLock lifecycle_lock(&lifecycle_mu_);
  if (db_ == nullptr) return ClosedError();
  // NOT_FOUND for a stream with no durable event; revisions up to the head's are durable.
  ASSIGN_OR_RETURN(StreamHead head, ReadDurableHead(stream));
  if (direction == Direction::kBackward) from = std::min(from, head.revision);
  return ReadIndexPage(kStreams, stream, from, head.revision + 1, direction, ClampCount(max_count));
}

absl::StatusOr<ReadPage> EventStoreImpl::ReadIndexPage(ColumnFamily family, absl::string_view name,
                                                       uint64_t from, uint64_t end,
                                                       Direction direction, size_t limit) {
  const std::string lower = NamedKeyPrefix(name);
  std::string upper = lower;
  upper.back() = '\x01';
  if (end != UINT64_MAX) upper = NamedKey(name, end);
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lower_slice;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(family)));
  const std::string start = NamedKey(name, from);
  if (direction == Direction::kForward) {
    it->Seek(start);
  } else {
    it->SeekForPrev(start);
  }
  // numbers[i] is the key's number (a revision or a position), positions[i] the event's.
  std::vector<uint64_t> numbers;
  std::vector<uint64_t> positions;
  for (; it->Valid() && numbers.size() < limit;
       direction == Direction::kForward ? it->Next() : it->Prev()) {
    ASSIGN_OR_RETURN(uint64_t number, DecodeNamedKeyNumber(View(it->key())));
    if (family == kTags) {
      positions.push_back(number);
    } else {
      // Revisions are gap-free: the page holds from, from ± 1, ...
      const uint64_t revision = direction == Direction::kForward ? from + numbers.size()
                                                                 : from - numbers.size();
      if (number != revision) {
        return ReadDataLoss(absl::StrCat("the stream index of ", Quoted(name),
                                         " has no entry for revision ", revision));
      }
      if (it->value().size() != 8) {
        return ReadDataLoss(absl::StrCat("the stream index entry for revision ", number,
                                         " of stream ", Quoted(name), " is malformed"));
      }
      positions.push_back(GetBigEndian64(View(it->value())));
    }
    numbers.push_back(number);
  }
  if (!it->status().ok()) {
    return Unreadable(it->status(), absl::StrCat("the ", family == kTags ? "tag" : "stream",
                                                 " index of ", Quoted(name), " is unreadable"));
  }
  ReadPage page;
  ASSIGN_OR_RETURN(page.events, ReadPositions(positions));
  // Each entry must point at an event that carries it.
  for (size_t i = 0; i < page.events.size(); ++i) {
    const RecordedEvent& event = page.events[i];
    if (family == kTags) {
      if (!std::binary_search(event.tags.begin(), event.tags.end(), name)) {
        return ReadDataLoss(absl::StrCat("the tag index lists position ", event.position,
                                         " under ", Quoted(name),
                                         ", but the event there does not carry that tag"));
      }
    } else if (event.stream != name || event.revision != numbers[i]) {
      return ReadDataLoss(absl::StrCat(
          "the stream index entry for revision ", numbers[i], " of stream ", Quoted(name),
          " points at position ", event.position, ", which holds revision ", event.revision,
          " of stream ", Quoted(event.stream)));
    }
  }
  if (page.events.size() < positions.size()) {
    page.next = numbers[page.events.size()];  // the byte limit cut the page short
  } else if (it->Valid()) {
    ASSIGN_OR_RETURN(page.next, DecodeNamedKeyNumber(View(it->key())));
  }
  return page;
}

absl::StatusOr<RangeRead> EventStoreImpl::ReadRange(uint64_t from, uint64_t end,
                                                    const std::optional<std::string>& tag,
                                                    size_t max_count) {
  absl::ReaderMutexLock lifecycle_lock(&lifecycle_mu_);
  if (db_ == nullptr) return ClosedError();
  return ReadRangeLocked(from, end, tag, max_count);
}

absl::StatusOr<RangeRead> EventStoreImpl::ReadRangeLocked(uint64_t from, uint64_t end,
                                                          const std::optional<std::string>& tag,
                                                          size_t max_count) {
  RangeRead read;
  read.next = from;
  if (from >= end || max_count == 0) return read;
  if (tag.has_value()) {
    const std::string lower = NamedKey(*tag, from);
    const std::string upper = NamedKey(*tag, end);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(kTags)));
    std::vector<uint64_t> positions;
    for (it->Seek(lower); it->Valid() && positions.size() < max_count; it->Next()) {
      ASSIGN_OR_RETURN(uint64_t position, DecodeNamedKeyNumber(View(it->key())));
      positions.push_back(position);
    }
    if (!it->status().ok()) {
      return Unreadable(it->status(),
                        absl::StrCat("the tag index of ", Quoted(*tag), " is unreadable"));
    }
    const bool exhausted = !it->Valid();
    ASSIGN_OR_RETURN(read.events, ReadPositions(positions));
    for (const RecordedEvent& event : read.events) {
      if (!std::binary_search(event.tags.begin(), event.tags.end(), *tag)) {
        return ReadDataLoss(absl::StrCat("the tag index lists position ", event.position,
                                         " under ", Quoted(*tag),
                                         ", but the event there does not carry that tag"));
      }
    }
    read.next =
        exhausted && read.events.size() == positions.size() ? end : read.events.back().position + 1;
    return read;
  }
  // The whole log: entries and payloads share their keys, so read them in lockstep.
  const std::string lower = PositionKey(from);
  const std::string upper = PositionKey(end);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> entries(db_->NewIterator(ro, cf(kEntries)));
  std::unique_ptr<rocksdb::Iterator> payloads(db_->NewIterator(ro, cf(kPayloads)));
  size_t bytes = 0;
  uint64_t expected = from;
  for (entries->Seek(lower), payloads->Seek(lower);
       expected < end && read.events.size() < max_count && bytes < options_.max_read_bytes;
       entries->Next(), payloads->Next(), ++expected) {
    const std::string key = PositionKey(expected);
    if (!entries->status().ok()) return UnreadableAt(entries->status(), "entries", expected);
    if (!entries->Valid() || entries->key() != key) {
      return ReadDataLoss(absl::StrCat("the entry at position ", expected, " is missing"));
    }
    if (!payloads->status().ok()) return UnreadableAt(payloads->status(), "payloads", expected);
    if (!payloads->Valid() || payloads->key() != key) {
      return ReadDataLoss(
          absl::StrCat("the payload record at position ", expected, " is missing"));
    }
    ASSIGN_OR_RETURN(RecordedEvent event,
                     MakeEvent(expected, View(entries->value()), View(payloads->value()),
                               /*check_leaf=*/false));
    bytes += event.payload.size() + event.metadata.size();
    read.events.push_back(std::move(event));
  }
  if (options_.verify_reads) RETURN_IF_ERROR(CheckRangeAgainstTree(read.events));
  read.next = expected;
  return read;
}

absl::StatusOr<ReadPage> EventStoreImpl::ReadLog(uint64_t from, Direction direction,
                                                 size_t max_count) {
  if (max_count == 0) return absl::InvalidArgumentError("max_count must be positive");
  absl::ReaderMutexLock lifecycle_lock(&lifecycle_mu_);
  if (db_ == nullptr) return ClosedError();
  const uint64_t size = Size();
  const size_t limit = ClampCount(max_count);
  ReadPage page;
  if (direction == Direction::kForward) {
    if (from >= size) return page;
    ASSIGN_OR_RETURN(RangeRead read, ReadRangeLocked(from, size, std::nullopt, limit));
    page.events = std::move(read.events);
    if (read.next < size) page.next = read.next;
    return page;
  }
  if (size == 0) return page;
  std::vector<uint64_t> positions;
  for (uint64_t p = std::min(from, size - 1) + 1; p > 0 && positions.size() < limit; --p) {
    positions.push_back(p - 1);
  }
  ASSIGN_OR_RETURN(page.events, ReadPositions(positions));
  const uint64_t lowest = page.events.back().position;
  if (lowest > 0) page.next = lowest - 1;
  return page;
}

absl::StatusOr<ReadPage> EventStoreImpl::ReadTag(absl::string_view tag, uint64_t from,
                                                 Direction direction, size_t max_count) {
  if (max_count == 0) return absl::InvalidArgumentError("max_count must be positive");
  if (tag.empty()) return absl::InvalidArgumentError("tag is empty");
  absl::ReaderMutexLock lifecycle_lock(&lifecycle_mu_);
  if (db_ == nullptr) return ClosedError();
  const uint64_t size = Size();  // only committed events
  if (size == 0) return ReadPage();
  return ReadIndexPage(kTags, tag,
                       direction == Direction::kForward ? from : std::min(from, size - 1), size,
                       direction, ClampCount(max_count));
}

absl::StatusOr<RecordedEvent> EventStoreImpl::GetEvent(uint64_t position) {
  absl::ReaderMutexLock lifecycle_lock(&lifecycle_mu_);
  if (db_ == nullptr) return ClosedError();
  if (position >= Size()) {
    return absl::OutOfRangeError(
        absl::StrCat("position ", position, " is beyond the log (size ", Size(), ")"));
  }
  return ReadEventAt(position);
}

absl::StatusOr<std::optional<Leaf>> EventStoreImpl::LoadLeafById(const EventId& id,
                                                                 uint64_t* position) {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf(kIds),
               rocksdb::Slice(reinterpret_cast<const char*>(id.data()), id.size()), &value);
  if (s.IsNotFound()) return std::optional<Leaf>();
  RETURN_IF_ERROR(FromRocksDb(s, "looking up an event id"));
  if (value.size() != 8) return absl::DataLossError("malformed event id index entry");
  *position = GetBigEndian64(value);
  ASSIGN_OR_RETURN(Leaf leaf, LoadLeaf(*position));
  return std::optional<Leaf>(std::move(leaf));
}

absl::StatusOr<Leaf> EventStoreImpl::LoadLeaf(uint64_t position) {
  std::string leaf_bytes;
  RETURN_IF_ERROR(FromRocksDb(
      db_->Get(rocksdb::ReadOptions(), cf(kEntries), PositionKey(position), &leaf_bytes),
      absl::StrCat("reading the entry at position ", position)));
  return DecodeLeaf(leaf_bytes);
}

absl::StatusOr<RecordedEvent> EventStoreImpl::FindEvent(const EventId& id) {
  absl::ReaderMutexLock lifecycle_lock(&lifecycle_mu_);
  if (db_ == nullptr) return ClosedError();
  uint64_t position = 0;
  ASSIGN_OR_RETURN(std::optional<Leaf> leaf, LoadLeafById(id, &position));
  if (!leaf.has_value() || position >= Size()) {
    return absl::NotFoundError(absl::StrCat("no event with id ", EventIdToString(id)));
  }
  if (leaf->id != id) {
    return ReadDataLoss(absl::StrCat("the id index maps event id ", EventIdToString(id),
                                     " to position ", position, ", which holds another event"));
  }
  return ReadEventAt(position);
}

absl::StatusOr<StreamHead> EventStoreImpl::GetStreamHead(absl::string_view stream) {
  absl::ReaderMutexLock lifecycle_lock(&lifecycle_mu_);
  if (db_ == nullptr) return ClosedError();
  return ReadDurableHead(stream);
}

absl::StatusOr<StreamHead> EventStoreImpl::ReadDurableHead(absl::string_view stream) {
  ASSIGN_OR_RETURN(StreamHead head, ReadHead(stream));
  if (head.last_position >= Size()) RETURN_IF_ERROR(AwaitDurable(head.last_position));
  return head;
}

absl::Status EventStoreImpl::AwaitDurable(uint64_t position) {
  {
    absl::MutexLock lock(&commit_mu_);
    while (committed_size_ <= position && !closed_ && !failed_.load()) {
      commit_cv_.Wait(&commit_mu_);
    }
    if (committed_size_ > position) return absl::OkStatus();
    if (closed_) return ClosedError();
  }
  absl::MutexLock lock(&queue_mu_);
  return failure_;
}

absl::StatusOr<StreamHead> EventStoreImpl::ReadHead(absl::string_view stream) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kHeads), ToSlice(stream), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat("stream '", stream, "' has no event"));
  }
  RETURN_IF_ERROR(FromRocksDb(s, "reading a stream head"));
  if (value.size() != 16) return absl::DataLossError("malformed stream head");
  return StreamHead{GetBigEndian64(value, 0), GetBigEndian64(value, 8)};
}

// ---------------------------------------------------------------------------------------
// Proofs and checkpoints

absl::StatusOr<tlog::Hash> EventStoreImpl::PerfectNode(int level, uint64_t index) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(kTree), TreeKey(level, index), &value);
  if (s.IsNotFound()) {
    return absl::DataLossError(
        absl::StrCat("tree node (level ", level, ", index ", index, ") is missing"));
  }
  RETURN_IF_ERROR(FromRocksDb(s, "reading a tree node"));
  return tlog::HashFromBytes(value);
}

absl::Status EventStoreImpl::CheckTreeSize(uint64_t size) const {
  if (size <= Size()) return absl::OkStatus();
  return absl::OutOfRangeError(
      absl::StrCat("tree size ", size, " is beyond the log (size ", Size(), ")"));
}

absl::StatusOr<tlog::Hash> EventStoreImpl::RootAt(uint64_t size) {
  absl::ReaderMutexLock lifecycle_lock(&lifecycle_mu_);
  if (db_ == nullptr) return ClosedError();
  RETURN_IF_ERROR(CheckTreeSize(size));
  return RootFromTree(db_.get(), cf(kTree), size);
}

absl::StatusOr<std::vector<tlog::Hash>> EventStoreImpl::InclusionProof(uint64_t position,
                                                                       uint64_t size) {
  absl::ReaderMutexLock lifecycle_lock(&lifecycle_mu_);
  if (db_ == nullptr) return ClosedError();
  RETURN_IF_ERROR(CheckTreeSize(size));
  return tlog::InclusionProof(
      position, size, [this](int level, uint64_t index) { return PerfectNode(level, index); });
}

absl::StatusOr<std::vector<tlog::Hash>> EventStoreImpl::ConsistencyProof(uint64_t old_size,
                                                                         uint64_t new_size) {
  absl::ReaderMutexLock lifecycle_lock(&lifecycle_mu_);
  if (db_ == nullptr) return ClosedError();
  RETURN_IF_ERROR(CheckTreeSize(new_size));
  return tlog::ConsistencyProof(
      old_size, new_size, [this](int level, uint64_t index) { return PerfectNode(level, index); });
}

absl::StatusOr<SignedCheckpoint> EventStoreImpl::LatestCheckpoint() {
  absl::MutexLock lock(&checkpoint_mu_);
  if (!latest_checkpoint_.has_value()) {
    return absl::NotFoundError("no checkpoint has been signed yet");
  }
  return *latest_checkpoint_;
}

absl::StatusOr<SignedCheckpoint> EventStoreImpl::SignCheckpoint() {
  absl::MutexLock lock(&checkpoint_mu_);
  return SignCheckpointLocked();
}

absl::StatusOr<SignedCheckpoint> EventStoreImpl::SignCheckpointLocked() {
  if (!options_.sync) {
    // Acknowledged but not yet synced events must be on disk before a checkpoint covers them.
    RETURN_IF_ERROR(FromRocksDb(db_->SyncWAL(), "syncing the log before signing"));
  }
  tlog::Checkpoint checkpoint;
  {
    absl::MutexLock commit_lock(&commit_mu_);
    checkpoint.size = committed_size_;
    checkpoint.root = committed_root_;
  }
  if (latest_checkpoint_.has_value() && latest_checkpoint_->checkpoint.size >= checkpoint.size) {
    return *latest_checkpoint_;  // the log has not grown: nothing new to commit to
  }
  checkpoint.origin = options_.origin;
  const int64_t now_us = std::max(absl::ToUnixMicros(options_.clock()), signed_time_us_.load());
  checkpoint.time = absl::FromUnixMicros(now_us);
  ASSIGN_OR_RETURN(std::string note, key_->Sign(checkpoint));
  RETURN_IF_ERROR(WriteFileAtomically(CheckpointPath(), note));
  latest_checkpoint_ = SignedCheckpoint{checkpoint, std::move(note)};
  signed_size_.store(checkpoint.size);
  signed_time_us_.store(now_us);
  last_sign_wall_us_.store(absl::ToUnixMicros(absl::Now()));
  return *latest_checkpoint_;
}

const tlog::VerifierKey& EventStoreImpl::verifier_key() const { return key_->verifier(); }

// ---------------------------------------------------------------------------------------
// The per-read check

absl::Status EventStoreImpl::LoadTrustedNodes() {
  opened_size_ = Size();
  const uint64_t signed_size = signed_size_.load();
  // The base level: the lowest with at most 2^16 nodes, all read now in one pass, so that a
  // read's walk needs at most `base` sibling lookups. If the pass fails, walks go further up.
  constexpr uint64_t kMaxBaseNodes = 1 << 16;
  int base = 0;
  while ((opened_size_ >> base) > kMaxBaseNodes) ++base;
  base_level_ = base;
  std::vector<tlog::Hash> base_nodes;
  {
    const std::string upper = TreeKey(base, opened_size_ >> base);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(kTree)));
    for (it->Seek(TreeKey(base, 0)); it->Valid(); it->Next()) {
      absl::StatusOr<tlog::Hash> hash = tlog::HashFromBytes(View(it->value()));
      if (it->key() != TreeKey(base, base_nodes.size()) || !hash.ok()) break;
      base_nodes.push_back(*hash);
    }
    if (!it->status().ok() || base_nodes.size() != (opened_size_ >> base)) base_nodes.clear();
  }
  // The perfect subtrees of the signed tree and of the tree at open: one per set bit of the
  // size, largest (leftmost) first. Open checked their roots against the checkpoint's
  // signature and against the frontier. Under each one at or above the base level, the nodes
  // computed from the base nodes are trusted too if they lead to it; under the tree at open,
  // only those past the signed size (the signed tree's own cover the rest).
  for (const uint64_t size : {signed_size, opened_size_}) {
    uint64_t covered = 0;
    for (int level = 63; level >= 0; --level) {
      if (((size >> level) & 1) == 0) continue;
      const uint64_t index = covered >> level;
      ASSIGN_OR_RETURN(tlog::Hash hash, PerfectNode(level, index));
      trusted_nodes_.emplace(NodeId(level, index), hash);
      if (level >= base && !base_nodes.empty()) {
        std::vector<std::pair<NodeId, tlog::Hash>> computed;
        uint64_t first = covered >> base;
        std::vector<tlog::Hash> row(base_nodes.begin() + first,
                                    base_nodes.begin() + first + (uint64_t{1} << (level - base)));
        for (int l = base;; ++l, first >>= 1) {
          for (size_t i = 0; i < row.size(); ++i) computed.emplace_back(NodeId(l, first + i), row[i]);
          if (row.size() == 1) break;
          for (size_t i = 0; i < row.size() / 2; ++i) row[i] = tlog::NodeHash(row[2 * i], row[2 * i + 1]);
          row.resize(row.size() / 2);
        }
        if (row[0] == hash) {
          for (const auto& [id, node] : computed) {
            if (size == signed_size || (id.second << id.first) >= signed_size) {
              trusted_nodes_.emplace(id, node);
            }
          }
        }
      }
      covered += uint64_t{1} << level;
    }
  }
  return absl::OkStatus();
}

std::optional<tlog::Hash> EventStoreImpl::KnownNode(int level, uint64_t index) {
  const NodeId id(level, index);
  if (auto it = trusted_nodes_.find(id); it != trusted_nodes_.end()) return it->second;
  absl::ReaderMutexLock lock(&verified_mu_);
  if (auto it = verified_nodes_.find(id); it != verified_nodes_.end()) return it->second;
  return std::nullopt;
}

absl::Status EventStoreImpl::TreeMismatch(uint64_t position, absl::string_view why) {
  return ReadDataLoss(
      absl::StrCat("the event at position ", position, " does not match the log's tree: ", why));
}

absl::Status EventStoreImpl::CheckBodyAgainstLeaf(uint64_t position, const Leaf& leaf,
                                                  const BodyView& body) {
  if (tlog::Sha256(body.metadata) != leaf.metadata_digest) {
    return TreeMismatch(position, "its metadata differs from the digest in its entry");
  }
  if (tlog::Sha256(body.payload) != leaf.payload_digest) {
    return TreeMismatch(position, "its payload differs from the digest in its entry");
  }
  if (tlog::Sha256(body.tags_encoding) != leaf.tags_digest) {
    return TreeMismatch(position, "its tags differ from the digest in its entry");
  }
  return absl::OkStatus();
}

// From the node up: each parent is computed from the node below and its sibling (known, or
// read from the tree), until a node known to be correct, which the computed one must equal.
// The nodes met on the way are then known too, so the next walk stops lower.
absl::StatusOr<bool> EventStoreImpl::WalkToKnownNode(uint64_t position, int level,
                                                     uint64_t index, tlog::Hash hash) {
  std::vector<std::pair<NodeId, tlog::Hash>> met;  // known once the walk ends well
  std::optional<tlog::Hash> known = KnownNode(level, index);
  if (!known.has_value()) met.emplace_back(NodeId(level, index), hash);
  for (; !known.has_value(); index >>= 1, ++level) {
    if (level == 63) return TreeMismatch(position, "no trusted tree node covers it");
    std::optional<tlog::Hash> sibling = KnownNode(level, index ^ 1);
    if (!sibling.has_value()) {
      absl::StatusOr<tlog::Hash> stored = PerfectNode(level, index ^ 1);
      if (absl::IsDataLoss(stored.status())) {
        return TreeMismatch(position, stored.status().message());
      }
      RETURN_IF_ERROR(stored.status());
      sibling = *stored;
      met.emplace_back(NodeId(level, index ^ 1), *sibling);
    }
    hash = (index & 1) != 0 ? tlog::NodeHash(*sibling, hash) : tlog::NodeHash(hash, *sibling);
    known = KnownNode(level + 1, index >> 1);
    if (!known.has_value()) met.emplace_back(NodeId(level + 1, index >> 1), hash);
  }
  if (*known != hash) return false;
  absl::MutexLock lock(&verified_mu_);
  if (verified_nodes_.size() + met.size() > options_.verified_node_cache_entries) {
    verified_nodes_.clear();
  }
  verified_nodes_.insert(met.begin(), met.end());
  return true;
}

// Below the base level, the leaves of the event's base block are read in one pass (they are
// neighbours in `tree`), hashed up with the event's own leaf hash in its place, and the result
// must equal the trusted base node: one seek per event.
absl::Status EventStoreImpl::CheckLeafAgainstTree(uint64_t position, const tlog::Hash& leaf_hash,
                                                  std::unique_ptr<rocksdb::Iterator>* tree) {
  if (std::optional<tlog::Hash> known = KnownNode(0, position); known.has_value()) {
    if (*known == leaf_hash) return absl::OkStatus();
    return TreeMismatch(position, "its leaf hash differs from the stored tree");
  }
  const uint64_t block = position >> base_level_;
  const uint64_t first = block << base_level_;
  const uint64_t end = first + (uint64_t{1} << base_level_);
  if (end > opened_size_) {
    // Past the last full base block: the stored leaf, then (before open) a walk.
    absl::StatusOr<tlog::Hash> stored = PerfectNode(0, position);
    if (absl::IsDataLoss(stored.status())) return TreeMismatch(position, stored.status().message());
    RETURN_IF_ERROR(stored.status());
    if (*stored != leaf_hash) {
      return TreeMismatch(position, "its leaf hash differs from the stored tree");
    }
    // Appended since open: this process wrote the leaf hash and every node above it.
    if (position >= opened_size_) return absl::OkStatus();
    ASSIGN_OR_RETURN(bool reached, WalkToKnownNode(position, 0, position, leaf_hash));
    if (reached) return absl::OkStatus();
  } else {
    std::unique_ptr<rocksdb::Iterator> own;
    std::unique_ptr<rocksdb::Iterator>& cursor = tree != nullptr ? *tree : own;
    if (cursor == nullptr) cursor.reset(db_->NewIterator(rocksdb::ReadOptions(), cf(kTree)));
    rocksdb::Iterator* it = cursor.get();
    std::vector<tlog::Hash> leaves;
    leaves.reserve(end - first);
    for (it->Seek(TreeKey(0, first)); it->Valid() && leaves.size() < end - first; it->Next()) {
      const uint64_t p = first + leaves.size();
      absl::StatusOr<tlog::Hash> stored = tlog::HashFromBytes(View(it->value()));
      if (it->key() != TreeKey(0, p) || !stored.ok()) break;
      if (p == position && *stored != leaf_hash) {
        return TreeMismatch(position, "its leaf hash differs from the stored tree");
      }
      leaves.push_back(*stored);
    }
    if (!it->status().ok()) return Unreadable(it->status(), "the tree is unreadable");
    if (leaves.size() != end - first) {
      return TreeMismatch(position, absl::StrCat("the tree's leaf node at position ",
                                                 first + leaves.size(), " is missing or malformed"));
    }
    for (size_t width = leaves.size(); width > 1; width /= 2) {
      for (size_t i = 0; i < width / 2; ++i) leaves[i] = tlog::NodeHash(leaves[2 * i], leaves[2 * i + 1]);
    }
    ASSIGN_OR_RETURN(bool reached, WalkToKnownNode(position, base_level_, block, leaves[0]));
    if (reached) {
      // Known from now on: the next read of this event (a hot one) costs no tree read.
      absl::MutexLock lock(&verified_mu_);
      if (verified_nodes_.size() >= options_.verified_node_cache_entries) verified_nodes_.clear();
      verified_nodes_.emplace(NodeId(0, position), leaf_hash);
      return absl::OkStatus();
    }
  }
  return TreeMismatch(position,
                      "its leaf hash and the stored tree nodes beside its path do not lead to "
                      "the signed root");
}

// Consecutive events: each largest aligned block of them is hashed in memory up to its root,
// which is then walked up like a leaf, so a page of the log costs a few tree reads in all.
// A block that fails is checked event by event, to name the first bad one.
absl::Status EventStoreImpl::CheckRangeAgainstTree(const std::vector<RecordedEvent>& events) {
  if (events.empty()) return absl::OkStatus();
  const uint64_t first = events.front().position;
  const uint64_t end = first + events.size();
  for (uint64_t position = first; position < end;) {
    const uint64_t limit = std::min(end, opened_size_);
    int level = 0;
    while (level < 62 && position % (uint64_t{2} << level) == 0 &&
           position + (uint64_t{2} << level) <= limit) {
      ++level;
    }
    const uint64_t count = uint64_t{1} << level;
    if (position >= limit) {  // appended since open: one by one
      RETURN_IF_ERROR(CheckLeafAgainstTree(position, events[position - first].leaf_hash));
      ++position;
      continue;
    }
    std::vector<tlog::Hash> nodes;
    nodes.reserve(count);
    for (uint64_t p = position; p < position + count; ++p) {
      nodes.push_back(events[p - first].leaf_hash);
    }
    for (size_t width = nodes.size(); width > 1; width /= 2) {
      for (size_t i = 0; i < width / 2; ++i) nodes[i] = tlog::NodeHash(nodes[2 * i], nodes[2 * i + 1]);
    }
    ASSIGN_OR_RETURN(bool reached, WalkToKnownNode(position, level, position >> level, nodes[0]));
    if (!reached) {
      for (uint64_t p = position; p < position + count; ++p) {
        RETURN_IF_ERROR(CheckLeafAgainstTree(p, events[p - first].leaf_hash));
      }
      return TreeMismatch(position, absl::StrCat("the events at positions ", position, "..",
                                                 position + count - 1,
                                                 " do not lead to the signed root"));
    }
    position += count;
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Verification

// What the index checks expect: one stream and one id entry per event, one tag entry per tag.
struct EventStoreImpl::IndexCounts {
  uint64_t tag_entries = 0;
};

namespace {

using Finding = std::optional<std::pair<std::optional<uint64_t>, std::string>>;

Finding FoundAt(std::optional<uint64_t> position, std::string problem) {
  return std::make_pair(position, std::move(problem));
}

}  // namespace

// The event's entries in the stream, tag and id indexes: present, pointing at it.
absl::StatusOr<Finding> EventStoreImpl::CheckEventIndexed(uint64_t position, const Leaf& leaf,
                                                          const std::vector<std::string>& tags,
                                                          IndexCounts& counts) {
  // A RocksDB status of a lookup in `index`: NOT_FOUND is `missing`; corruption a finding.
  auto lookup = [&](ColumnFamily family, const std::string& key, absl::string_view index,
                    std::string missing, std::string* value) -> absl::StatusOr<Finding> {
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(family), key, value);
    if (s.IsNotFound()) return FoundAt(position, std::move(missing));
    if (s.IsCorruption()) {
      return FoundAt(position, absl::StrCat("the ", index, " is unreadable (corrupt): ", s.ToString()));
    }
    RETURN_IF_ERROR(FromRocksDb(s, absl::StrCat("verifying the ", index)));
    return Finding();
  };
  auto pointed = [](const std::string& value) {
    return value.size() == 8 ? absl::StrCat("position ", GetBigEndian64(value))
                             : std::string("a malformed value");
  };
  std::string value;
  const std::string revision =
      absl::StrCat("revision ", leaf.revision, " of stream ", Quoted(leaf.stream));
  ASSIGN_OR_RETURN(Finding finding,
                   lookup(kStreams, NamedKey(leaf.stream, leaf.revision), "stream index",
                          absl::StrCat("the stream index has no entry for ", revision), &value));
  if (finding.has_value()) return finding;
  if (value.size() != 8 || GetBigEndian64(value) != position) {
    return FoundAt(position, absl::StrCat("the stream index entry for ", revision,
                                          " points at ", pointed(value)));
  }
  for (const std::string& tag : tags) {
    ASSIGN_OR_RETURN(finding, lookup(kTags, NamedKey(tag, position), "tag index",
                                     absl::StrCat("the tag index has no entry for tag ", Quoted(tag)),
                                     &value));
    if (finding.has_value()) return finding;
  }
  counts.tag_entries += tags.size();
  ASSIGN_OR_RETURN(finding,
                   lookup(kIds, std::string(reinterpret_cast<const char*>(leaf.id.data()), leaf.id.size()),
                          "id index", "the id index has no entry for the event", &value));
  if (finding.has_value()) return finding;
  if (value.size() != 8 || GetBigEndian64(value) != position) {
    return FoundAt(position, absl::StrCat("the id index entry of the event points at ", pointed(value)));
  }
  return Finding();
}

// Every event had its own entries (CheckEventIndexed), so an index holds no other entry below
// `size` iff it holds as many as the events expect. Only an index with more is read again,
// event by event, to name the lowest position with an entry its event does not carry. Stream
// heads are checked one by one (one per stream).
absl::StatusOr<Finding> EventStoreImpl::FindStrayIndexEntry(uint64_t size,
                                                            const IndexCounts& counts) {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  ro.readahead_size = 2 << 20;
  ro.total_order_seek = true;  // ids and heads have hash memtables, for point lookups
  // Calls visit(key, value, position) for each entry of `family` pointing below `size`;
  // returns a finding if the family is unreadable or an entry's value is malformed.
  using Visit = std::function<absl::StatusOr<Finding>(absl::string_view key,
                                                      absl::string_view value, uint64_t position)>;
  auto scan = [&](ColumnFamily family, absl::string_view index,
                  const Visit& visit) -> absl::StatusOr<Finding> {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf(family)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const absl::string_view key = View(it->key());
      uint64_t position;
      if (family == kTags) {
        ASSIGN_OR_RETURN(position, DecodeNamedKeyNumber(key));
      } else if (family == kHeads ? it->value().size() == 16 : it->value().size() == 8) {
        position = GetBigEndian64(View(it->value()), family == kHeads ? 8 : 0);
      } else {
        return FoundAt(std::nullopt, absl::StrCat("the ", index, " holds a malformed entry"));
      }
      if (position >= size) continue;  // appended since Verify started
      ASSIGN_OR_RETURN(Finding finding, visit(key, View(it->value()), position));
      if (finding.has_value()) return finding;
    }
    if (it->status().IsCorruption()) {
      return FoundAt(std::nullopt,
                     absl::StrCat("the ", index, " is unreadable (corrupt): ", it->status().ToString()));
    }
    RETURN_IF_ERROR(FromRocksDb(it->status(), absl::StrCat("verifying the ", index)));
    return Finding();
  };
  // The stray entry of the lowest position among those `carries` rejects.
  auto find_stray = [&](ColumnFamily family, absl::string_view index, uint64_t expected,
                        const std::function<absl::StatusOr<std::optional<std::string>>(
                            absl::string_view, uint64_t)>& stray) -> absl::StatusOr<Finding> {
    uint64_t entries = 0;
    ASSIGN_OR_RETURN(Finding finding,
                     scan(family, index, [&](absl::string_view, absl::string_view, uint64_t) {
                       ++entries;
                       return absl::StatusOr<Finding>(Finding());
                     }));
    if (finding.has_value() || entries == expected) return finding;
    Finding lowest;
    ASSIGN_OR_RETURN(finding, scan(family, index,
                                   [&](absl::string_view key, absl::string_view,
                                       uint64_t position) -> absl::StatusOr<Finding> {
                                     if (lowest.has_value() && *lowest->first <= position) {
                                       return Finding();
                                     }
                                     ASSIGN_OR_RETURN(std::optional<std::string> problem,
                                                      stray(key, position));
                                     if (problem.has_value()) {
                                       lowest = FoundAt(position, *std::move(problem));
                                     }
                                     return Finding();
                                   }));
    if (finding.has_value()) return finding;
    if (lowest.has_value()) return lowest;
    return FoundAt(std::nullopt, absl::StrCat("the ", index, " holds ", entries,
                                              " entries below position ", size, ", not ", expected));
  };
  auto name_of = [](absl::string_view key) { return key.substr(0, key.size() - 9); };

  ASSIGN_OR_RETURN(
      Finding finding,
      find_stray(kStreams, "stream index", size,
                 [&](absl::string_view key, uint64_t position)
                     -> absl::StatusOr<std::optional<std::string>> {
                   ASSIGN_OR_RETURN(Leaf leaf, LoadLeaf(position));
                   ASSIGN_OR_RETURN(uint64_t revision, DecodeNamedKeyNumber(key));
                   if (leaf.stream == name_of(key) && leaf.revision == revision) return std::nullopt;
                   return absl::StrCat("the stream index lists position ", position, " as revision ",
                                       revision, " of stream ", Quoted(name_of(key)),
                                       ", but the event there is revision ", leaf.revision,
                                       " of stream ", Quoted(leaf.stream));
                 }));
  if (finding.has_value()) return finding;
  ASSIGN_OR_RETURN(
      finding, find_stray(kTags, "tag index", counts.tag_entries,
                          [&](absl::string_view key, uint64_t position)
                              -> absl::StatusOr<std::optional<std::string>> {
                            ASSIGN_OR_RETURN(RecordedEvent event, ReadEventAt(position));
                            if (std::binary_search(event.tags.begin(), event.tags.end(),
                                                   name_of(key))) {
                              return std::nullopt;
                            }
                            return absl::StrCat("the tag index lists position ", position,
                                                " under ", Quoted(name_of(key)),
                                                ", but the event there does not carry that tag");
                          }));
  if (finding.has_value()) return finding;
  ASSIGN_OR_RETURN(
      finding, find_stray(kIds, "id index", size,
                          [&](absl::string_view key, uint64_t position)
                              -> absl::StatusOr<std::optional<std::string>> {
                            ASSIGN_OR_RETURN(Leaf leaf, LoadLeaf(position));
                            if (View(rocksdb::Slice(reinterpret_cast<const char*>(leaf.id.data()),
                                                    leaf.id.size())) == key) {
                              return std::nullopt;
                            }
                            return absl::StrCat("the id index maps another event's id to position ",
                                                position);
                          }));
  if (finding.has_value()) return finding;
  return scan(kHeads, "stream heads",
              [&](absl::string_view stream, absl::string_view head,
                  uint64_t position) -> absl::StatusOr<Finding> {
                ASSIGN_OR_RETURN(Leaf leaf, LoadLeaf(position));
                const uint64_t revision = GetBigEndian64(head);
                if (leaf.stream != stream || leaf.revision != revision) {
                  return FoundAt(position, absl::StrCat("the head of stream ", Quoted(stream),
                                                        " (revision ", revision,
                                                        ") points at position ", position,
                                                        ", which holds revision ", leaf.revision,
                                                        " of stream ", Quoted(leaf.stream)));
                }
                return Finding();
              });
}

absl::StatusOr<VerifyReport> EventStoreImpl::Verify() {
  absl::ReaderMutexLock lifecycle_lock(&lifecycle_mu_);
  if (db_ == nullptr) return ClosedError();
  const uint64_t size = Size();
  std::optional<SignedCheckpoint> checkpoint;
  {
    absl::MutexLock lock(&checkpoint_mu_);
    checkpoint = latest_checkpoint_;
  }
  VerifyReport report;
  auto fail = [&report](std::optional<uint64_t> position, std::string problem) {
    report.first_bad_position = position;
    report.problem = std::move(problem);
    return report;
  };
  // A failed read of `family` at `position`: corruption is a finding, other errors are errors.
  auto unreadable = [&](const rocksdb::Status& s, absl::string_view family,
                        uint64_t position) -> absl::StatusOr<VerifyReport> {
    if (s.IsCorruption()) {
      return fail(position, absl::StrCat("the ", family, " at this position are unreadable (corrupt): ",
                                         s.ToString()));
    }
    return FromRocksDb(s, "verifying the log");
  };

  const std::string upper = PositionKey(size);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  ro.fill_cache = false;  // a full scan must not evict the working set
  ro.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> entries(db_->NewIterator(ro, cf(kEntries)));
  std::unique_ptr<rocksdb::Iterator> payloads(db_->NewIterator(ro, cf(kPayloads)));
  // The leaf hashes are the tree's level-0 nodes: keys TreeKey(0, 0) .. TreeKey(0, size).
  const std::string leaves_upper = TreeKey(0, size);
  rocksdb::Slice leaves_upper_slice(leaves_upper);
  rocksdb::ReadOptions leaves_ro = ro;
  leaves_ro.iterate_upper_bound = &leaves_upper_slice;
  std::unique_ptr<rocksdb::Iterator> leaves(db_->NewIterator(leaves_ro, cf(kTree)));
  leaves->Seek(TreeKey(0, 0));
  entries->SeekToFirst();
  payloads->SeekToFirst();

  tlog::Frontier frontier;
  IndexCounts index_counts;
  for (uint64_t position = 0; position < size; ++position) {
    const std::string key = PositionKey(position);
    if (!entries->status().ok()) return unreadable(entries->status(), "entries", position);
    if (!entries->Valid() || entries->key() != key) return fail(position, "the entry is missing");
    if (!payloads->status().ok()) return unreadable(payloads->status(), "payloads", position);
    if (!payloads->Valid() || payloads->key() != key) {
      return fail(position, "the payload record is missing");
    }
    absl::StatusOr<Leaf> leaf = DecodeLeaf(View(entries->value()));
    if (!leaf.ok()) return fail(position, std::string(leaf.status().message()));
    if (leaf->position != position) {
      return fail(position, absl::StrCat("the entry records position ", leaf->position));
    }
    absl::StatusOr<BodyView> body = DecodeBody(View(payloads->value()));
    if (!body.ok()) return fail(position, std::string(body.status().message()));
    if (tlog::Sha256(body->metadata) != leaf->metadata_digest) {
      return fail(position, "the metadata does not match the digest in the entry");
    }
    if (tlog::Sha256(body->payload) != leaf->payload_digest) {
      return fail(position, "the payload does not match the digest in the entry");
    }
    if (tlog::Sha256(body->tags_encoding) != leaf->tags_digest) {
      return fail(position, "the tags do not match the digest in the entry");
    }
    const tlog::Hash leaf_hash = tlog::LeafHash(View(entries->value()));
    if (!leaves->status().ok()) return unreadable(leaves->status(), "tree nodes", position);
    if (!leaves->Valid() || leaves->key() != TreeKey(0, position) ||
        View(leaves->value()) != tlog::HashBytes(leaf_hash)) {
      return fail(position, "the entry's leaf hash differs from the stored tree");
    }
    // Every interior node the leaf completes must match the stored tree: a record rewritten
    // together with its leaf node shows up at the first node above it.
    absl::Status node_status;
    std::optional<std::pair<int, uint64_t>> bad_node;
    frontier.Append(leaf_hash, [&](int level, uint64_t index, const tlog::Hash& hash) {
      if (level == 0 || bad_node.has_value() || !node_status.ok()) return;
      absl::StatusOr<tlog::Hash> stored = PerfectNode(level, index);
      if (!stored.ok()) {
        node_status = stored.status();
      } else if (*stored != hash) {
        bad_node = std::make_pair(level, index);
      }
    });
    RETURN_IF_ERROR(node_status);
    if (bad_node.has_value()) {
      const uint64_t first = bad_node->second << bad_node->first;
      const uint64_t last = ((bad_node->second + 1) << bad_node->first) - 1;
      return fail(first, absl::StrCat("the events at positions ", first, "..", last,
                                      " do not match the stored tree node above them (level ",
                                      bad_node->first, "): one of them was rewritten"));
    }
    if (checkpoint.has_value() && frontier.size() == checkpoint->checkpoint.size &&
        frontier.Root() != checkpoint->checkpoint.root) {
      return fail(position, absl::StrCat("the root at size ", frontier.size(),
                                         " differs from the signed checkpoint"));
    }
    absl::StatusOr<std::vector<std::string>> tags = DecodeTags(body->tags_encoding);
    if (!tags.ok()) return fail(position, std::string(tags.status().message()));
    ASSIGN_OR_RETURN(Finding finding, CheckEventIndexed(position, *leaf, *tags, index_counts));
    if (finding.has_value()) return fail(finding->first, std::move(finding->second));
    ++report.events_checked;
    entries->Next();
    payloads->Next();
    leaves->Next();
  }
  for (const auto* it : {entries.get(), payloads.get(), leaves.get()}) {
    RETURN_IF_ERROR(FromRocksDb(it->status(), "verifying the log"));
  }
  report.root = frontier.Root();
  ASSIGN_OR_RETURN(tlog::Hash stored_root, RootFromTree(db_.get(), cf(kTree), size));
  if (stored_root != report.root) {
    report.problem = absl::StrCat("the stored tree's root at size ", size,
                                  " differs from the root recomputed from the events");
    return report;
  }
  ASSIGN_OR_RETURN(Finding finding, FindStrayIndexEntry(size, index_counts));
  if (finding.has_value()) return fail(finding->first, std::move(finding->second));
  // Last, every block of every file, including those no check above needed.
  rocksdb::Status checksums = db_->VerifyChecksum();
  if (checksums.IsCorruption()) {
    report.problem = absl::StrCat("a file of the log is corrupt: ", checksums.ToString());
  } else {
    RETURN_IF_ERROR(FromRocksDb(checksums, "verifying the log's file checksums"));
  }
  return report;
}

}  // namespace ctg::eventstore
