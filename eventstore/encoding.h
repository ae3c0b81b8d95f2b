// Byte encodings of the event store: big-endian integers, RocksDB keys, the LeafV1 record
// that the Merkle tree hashes, and the body record that holds an event's bytes.
//
// Key layout (one RocksDB instance, one column family per index; keys hold no personal data):
//   entries   be64(position)                 -> LeafV1 bytes (exactly the bytes hashed)
//   payloads  be64(position)                 -> Body (metadata, tags, payload)
//   streams   stream 0x00 be64(revision)     -> be64(position)
//   heads     stream                         -> be64(revision) be64(position)
//   tags      tag 0x00 be64(position)        -> (empty)
//   ids       event id (16 bytes)            -> be64(position)
//   tree      u8(level) be64(index)          -> 32-byte perfect-subtree root (level 0: leaves)
//   meta      "frontier"                     -> tlog::Frontier::Serialize() (holds the size)
// Big-endian integers keep RocksDB's bytewise order numeric. Stream names and tags are
// printable ASCII, so 0x00 cleanly ends them.
#ifndef CTG_EVENTSTORE_ENCODING_H_
#define CTG_EVENTSTORE_ENCODING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "eventstore/tlog/merkle.h"
#include "eventstore/types.h"

namespace ctg::eventstore {

void PutBigEndian64(std::string* out, uint64_t value);
// Reads 8 bytes at `offset`; the caller checks the length.
uint64_t GetBigEndian64(absl::string_view bytes, size_t offset = 0);

std::string PositionKey(uint64_t position);
// DATA_LOSS unless `key` is an 8-byte position key.
absl::StatusOr<uint64_t> DecodePositionKey(absl::string_view key);

// "<name>\0" then be64(number): the stream-index and tag-index keys.
std::string NamedKeyPrefix(absl::string_view name);
std::string NamedKey(absl::string_view name, uint64_t number);
// The number at the end of a NamedKey (DATA_LOSS if too short).
absl::StatusOr<uint64_t> DecodeNamedKeyNumber(absl::string_view key);

std::string TreeKey(int level, uint64_t index);

inline constexpr absl::string_view kFrontierKey = "frontier";

// The LeafV1 record: a fixed, versioned binary encoding of one event, committing to its
// digests rather than its bytes, so proofs survive the erasure of sealed personal data.
//   u8   version (1)
//   16   event id
//   u16  stream length, stream bytes
//   u64  revision, u64 position, i64 recorded time (µs since the Unix epoch)
//   u16  type length, type bytes
//   32   SHA-256(metadata)   32  SHA-256(payload)   32  SHA-256(tags encoding)
// All integers big-endian. leaf hash = SHA-256(0x00 || LeafV1) (RFC 6962).
struct Leaf {
  EventId id{};
  std::string stream;
  uint64_t revision = 0;
  uint64_t position = 0;
  int64_t recorded_time_us = 0;
  std::string type;
  tlog::Hash metadata_digest{};
  tlog::Hash payload_digest{};
  tlog::Hash tags_digest{};
};
inline constexpr uint8_t kLeafVersion = 1;
std::string EncodeLeaf(const Leaf& leaf);
// DATA_LOSS if `bytes` is not a complete LeafV1 encoding.
absl::StatusOr<Leaf> DecodeLeaf(absl::string_view bytes);

// Tags encoding: u16 count, then per tag u16 length and bytes. Tags must be sorted and
// distinct (the store canonicalises them before encoding).
std::string EncodeTags(const std::vector<std::string>& tags);
absl::StatusOr<std::vector<std::string>> DecodeTags(absl::string_view bytes);

// Body record: u32 metadata length, metadata, u32 tags-encoding length, tags encoding,
// then the payload up to the end.
std::string EncodeBody(absl::string_view metadata, absl::string_view tags_encoding,
                       absl::string_view payload);
struct BodyView {
  absl::string_view metadata;
  absl::string_view tags_encoding;
  absl::string_view payload;
};
// DATA_LOSS if malformed. The views point into `bytes`.
absl::StatusOr<BodyView> DecodeBody(absl::string_view bytes);

}  // namespace ctg::eventstore

#endif  // CTG_EVENTSTORE_ENCODING_H_
