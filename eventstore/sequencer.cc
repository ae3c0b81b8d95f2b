// The append path: validation in the caller's thread; the sequencer thread, which decides
// every append of a group against the stream heads, assigns gap-free positions and extends
// the Merkle tree into one WriteBatch per group; the writer thread, which writes the groups
// in order without syncing; the syncer thread, which makes every written group durable with
// one SyncWAL; and the acknowledger thread, which publishes them and runs the callbacks.
// Nothing is acknowledged before its batch is durable, and groups are acknowledged in log
// order.
#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/event_store_impl.h"
#include "eventstore/rocksdb_interop.h"

namespace ctg::eventstore {
namespace {

constexpr size_t kMaxNameBytes = 256;

// Stream names, event types and tags: 1..256 bytes of printable ASCII (no spaces, no
// control characters), so that they are safe in keys, logs and file names.
absl::Status ValidateName(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is empty"));
  if (value.size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is ", value.size(), " bytes long; the limit is ", kMaxNameBytes));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s has byte 0x%02x at offset %d; only printable ASCII without spaces is allowed", field,
          c, i));
    }
  }
  return absl::OkStatus();
}

// WriteBatch::Put fails only when the batch has a size limit, which ours never has.
void Put(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key,
         const rocksdb::Slice& value) {
  batch.Put(cf, key, value).PermitUncheckedError();
}

rocksdb::Slice IdSlice(const EventId& id) {
  return rocksdb::Slice(reinterpret_cast<const char*>(id.data()), id.size());
}

}  // namespace

std::string ExpectedRevision::ToString() const {
  switch (kind_) {
    case Kind::kAny:
      return "any";
    case Kind::kNoStream:
      return "no_stream";
    case Kind::kStreamExists:
      return "stream_exists";
    case Kind::kExact:
      return absl::StrCat("exact(", revision_, ")");
  }
  return "unknown";
}

void EventStoreImpl::Complete(std::unique_ptr<PendingAppend> append) {
  append->done(std::move(append->result));
}

struct EventStoreImpl::GroupState {
  uint64_t next_position = 0;
  tlog::Frontier frontier;
  int64_t time_us = 0;
  absl::flat_hash_map<std::string, StreamHead> heads;           // streams appended to in this group
  absl::flat_hash_map<EventId, std::pair<uint64_t, Leaf>> ids;  // events of this group
  absl::flat_hash_map<EventId, uint64_t> stored_ids;            // ids of the group already durable
};

absl::StatusOr<AppendResult> EventStoreImpl::Append(absl::string_view stream,
                                                    ExpectedRevision expected,
                                                    std::vector<EventData> events) {
  absl::Notification notified;
  absl::StatusOr<AppendResult> outcome;
  AppendAsync(stream, expected, std::move(events),
              [&notified, &outcome](absl::StatusOr<AppendResult> result) {
                outcome = std::move(result);
                notified.Notify();
              });
  notified.WaitForNotification();
  return outcome;
}

void EventStoreImpl::AppendAsync(absl::string_view stream, ExpectedRevision expected,
                                 std::vector<EventData> events, AppendCallback done) {
  absl::StatusOr<std::unique_ptr<PendingAppend>> append =
      Prepare(stream, expected, std::move(events));
  if (!append.ok()) {
    done(append.status());
    return;
  }
  (*append)->done = std::move(done);
  absl::Status refused;
  {
    absl::MutexLock lock(&queue_mu_);
    if (stopping_) {
      refused = absl::FailedPreconditionError("the event store is closed");
    } else if (!failure_.ok()) {
      refused = failure_;
    } else {
      queue_.push_back(*std::move(append));
      queue_cv_.Signal();
      return;
    }
  }
  (*append)->result = refused;
  Complete(*std::move(append));
}

absl::StatusOr<std::unique_ptr<EventStoreImpl::PendingAppend>> EventStoreImpl::Prepare(
    absl::string_view stream, ExpectedRevision expected, std::vector<EventData> events) {
  RETURN_IF_ERROR(ValidateName("stream", stream));
  if (events.empty()) {
    return absl::InvalidArgumentError("events is empty: an append needs at least one event");
  }
  if (events.size() > options_.max_events_per_append) {
    return absl::InvalidArgumentError(absl::StrCat("events has ", events.size(),
                                                   " events; the limit per append is ",
                                                   options_.max_events_per_append));
  }
  auto append = std::make_unique<PendingAppend>();
  append->stream = std::string(stream);
  append->expected = expected;
  append->events.reserve(events.size());
  absl::flat_hash_set<EventId> seen;
  for (size_t i = 0; i < events.size(); ++i) {
    EventData& event = events[i];
    const std::string field = absl::StrCat("events[", i, "]");
    RETURN_IF_ERROR(ValidateName(field + ".type", event.type));
    if (event.id == EventId{}) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".id is the nil UUID"));
    }
    if (!seen.insert(event.id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".id ", EventIdToString(event.id), " repeats an earlier event's id"));
    }
    if (event.tags.size() > options_.max_tags_per_event) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".tags has ", event.tags.size(),
                                                     " tags; the limit is ",
                                                     options_.max_tags_per_event));
    }
    size_t bytes = event.metadata.size() + event.payload.size();
    for (size_t j = 0; j < event.tags.size(); ++j) {
      RETURN_IF_ERROR(ValidateName(absl::StrCat(field, ".tags[", j, "]"), event.tags[j]));
      bytes += event.tags[j].size();
    }
    if (bytes > options_.max_event_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " is ", bytes, " bytes; the limit is ", options_.max_event_bytes));
    }
    std::sort(event.tags.begin(), event.tags.end());
    event.tags.erase(std::unique(event.tags.begin(), event.tags.end()), event.tags.end());
    PreparedEvent prepared;
    prepared.tags_encoding = EncodeTags(event.tags);
    prepared.metadata_digest = tlog::Sha256(event.metadata);
    prepared.payload_digest = tlog::Sha256(event.payload);
    prepared.tags_digest = tlog::Sha256(prepared.tags_encoding);
    prepared.data = std::move(event);
    append->bytes += bytes;
    append->events.push_back(std::move(prepared));
  }
  return append;
}

void EventStoreImpl::SequencerLoop() {
  while (true) {
    PendingAppends group;
    absl::Status failure;
    bool stop = false;
    // Take appends only once the writer has room for another group: appends keep queueing
    // while the writer works, so groups grow with the load.
    handoff_.WaitForRoomBelow(kMaxGroupsInFlight);
    {
      absl::MutexLock lock(&queue_mu_);
      const absl::Time deadline = absl::Now() + options_.checkpoint_interval;
      while (queue_.empty() && !stopping_) {
        if (queue_cv_.WaitWithDeadline(&queue_mu_, deadline)) break;
      }
      stop = queue_.empty() && stopping_;
      size_t events = 0;
      size_t bytes = 0;
      while (!queue_.empty()) {
        const PendingAppend& next = *queue_.front();
        if (!group.empty() && (events + next.events.size() > options_.max_batch_events ||
                               bytes + next.bytes > options_.max_batch_bytes)) {
          break;
        }
        events += next.events.size();
        bytes += next.bytes;
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      failure = failure_;
    }
    if (!failure.ok()) {
      for (std::unique_ptr<PendingAppend>& append : group) {
        append->result = failure;
        Complete(std::move(append));
      }
    } else if (!group.empty()) {
      std::unique_ptr<DecidedGroup> decided = DecideGroup(std::move(group));
      handoff_.Push(std::move(decided));  // only this thread adds: there is room
    }
    if (stop) {
      handoff_.Finish();  // the writer finishes the handed-over groups, then exits
      return;             // Close signs the final checkpoint
    }
    if (CheckpointDue()) {
      absl::MutexLock lock(&checkpoint_mu_);
      // A failure (e.g. a full disk) is retried later; appends go on.
      SignCheckpointLocked().status().IgnoreError();
    }
  }
}

bool EventStoreImpl::CheckpointDue() const {
  const uint64_t size = Size();
  const uint64_t signed_size = signed_size_.load();
  if (size <= signed_size) return false;
  return size - signed_size >= options_.checkpoint_every_events ||
         absl::Now() - absl::FromUnixMicros(last_sign_wall_us_.load()) >=
             options_.checkpoint_interval;
}

absl::Status EventStoreImpl::PrefetchStoredIds(const PendingAppends& group, GroupState& state) {
  std::vector<rocksdb::Slice> keys;
  for (const std::unique_ptr<PendingAppend>& append : group) {
    for (const PreparedEvent& event : append->events) keys.push_back(IdSlice(event.data.id));
  }
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), cf(kIds), keys.size(), keys.data(), values.data(),
                statuses.data());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    RETURN_IF_ERROR(FromRocksDb(statuses[i], "looking up event ids"));
    if (values[i].size() != 8) return absl::DataLossError("malformed event id index entry");
    EventId id;
    std::memcpy(id.data(), keys[i].data(), id.size());
    state.stored_ids[id] = GetBigEndian64(View(values[i]));
  }
  return absl::OkStatus();
}

std::unique_ptr<EventStoreImpl::DecidedGroup> EventStoreImpl::DecideGroup(PendingAppends group) {
  // Groups that became durable are now visible in RocksDB.
  while (!in_flight_.empty() && in_flight_.front().end_position <= Size()) {
    in_flight_.pop_front();
  }
  auto decided = std::make_unique<DecidedGroup>();
  decided->appends = std::move(group);
  GroupState state;
  state.next_position = frontier_.size();
  state.frontier = frontier_;
  state.time_us = std::max(last_time_us_, absl::ToUnixMicros(options_.clock()));
  absl::Status prefetch = PrefetchStoredIds(decided->appends, state);
  for (std::unique_ptr<PendingAppend>& append : decided->appends) {
    append->result = prefetch.ok() ? Sequence(*append, state, decided->batch)
                                   : absl::StatusOr<AppendResult>(prefetch);
    decided->writes = decided->writes || (append->result.ok() && !append->result->replayed);
  }
  decided->end_position = state.next_position;
  if (!decided->writes) return decided;

  Put(decided->batch, cf(kMeta), std::string(kFrontierKey), state.frontier.Serialize());
  decided->root = state.frontier.Root();
  // Advance the sequencer's view; if the write or sync fails the store stops (FailStop).
  frontier_ = std::move(state.frontier);
  last_time_us_ = state.time_us;
  if (head_cache_.size() + state.heads.size() > options_.head_cache_capacity) {
    head_cache_.clear();  // in_flight_ still holds the heads that are not durable yet
  }
  for (const auto& [stream, head] : state.heads) head_cache_[stream] = head;
  in_flight_.push_back(
      InFlightIndex{decided->end_position, std::move(state.ids), std::move(state.heads)});
  return decided;
}

void EventStoreImpl::WriterLoop() {
  while (std::optional<std::unique_ptr<DecidedGroup>> group = handoff_.TakeOne()) {
    WriteGroup(**group);
    written_.Push(*std::move(group));
  }
  written_.Finish();  // the syncer finishes the written groups, then exits
}

absl::Status EventStoreImpl::FailStop(const absl::Status& status) {
  absl::Status failure;
  {
    absl::MutexLock lock(&queue_mu_);
    if (failure_.ok()) {
      // The sequencer's view ran ahead of a disk that refused a write or a sync.
      failure_ = absl::Status(status.code(), absl::StrCat(status.message(),
                                                          "; the store stopped accepting "
                                                          "appends, reopen it"));
    }
    failure = failure_;
  }
  failed_.store(true);
  absl::MutexLock lock(&commit_mu_);
  commit_cv_.SignalAll();  // readers waiting in AwaitDurable
  return failure;
}

void EventStoreImpl::WriteGroup(DecidedGroup& group) {
  {
    absl::MutexLock lock(&queue_mu_);
    group.written = failure_;
  }
  if (!group.written.ok() || !group.writes) return;
  // Unsynced: the syncer makes it durable. RocksDB writes the WAL record to the file before
  // Write returns, so the syncer's next SyncWAL covers it.
  rocksdb::WriteOptions write_options;
  write_options.sync = false;
  absl::Status status =
      FromRocksDb(db_->Write(write_options, &group.batch), "writing a group of events");
  if (!status.ok()) group.written = FailStop(status);
}

void EventStoreImpl::SyncerLoop() {
  bool failed = false;  // after a failed sync nothing is ever acknowledged again
  while (true) {
    SyncedGroups batch;
    batch.groups = written_.TakeAll();
    if (batch.groups.empty()) break;  // the writer finished
    bool writes = false;
    for (const std::unique_ptr<DecidedGroup>& group : batch.groups) {
      writes = writes || (group->writes && group->written.ok());
    }
    if (failed) {
      absl::MutexLock lock(&queue_mu_);
      batch.synced = failure_;
    } else if (writes && options_.sync) {
      // Every group taken was written before this call: one fsync makes them all durable.
      batch.synced = FromRocksDb(db_->SyncWAL(), "syncing the log");
      if (!batch.synced.ok()) {
        // An fsync failure may have dropped any write since the last good sync (and a later
        // successful fsync would not bring it back): stop acknowledging for good.
        failed = true;
        batch.synced = FailStop(batch.synced);
      }
    }
    // The acknowledger wakes the callers while this thread starts the next fsync.
    synced_.Push(std::move(batch));
  }
  synced_.Finish();
}

void EventStoreImpl::AcknowledgerLoop() {
  while (true) {
    std::deque<SyncedGroups> batches = synced_.TakeAll();
    if (batches.empty()) return;  // the syncer finished
    for (SyncedGroups& batch : batches) AcknowledgeGroups(batch.groups, batch.synced);
  }
}

void EventStoreImpl::AcknowledgeGroups(std::deque<std::unique_ptr<DecidedGroup>>& groups,
                                       absl::Status synced) {
  // Publish the last group that became durable: groups are in log order, and a failed
  // group fails every later one (the writer refuses to write after a failure).
  const DecidedGroup* last_durable = nullptr;
  for (const std::unique_ptr<DecidedGroup>& group : groups) {
    if (synced.ok() && group->written.ok() && group->writes) last_durable = group.get();
  }
  if (last_durable != nullptr) {
    absl::MutexLock lock(&commit_mu_);
    committed_size_ = last_durable->end_position;
    committed_root_ = last_durable->root;
    committed_size_atomic_.store(committed_size_);
    commit_cv_.SignalAll();
  }
  for (std::unique_ptr<DecidedGroup>& group : groups) {
    const absl::Status status = group->written.ok() ? synced : group->written;
    for (std::unique_ptr<PendingAppend>& append : group->appends) {
      // After a failure nothing of this group is acknowledged, replays included: they may
      // refer to events of a group that never became durable.
      if (!status.ok()) append->result = status;
      Complete(std::move(append));
    }
  }
}

absl::StatusOr<std::optional<StreamHead>> EventStoreImpl::LookupHead(const std::string& stream,
                                                                     GroupState& state) {
  if (auto it = state.heads.find(stream); it != state.heads.end()) return it->second;
  if (auto it = head_cache_.find(stream); it != head_cache_.end()) return it->second;
  for (auto group = in_flight_.rbegin(); group != in_flight_.rend(); ++group) {
    if (auto it = group->heads.find(stream); it != group->heads.end()) return it->second;
  }
  absl::StatusOr<StreamHead> head = ReadHead(stream);
  if (absl::IsNotFound(head.status())) return std::optional<StreamHead>();
  RETURN_IF_ERROR(head.status());
  return std::optional<StreamHead>(*head);
}

absl::StatusOr<std::optional<AppendResult>> EventStoreImpl::CheckReplay(const PendingAppend& append,
                                                                        GroupState& state) {
  const size_t n = append.events.size();
  std::vector<std::optional<std::pair<uint64_t, Leaf>>> stored(n);
  size_t found = 0;
  for (size_t i = 0; i < n; ++i) {
    const EventId& id = append.events[i].data.id;
    if (auto it = state.ids.find(id); it != state.ids.end()) {
      stored[i] = it->second;
    } else if (auto stored_it = state.stored_ids.find(id); stored_it != state.stored_ids.end()) {
      ASSIGN_OR_RETURN(Leaf leaf, LoadLeaf(stored_it->second));
      stored[i] = std::make_pair(stored_it->second, std::move(leaf));
    } else {
      for (auto group = in_flight_.rbegin(); group != in_flight_.rend(); ++group) {
        if (auto it = group->ids.find(id); it != group->ids.end()) {
          stored[i] = it->second;
          break;
        }
      }
    }
    if (stored[i].has_value()) ++found;
  }
  if (found == 0) return std::optional<AppendResult>();
  for (size_t i = 0; i < n; ++i) {
    const PreparedEvent& event = append.events[i];
    const std::string field = absl::StrCat("events[", i, "].id ", EventIdToString(event.data.id));
    if (!stored[i].has_value()) {
      return absl::AlreadyExistsError(
          absl::StrCat("this append mixes stored and new event ids (", field,
                       " is new): retry the original append unchanged, or use fresh ids"));
    }
    const auto& [position, leaf] = *stored[i];
    if (leaf.stream != append.stream || leaf.type != event.data.type ||
        leaf.metadata_digest != event.metadata_digest ||
        leaf.payload_digest != event.payload_digest || leaf.tags_digest != event.tags_digest ||
        position != stored[0]->first + i) {
      return absl::AlreadyExistsError(
          absl::StrCat(field, " is already stored at position ", position, " with other content"));
    }
  }
  AppendResult result;
  result.first_position = stored[0]->first;
  result.last_position = stored[n - 1]->first;
  result.revision = stored[n - 1]->second.revision;
  result.replayed = true;
  return std::optional<AppendResult>(result);
}

absl::StatusOr<AppendResult> EventStoreImpl::Sequence(const PendingAppend& append,
                                                      GroupState& state,
                                                      rocksdb::WriteBatch& batch) {
  ASSIGN_OR_RETURN(std::optional<AppendResult> replay, CheckReplay(append, state));
  if (replay.has_value()) return *replay;

  ASSIGN_OR_RETURN(std::optional<StreamHead> head, LookupHead(append.stream, state));
  const ExpectedRevision& expected = append.expected;
  const std::string actual = head.has_value() ? absl::StrCat("is at revision ", head->revision)
                                              : std::string("does not exist");
  const bool matches = [&] {
    switch (expected.kind()) {
      case ExpectedRevision::Kind::kAny:
        return true;
      case ExpectedRevision::Kind::kNoStream:
        return !head.has_value();
      case ExpectedRevision::Kind::kStreamExists:
        return head.has_value();
      case ExpectedRevision::Kind::kExact:
        return head.has_value() && head->revision == expected.revision();
    }
    return false;
  }();
  if (!matches) {
    return absl::AbortedError(absl::StrCat("expected revision ", expected.ToString(),
                                           " but stream '", append.stream, "' ", actual));
  }

  uint64_t revision = head.has_value() ? head->revision + 1 : 0;
  AppendResult result;
  result.first_position = state.next_position;
  for (const PreparedEvent& event : append.events) {
    const uint64_t position = state.next_position++;
    Leaf leaf;
    leaf.id = event.data.id;
    leaf.stream = append.stream;
    leaf.revision = revision;
    leaf.position = position;
    leaf.recorded_time_us = state.time_us;
    leaf.type = event.data.type;
    leaf.metadata_digest = event.metadata_digest;
    leaf.payload_digest = event.payload_digest;
    leaf.tags_digest = event.tags_digest;
    const std::string leaf_bytes = EncodeLeaf(leaf);
    const std::string key = PositionKey(position);
    Put(batch, cf(kEntries), key, leaf_bytes);
    Put(batch, cf(kPayloads), key,
        EncodeBody(event.data.metadata, event.tags_encoding, event.data.payload));
    Put(batch, cf(kStreams), NamedKey(append.stream, revision), key);
    for (const std::string& tag : event.data.tags) {
      Put(batch, cf(kTags), NamedKey(tag, position), rocksdb::Slice());
    }
    Put(batch, cf(kIds), IdSlice(event.data.id), key);
    state.frontier.Append(
        tlog::LeafHash(leaf_bytes), [&](int level, uint64_t index, const tlog::Hash& hash) {
          Put(batch, cf(kTree), TreeKey(level, index), ToSlice(tlog::HashBytes(hash)));
        });
    state.ids[event.data.id] = {position, std::move(leaf)};
    result.last_position = position;
    result.revision = revision++;
  }
  StreamHead new_head{result.revision, result.last_position};
  std::string head_value;
  PutBigEndian64(&head_value, new_head.revision);
  PutBigEndian64(&head_value, new_head.last_position);
  Put(batch, cf(kHeads), append.stream, head_value);
  state.heads[append.stream] = new_head;
  return result;
}

}  // namespace ctg::eventstore
