// Value types of the event store API: events as appended and as recorded, expected
// revisions, results of appends and reads.
#ifndef CTG_EVENTSTORE_TYPES_H_
#define CTG_EVENTSTORE_TYPES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "eventstore/tlog/checkpoint.h"
#include "eventstore/tlog/merkle.h"

namespace ctg::eventstore {

// A 16-byte event id (an RFC 4122 UUID). Appending an id that is already stored is
// idempotent (see EventStore::Append).
using EventId = std::array<uint8_t, 16>;

// A fresh random (version 4) UUID, from OpenSSL's CSPRNG.
EventId NewEventId();
// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower case.
std::string EventIdToString(const EventId& id);
// Parses the canonical form above (either case); INVALID_ARGUMENT otherwise.
absl::StatusOr<EventId> ParseEventId(absl::string_view text);

// An event as the caller appends it.
struct EventData {
  EventId id{};                   // unique; a retry re-sends the same id
  std::string type;               // e.g. "ctg.v1.CafOpinionGiven"; printable ASCII, 1..256 bytes
  std::string metadata;           // opaque bytes (the server's stamped metadata); no personal data
  std::string payload;            // opaque bytes (a serialized message)
  std::vector<std::string> tags;  // index keys such as "ctg:42"; printable ASCII, 1..256 bytes;
                                  // stored sorted and without duplicates
};

// An event as stored: what was appended plus where and when it was recorded.
struct RecordedEvent {
  EventId id{};
  std::string stream;
  uint64_t revision = 0;     // 0-based index of the event in its stream
  uint64_t position = 0;     // 0-based index of the event in the global log (gap-free)
  absl::Time recorded_time;  // stamped by the store (microsecond precision, never decreasing)
  std::string type;
  std::string metadata;
  std::string payload;
  std::vector<std::string> tags;
  tlog::Hash leaf_hash{};  // RFC 6962 leaf hash of the event's LeafV1 encoding (encoding.h)
};

// What the caller expects the stream's revision to be when its append is sequenced.
class ExpectedRevision {
 public:
  enum class Kind { kAny, kNoStream, kStreamExists, kExact };

  static ExpectedRevision Any() { return ExpectedRevision(Kind::kAny, 0); }
  static ExpectedRevision NoStream() { return ExpectedRevision(Kind::kNoStream, 0); }
  static ExpectedRevision StreamExists() { return ExpectedRevision(Kind::kStreamExists, 0); }
  // The stream's last event has this revision.
  static ExpectedRevision Exact(uint64_t revision) {
    return ExpectedRevision(Kind::kExact, revision);
  }

  Kind kind() const { return kind_; }
  uint64_t revision() const { return revision_; }  // meaningful for kExact only
  std::string ToString() const;  // "any", "no_stream", "stream_exists" or "exact(n)"

 private:
  ExpectedRevision(Kind kind, uint64_t revision) : kind_(kind), revision_(revision) {}
  Kind kind_;
  uint64_t revision_;
};

// The outcome of a successful append.
struct AppendResult {
  uint64_t first_position = 0;  // position of the first appended event
  uint64_t last_position = 0;   // position of the last one (positions are consecutive)
  uint64_t revision = 0;        // the stream's revision after the append (its last event)
  bool replayed = false;        // true if every id was already stored: nothing was written
                                // and this is the original result
};

// The current end of a stream.
struct StreamHead {
  uint64_t revision = 0;       // revision of the stream's last event
  uint64_t last_position = 0;  // position of that event
};

enum class Direction { kForward, kBackward };

// One page of a read. `next` is where the next page starts (a revision for stream reads,
// a position for log and tag reads), or empty when the read reached the end.
struct ReadPage {
  std::vector<RecordedEvent> events;
  std::optional<uint64_t> next;
};

// A signed checkpoint: the parsed content and the exact signed note (checkpoint.h).
struct SignedCheckpoint {
  tlog::Checkpoint checkpoint;
  std::string note;
};

// The outcome of EventStore::Verify.
struct VerifyReport {
  uint64_t events_checked = 0;
  tlog::Hash root{};  // recomputed root over the events checked
  // Empty if everything verified. Otherwise the first position found bad and why.
  std::optional<uint64_t> first_bad_position;
  std::string problem;
  bool ok() const { return problem.empty(); }
};

// One backup made by EventStore::Backup.
struct BackupInfo {
  uint32_t backup_id = 0;
  absl::Time time;              // when the backup was taken
  uint64_t size_bytes = 0;      // bytes the backup references (shared files counted fully)
  SignedCheckpoint checkpoint;  // signed just before the backup; the backup holds at least
                                // checkpoint.checkpoint.size events
};

}  // namespace ctg::eventstore

#endif  // CTG_EVENTSTORE_TYPES_H_
