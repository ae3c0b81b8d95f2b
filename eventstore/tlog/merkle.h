// RFC 6962 Merkle tree hashing, proofs and verification.
//
// The tree is exactly the one of RFC 6962 §2.1 (kept unchanged by RFC 9162):
//   MTH({})     = SHA-256()
//   leaf hash   = SHA-256(0x00 || leaf data)
//   node hash   = SHA-256(0x01 || left || right)
//   MTH(D[n])   = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n.
//
// Proof *generation* works over any storage through PerfectNodeFn, which returns the root
// of the perfect subtree at (level, index), covering leaves [index << level,
// (index + 1) << level). Level 0 is the leaf hashes. The event store backs it with RocksDB;
// tests back it with a vector.
//
// Proof *verification* needs nothing but the hashes: these functions are what clients link
// to check the server without trusting it. Always take tree sizes and roots from a verified
// signed checkpoint, never from the proof message: an inclusion proof alone does not bind
// the tree size.
//
// Thread safety: every function here is thread-safe; Frontier is not (externally locked).
#ifndef CTG_EVENTSTORE_TLOG_MERKLE_H_
#define CTG_EVENTSTORE_TLOG_MERKLE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace ctg::tlog {

// A SHA-256 digest.
using Hash = std::array<uint8_t, 32>;

// SHA-256 of arbitrary bytes.
Hash Sha256(absl::string_view data);

// RFC 6962 leaf hash: SHA-256(0x00 || leaf_data).
Hash LeafHash(absl::string_view leaf_data);

// RFC 6962 interior node hash: SHA-256(0x01 || left || right).
Hash NodeHash(const Hash& left, const Hash& right);

// Root of the empty tree: SHA-256 of the empty string.
Hash EmptyRoot();

// Lower-case hexadecimal, and its inverse (INVALID_ARGUMENT unless 64 hex digits).
std::string HashToHex(const Hash& hash);
absl::StatusOr<Hash> HashFromHex(absl::string_view hex);

// The view of a Hash as bytes, and its inverse (INVALID_ARGUMENT unless 32 bytes).
absl::string_view HashBytes(const Hash& hash);
absl::StatusOr<Hash> HashFromBytes(absl::string_view bytes);

// Returns the root of the perfect subtree at (level, index). Errors are propagated as is.
using PerfectNodeFn = absl::FunctionRef<absl::StatusOr<Hash>(int level, uint64_t index)>;

// MTH(D[0:size]) computed from perfect nodes (O(log size) lookups). size 0 gives EmptyRoot().
absl::StatusOr<Hash> RootAt(uint64_t size, PerfectNodeFn node);

// RFC 6962 §2.1.1 audit path for leaf `index` in the tree of `size` leaves.
// INVALID_ARGUMENT unless index < size.
absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size,
                                                 PerfectNodeFn node);

// RFC 6962 §2.1.2 consistency proof between the trees of `old_size` and `new_size` leaves.
// INVALID_ARGUMENT unless old_size <= new_size. Empty when old_size is 0 or equal to
// new_size (nothing to prove).
absl::StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                                   PerfectNodeFn node);

// RFC 9162 §2.1.3.2: OK iff `proof` proves that `leaf_hash` is leaf `index` of the tree of
// `size` leaves whose root is `root`. Any failure is INVALID_ARGUMENT (malformed request) or
// DATA_LOSS (the proof does not verify), with a message saying which.
absl::Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                             absl::Span<const Hash> proof, const Hash& root);

// RFC 9162 §2.1.4.2: OK iff `proof` proves that the tree of `old_size` leaves with root
// `old_root` is a prefix of the tree of `new_size` leaves with root `new_root`.
// old_size == new_size requires an empty proof and equal roots; old_size == 0 requires an
// empty proof (any tree extends the empty one). Errors as for VerifyInclusion.
absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                               const Hash& new_root, absl::Span<const Hash> proof);

// The right edge of a growing tree (a "compact range" [0, size)): one perfect-subtree root
// per set bit of size, largest first. Appending a leaf costs amortised O(1) hashes and
// reports each perfect node it completes, so the store can persist every perfect node in
// the same write as the leaf.
class Frontier {
 public:
  Frontier() = default;

  // Number of leaves appended so far.
  uint64_t size() const { return size_; }

  // Appends a leaf hash. For the leaf itself (level 0) and for every perfect node the
  // append completes, calls on_node(level, index, hash), bottom-up.
  void Append(const Hash& leaf_hash,
              absl::FunctionRef<void(int level, uint64_t index, const Hash& hash)> on_node);

  // MTH of the leaves appended so far (EmptyRoot() when empty).
  Hash Root() const;

  // Stable binary encoding: be64(size) followed by the perfect-subtree roots, largest
  // first. Parse returns DATA_LOSS if the bytes are not such an encoding.
  std::string Serialize() const;
  static absl::StatusOr<Frontier> Parse(absl::string_view bytes);

  // Rebuilds the frontier of a tree of `size` leaves from its perfect nodes.
  static absl::StatusOr<Frontier> FromNodes(uint64_t size, PerfectNodeFn node);

 private:
  uint64_t size_ = 0;
  std::vector<Hash> nodes_;  // perfect-subtree roots, largest (leftmost) first
};

}  // namespace ctg::tlog

#endif  // CTG_EVENTSTORE_TLOG_MERKLE_H_
