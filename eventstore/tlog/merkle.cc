#include "eventstore/tlog/merkle.h"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "eventstore/base/openssl_ptr.h"
#include "eventstore/base/status_macros.h"

namespace ctg::tlog {
namespace {

// SHA-256 can only fail if OpenSSL cannot allocate or has no SHA-256 provider: the process
// cannot go on without it, and Hash-returning functions have no error channel.
[[noreturn]] void DieOnDigestFailure(const char* what) {
  std::fprintf(stderr, "ctg::tlog: OpenSSL SHA-256 failed in %s\n", what);
  std::abort();
}

// SHA-256 fetched from the provider once: an implicit fetch (EVP_sha256() in DigestInit)
// looks the algorithm up by name on every call, which cost more than hashing a leaf.
const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
    if (fetched == nullptr) DieOnDigestFailure("EVP_MD_fetch");
    return fetched;  // kept for the life of the process
  }();
  return md;
}

// SHA-256 of the concatenation of `parts`, with one digest context per thread, reused.
Hash Digest(std::initializer_list<absl::string_view> parts) {
  thread_local MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) DieOnDigestFailure("EVP_MD_CTX_new");
  if (EVP_DigestInit_ex2(ctx.get(), Sha256Md(), nullptr) != 1) {
    DieOnDigestFailure("EVP_DigestInit_ex2");
  }
  for (absl::string_view part : parts) {
    if (EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) {
      DieOnDigestFailure("EVP_DigestUpdate");
    }
  }
  Hash hash;
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), hash.data(), &length) != 1 || length != hash.size()) {
    DieOnDigestFailure("EVP_DigestFinal_ex");
  }
  return hash;
}

uint64_t Bit(int level) { return uint64_t{1} << level; }

// MTH(D[begin:end]) for begin < end, from perfect nodes. Every range the RFC 6962 recursion
// visits starts at a multiple of bit_ceil(end - begin), so it splits into one perfect
// subtree per set bit of its size, largest first; they are folded from the right.
absl::StatusOr<Hash> SubtreeRoot(uint64_t begin, uint64_t end, PerfectNodeFn node) {
  std::optional<Hash> root;
  uint64_t position = end;
  for (uint64_t remaining = end - begin; remaining != 0; remaining &= remaining - 1) {
    const int level = std::countr_zero(remaining);
    position -= Bit(level);
    ASSIGN_OR_RETURN(Hash left, node(level, position >> level));
    root = root.has_value() ? NodeHash(left, *root) : left;
  }
  return *root;
}

// Largest power of two strictly below `size` (size >= 2): the RFC 6962 split point k.
uint64_t SplitPoint(uint64_t size) { return std::bit_floor(size - 1); }

// Appends PATH(index - begin, D[begin:end]) (RFC 6962 §2.1.1) to `proof`.
absl::Status AppendPath(uint64_t index, uint64_t begin, uint64_t end, PerfectNodeFn node,
                        std::vector<Hash>& proof) {
  if (end - begin == 1) return absl::OkStatus();
  const uint64_t middle = begin + SplitPoint(end - begin);
  if (index < middle) {
    RETURN_IF_ERROR(AppendPath(index, begin, middle, node, proof));
    ASSIGN_OR_RETURN(Hash sibling, SubtreeRoot(middle, end, node));
    proof.push_back(sibling);
  } else {
    RETURN_IF_ERROR(AppendPath(index, middle, end, node, proof));
    ASSIGN_OR_RETURN(Hash sibling, SubtreeRoot(begin, middle, node));
    proof.push_back(sibling);
  }
  return absl::OkStatus();
}

// Appends SUBPROOF(old_size - begin, D[begin:end], complete) (RFC 6962 §2.1.2) to `proof`,
// for begin < old_size <= end.
absl::Status AppendSubproof(uint64_t old_size, uint64_t begin, uint64_t end, bool complete,
                            PerfectNodeFn node, std::vector<Hash>& proof) {
  if (old_size == end) {
    if (!complete) {
      ASSIGN_OR_RETURN(Hash root, SubtreeRoot(begin, end, node));
      proof.push_back(root);
    }
    return absl::OkStatus();
  }
  const uint64_t middle = begin + SplitPoint(end - begin);
  if (old_size <= middle) {
    RETURN_IF_ERROR(AppendSubproof(old_size, begin, middle, complete, node, proof));
    ASSIGN_OR_RETURN(Hash right, SubtreeRoot(middle, end, node));
    proof.push_back(right);
  } else {
    RETURN_IF_ERROR(AppendSubproof(old_size, middle, end, /*complete=*/false, node, proof));
    ASSIGN_OR_RETURN(Hash left, SubtreeRoot(begin, middle, node));
    proof.push_back(left);
  }
  return absl::OkStatus();
}

// Shifts fn and sn right until fn is odd or zero (RFC 9162 §2.1.3.2 step 4.b.ii).
void SkipRightBorder(uint64_t& fn, uint64_t& sn) {
  while (fn != 0 && (fn & 1) == 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

Hash Sha256(absl::string_view data) { return Digest({data}); }

Hash LeafHash(absl::string_view leaf_data) {
  return Digest({absl::string_view("\x00", 1), leaf_data});
}

Hash NodeHash(const Hash& left, const Hash& right) {
  return Digest({"\x01", HashBytes(left), HashBytes(right)});
}

Hash EmptyRoot() { return Sha256(""); }

std::string HashToHex(const Hash& hash) { return absl::BytesToHexString(HashBytes(hash)); }

absl::StatusOr<Hash> HashFromHex(absl::string_view hex) {
  if (hex.size() != 2 * sizeof(Hash)) {
    return absl::InvalidArgumentError(
        absl::StrCat("hash must be 64 hex digits, got ", hex.size(), " characters"));
  }
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrCat("hash \"", absl::CHexEscape(hex), "\" is not hexadecimal"));
    }
  }
  return HashFromBytes(absl::HexStringToBytes(hex));
}

absl::string_view HashBytes(const Hash& hash) {
  return absl::string_view(reinterpret_cast<const char*>(hash.data()), hash.size());
}

absl::StatusOr<Hash> HashFromBytes(absl::string_view bytes) {
  if (bytes.size() != sizeof(Hash)) {
    return absl::InvalidArgumentError(absl::StrCat("hash must be 32 bytes, got ", bytes.size()));
  }
  Hash hash;
  std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

absl::StatusOr<Hash> RootAt(uint64_t size, PerfectNodeFn node) {
  if (size == 0) return EmptyRoot();
  return SubtreeRoot(0, size, node);
}

absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size,
                                                 PerfectNodeFn node) {
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("no inclusion proof for leaf ", index, " in tree of size ", size));
  }
  std::vector<Hash> proof;
  RETURN_IF_ERROR(AppendPath(index, 0, size, node, proof));
  return proof;
}

absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                                   PerfectNodeFn node) {
  if (old_size > new_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("no consistency proof from size ", old_size, " down to size ", new_size));
  }
  std::vector<Hash> proof;
  if (old_size == 0 || old_size == new_size) return proof;
  RETURN_IF_ERROR(AppendSubproof(old_size, 0, new_size, /*complete=*/true, node, proof));
  return proof;
}

absl::Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                             absl::Span<const Hash> proof, const Hash& root) {
  const auto describe = [&] {
    return absl::StrCat("inclusion proof for leaf ", index, " in tree of size ", size);
  };
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf ", index, " is not in a tree of size ", size));
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) {
      return absl::DataLossError(
          absl::StrCat(describe(), " is too long (", proof.size(), " hashes)"));
    }
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      SkipRightBorder(fn, sn);
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::DataLossError(
        absl::StrCat(describe(), " is too short (", proof.size(), " hashes)"));
  }
  if (r != root) {
    return absl::DataLossError(absl::StrCat(describe(), " does not match the root"));
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                               const Hash& new_root, absl::Span<const Hash> proof) {
  const auto describe = [&] {
    return absl::StrCat("consistency proof from size ", old_size, " to size ", new_size);
  };
  if (old_size > new_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("old tree size ", old_size, " is larger than new tree size ", new_size));
  }
  if (old_size == 0 || old_size == new_size) {
    if (!proof.empty()) {
      return absl::DataLossError(
          absl::StrCat(describe(), " must be empty, has ", proof.size(), " hashes"));
    }
    if (old_size == new_size && old_root != new_root) {
      return absl::DataLossError(
          absl::StrCat("trees of the same size ", old_size, " have different roots"));
    }
    return absl::OkStatus();
  }
  if (proof.empty()) return absl::DataLossError(absl::StrCat(describe(), " is empty"));

  // RFC 9162 §2.1.4.2. When old_size is a power of two, the old root is the implicit first
  // element of the proof.
  size_t next = 0;
  const Hash seed = std::has_single_bit(old_size) ? old_root : proof[next++];
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = seed;
  Hash sr = seed;
  for (; next < proof.size(); ++next) {
    const Hash& c = proof[next];
    if (sn == 0) {
      return absl::DataLossError(
          absl::StrCat(describe(), " is too long (", proof.size(), " hashes)"));
    }
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      SkipRightBorder(fn, sn);
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::DataLossError(
        absl::StrCat(describe(), " is too short (", proof.size(), " hashes)"));
  }
  if (fr != old_root) {
    return absl::DataLossError(absl::StrCat(describe(), " does not match the old root"));
  }
  if (sr != new_root) {
    return absl::DataLossError(absl::StrCat(describe(), " does not match the new root"));
  }
  return absl::OkStatus();
}

void Frontier::Append(
    const Hash& leaf_hash,
    absl::FunctionRef<void(int level, uint64_t index, const Hash& hash)> on_node) {
  Hash hash = leaf_hash;
  int level = 0;
  uint64_t index = size_;
  on_node(level, index, hash);
  // Each trailing set bit of the old size is a perfect subtree that the new node completes.
  while ((index & 1) == 1) {
    hash = NodeHash(nodes_.back(), hash);
    nodes_.pop_back();
    ++level;
    index >>= 1;
    on_node(level, index, hash);
  }
  nodes_.push_back(hash);
  ++size_;
}

Hash Frontier::Root() const {
  if (nodes_.empty()) return EmptyRoot();
  Hash root = nodes_.back();
  for (auto it = nodes_.rbegin() + 1; it != nodes_.rend(); ++it) root = NodeHash(*it, root);
  return root;
}

std::string Frontier::Serialize() const {
  std::string bytes;
  bytes.reserve(8 + nodes_.size() * sizeof(Hash));
  for (int shift = 56; shift >= 0; shift -= 8) {
    bytes.push_back(static_cast<char>((size_ >> shift) & 0xff));
  }
  for (const Hash& node : nodes_) absl::StrAppend(&bytes, HashBytes(node));
  return bytes;
}

absl::StatusOr<Frontier> Frontier::Parse(absl::string_view bytes) {
  if (bytes.size() < 8) {
    return absl::DataLossError(
        absl::StrCat("frontier encoding is ", bytes.size(), " bytes, shorter than its size"));
  }
  Frontier frontier;
  for (int i = 0; i < 8; ++i) {
    frontier.size_ = (frontier.size_ << 8) | static_cast<uint8_t>(bytes[i]);
  }
  bytes.remove_prefix(8);
  const size_t expected = std::popcount(frontier.size_);
  if (bytes.size() != expected * sizeof(Hash)) {
    return absl::DataLossError(absl::StrCat("frontier of size ", frontier.size_, " needs ",
                                            expected, " hashes, encoding has ", bytes.size(),
                                            " bytes after the size"));
  }
  frontier.nodes_.resize(expected);
  for (size_t i = 0; i < expected; ++i) {
    std::copy_n(bytes.data() + i * sizeof(Hash), sizeof(Hash), frontier.nodes_[i].begin());
  }
  return frontier;
}

absl::StatusOr<Frontier> Frontier::FromNodes(uint64_t size, PerfectNodeFn node) {
  Frontier frontier;
  frontier.size_ = size;
  uint64_t position = 0;
  for (int level = 63; level >= 0; --level) {
    if ((size & Bit(level)) == 0) continue;
    ASSIGN_OR_RETURN(Hash hash, node(level, position >> level));
    frontier.nodes_.push_back(hash);
    position += Bit(level);
  }
  return frontier;
}

}  // namespace ctg::tlog
