#include "eventstore/encoding.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ctg::eventstore {
namespace {

void PutU16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 0xff));
}

void PutU32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

// Sequential reader over a byte string that fails (instead of reading past the end).
class Reader {
 public:
  explicit Reader(absl::string_view bytes) : bytes_(bytes) {}
  bool Bytes(size_t n, absl::string_view* out) {
    if (bytes_.size() < n) return false;
    *out = bytes_.substr(0, n);
    bytes_.remove_prefix(n);
    return true;
  }
  bool U8(uint8_t* v) {
    absl::string_view b;
    if (!Bytes(1, &b)) return false;
    *v = static_cast<uint8_t>(b[0]);
    return true;
  }
  bool U16(uint16_t* v) {
    absl::string_view b;
    if (!Bytes(2, &b)) return false;
    *v = static_cast<uint16_t>((static_cast<uint8_t>(b[0]) << 8) | static_cast<uint8_t>(b[1]));
    return true;
  }
  bool U32(uint32_t* v) {
    absl::string_view b;
    if (!Bytes(4, &b)) return false;
    *v = 0;
    for (char c : b) *v = (*v << 8) | static_cast<uint8_t>(c);
    return true;
  }
  bool U64(uint64_t* v) {
    absl::string_view b;
    if (!Bytes(8, &b)) return false;
    *v = GetBigEndian64(b);
    return true;
  }
  bool Hash(tlog::Hash* h) {
    absl::string_view b;
    if (!Bytes(h->size(), &b)) return false;
    std::memcpy(h->data(), b.data(), h->size());
    return true;
  }
  bool LengthPrefixed16(std::string* out) {
    uint16_t n;
    absl::string_view b;
    if (!U16(&n) || !Bytes(n, &b)) return false;
    out->assign(b.data(), b.size());
    return true;
  }
  absl::string_view rest() const { return bytes_; }

 private:
  absl::string_view bytes_;
};

}  // namespace

void PutBigEndian64(std::string* out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}

uint64_t GetBigEndian64(absl::string_view bytes, size_t offset) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(bytes[offset + i]);
  return v;
}

std::string PositionKey(uint64_t position) {
  std::string key;
  key.reserve(8);
  PutBigEndian64(&key, position);
  return key;
}

absl::StatusOr<uint64_t> DecodePositionKey(absl::string_view key) {
  if (key.size() != 8) {
    return absl::DataLossError(absl::StrCat("position key has ", key.size(), " bytes, not 8"));
  }
  return GetBigEndian64(key);
}

std::string NamedKeyPrefix(absl::string_view name) {
  std::string key(name);
  key.push_back('\0');
  return key;
}

std::string NamedKey(absl::string_view name, uint64_t number) {
  std::string key = NamedKeyPrefix(name);
  PutBigEndian64(&key, number);
  return key;
}

absl::StatusOr<uint64_t> DecodeNamedKeyNumber(absl::string_view key) {
  if (key.size() < 9) return absl::DataLossError("index key too short");
  return GetBigEndian64(key, key.size() - 8);
}

std::string TreeKey(int level, uint64_t index) {
  std::string key(1, static_cast<char>(level));
  PutBigEndian64(&key, index);
  return key;
}

std::string EncodeLeaf(const Leaf& leaf) {
  std::string out;
  out.reserve(1 + 16 + 2 + leaf.stream.size() + 24 + 2 + leaf.type.size() + 96);
  out.push_back(static_cast<char>(kLeafVersion));
  out.append(reinterpret_cast<const char*>(leaf.id.data()), leaf.id.size());
  PutU16(&out, static_cast<uint16_t>(leaf.stream.size()));
  out.append(leaf.stream);
  PutBigEndian64(&out, leaf.revision);
  PutBigEndian64(&out, leaf.position);
  PutBigEndian64(&out, static_cast<uint64_t>(leaf.recorded_time_us));
  PutU16(&out, static_cast<uint16_t>(leaf.type.size()));
  out.append(leaf.type);
  absl::StrAppend(&out, tlog::HashBytes(leaf.metadata_digest));
  absl::StrAppend(&out, tlog::HashBytes(leaf.payload_digest));
  absl::StrAppend(&out, tlog::HashBytes(leaf.tags_digest));
  return out;
}

absl::StatusOr<Leaf> DecodeLeaf(absl::string_view bytes) {
  Reader r(bytes);
  Leaf leaf;
  uint8_t version;
  absl::string_view id;
  uint64_t time;
  if (!r.U8(&version)) return absl::DataLossError("empty leaf record");
  if (version != kLeafVersion) {
    return absl::DataLossError(absl::StrCat("unknown leaf version ", version));
  }
  if (!r.Bytes(16, &id) || !r.LengthPrefixed16(&leaf.stream) || !r.U64(&leaf.revision) ||
      !r.U64(&leaf.position) || !r.U64(&time) || !r.LengthPrefixed16(&leaf.type) ||
      !r.Hash(&leaf.metadata_digest) || !r.Hash(&leaf.payload_digest) ||
      !r.Hash(&leaf.tags_digest)) {
    return absl::DataLossError("truncated leaf record");
  }
  if (!r.rest().empty()) return absl::DataLossError("trailing bytes after leaf record");
  std::memcpy(leaf.id.data(), id.data(), 16);
  leaf.recorded_time_us = static_cast<int64_t>(time);
  return leaf;
}

std::string EncodeTags(const std::vector<std::string>& tags) {
  std::string out;
  PutU16(&out, static_cast<uint16_t>(tags.size()));
  for (const std::string& tag : tags) {
    PutU16(&out, static_cast<uint16_t>(tag.size()));
    out.append(tag);
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> DecodeTags(absl::string_view bytes) {
  Reader r(bytes);
  uint16_t count;
  if (!r.U16(&count)) return absl::DataLossError("truncated tags");
  std::vector<std::string> tags(count);
  for (std::string& tag : tags) {
    if (!r.LengthPrefixed16(&tag)) return absl::DataLossError("truncated tags");
  }
  if (!r.rest().empty()) return absl::DataLossError("trailing bytes after tags");
  return tags;
}

std::string EncodeBody(absl::string_view metadata, absl::string_view tags_encoding,
                       absl::string_view payload) {
  std::string out;
  out.reserve(8 + metadata.size() + tags_encoding.size() + payload.size());
  PutU32(&out, static_cast<uint32_t>(metadata.size()));
  absl::StrAppend(&out, metadata);
  PutU32(&out, static_cast<uint32_t>(tags_encoding.size()));
  absl::StrAppend(&out, tags_encoding);
  absl::StrAppend(&out, payload);
  return out;
}

absl::StatusOr<BodyView> DecodeBody(absl::string_view bytes) {
  Reader r(bytes);
  BodyView body;
  uint32_t n;
  if (!r.U32(&n) || !r.Bytes(n, &body.metadata) || !r.U32(&n) || !r.Bytes(n, &body.tags_encoding)) {
    return absl::DataLossError("truncated event body");
  }
  body.payload = r.rest();
  return body;
}

}  // namespace ctg::eventstore
