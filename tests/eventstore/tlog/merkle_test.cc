#include "eventstore/tlog/merkle.h"

#include <bit>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::tlog {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

Hash H(absl::string_view hex) {
  absl::StatusOr<Hash> hash = HashFromHex(hex);
  EXPECT_OK(hash) << hex;
  return hash.value_or(Hash{});
}

Hash FlipBit(Hash hash, int bit) {
  hash[bit / 8 % hash.size()] ^= static_cast<uint8_t>(1 << (bit % 8));
  return hash;
}

// ---------------------------------------------------------------------------------------------
// Reference implementation, written from the text of RFC 6962 §2.1 over explicit leaf lists.
// It shares nothing with merkle.cc but Sha256, which is checked against known vectors below.

std::string Bytes(const Hash& hash) { return std::string(HashBytes(hash)); }

// Largest power of two strictly less than n, for n > 1.
size_t RefSplit(size_t n) {
  size_t k = 1;
  while (2 * k < n) k *= 2;
  return k;
}

// MTH(D[n]).
Hash RefMth(absl::Span<const std::string> d) {
  if (d.empty()) return Sha256("");
  if (d.size() == 1) return Sha256(std::string(1, '\0') + d[0]);
  const size_t k = RefSplit(d.size());
  return Sha256("\x01" + Bytes(RefMth(d.subspan(0, k))) + Bytes(RefMth(d.subspan(k))));
}

// PATH(m, D[n]).
std::vector<Hash> RefPath(size_t m, absl::Span<const std::string> d) {
  if (d.size() == 1) return {};
  const size_t k = RefSplit(d.size());
  std::vector<Hash> path;
  if (m < k) {
    path = RefPath(m, d.subspan(0, k));
    path.push_back(RefMth(d.subspan(k)));
  } else {
    path = RefPath(m - k, d.subspan(k));
    path.push_back(RefMth(d.subspan(0, k)));
  }
  return path;
}

// SUBPROOF(m, D[n], b).
std::vector<Hash> RefSubproof(size_t m, absl::Span<const std::string> d, bool b) {
  if (m == d.size()) {
    if (b) return {};
    return {RefMth(d)};
  }
  const size_t k = RefSplit(d.size());
  std::vector<Hash> proof;
  if (m <= k) {
    proof = RefSubproof(m, d.subspan(0, k), b);
    proof.push_back(RefMth(d.subspan(k)));
  } else {
    proof = RefSubproof(m - k, d.subspan(k), false);
    proof.push_back(RefMth(d.subspan(0, k)));
  }
  return proof;
}

// PROOF(m, D[n]) for 0 < m < n.
std::vector<Hash> RefProof(size_t m, absl::Span<const std::string> d) {
  return RefSubproof(m, d, true);
}

// ---------------------------------------------------------------------------------------------

// Distinct leaves, so that distinct subtrees have distinct hashes.
std::vector<std::string> NumberedLeaves(int count) {
  std::vector<std::string> leaves;
  for (int i = 0; i < count; ++i) leaves.push_back(absl::StrCat("leaf ", i));
  return leaves;
}

// The perfect nodes of a list of leaves, computed with the reference MTH. Fn(size) is a
// PerfectNodeFn for the tree of the first `size` leaves that fails on any node outside it,
// so the code under test cannot look past the tree it is asked about.
class ReferenceNodes {
 public:
  explicit ReferenceNodes(std::vector<std::string> leaves) : leaves_(std::move(leaves)) {
    for (int level = 0; (size_t{1} << level) <= leaves_.size(); ++level) {
      const size_t width = size_t{1} << level;
      for (size_t index = 0; (index + 1) * width <= leaves_.size(); ++index) {
        nodes_[{level, index}] = RefMth(absl::MakeConstSpan(leaves_).subspan(index * width, width));
      }
    }
  }

  const std::vector<std::string>& leaves() const { return leaves_; }
  absl::Span<const std::string> prefix(size_t size) const {
    return absl::MakeConstSpan(leaves_).subspan(0, size);
  }
  const std::map<std::pair<int, uint64_t>, Hash>& all() const { return nodes_; }
  int lookups() const { return lookups_; }

  auto Fn(uint64_t size) {
    return [this, size](int level, uint64_t index) -> absl::StatusOr<Hash> {
      ++lookups_;
      if (level < 0 || level > 63 || ((index + 1) << level) > size) {
        return absl::OutOfRangeError(
            absl::StrCat("node (", level, ", ", index, ") is not in a tree of size ", size));
      }
      return nodes_.at({level, index});
    };
  }

 private:
  std::vector<std::string> leaves_;
  std::map<std::pair<int, uint64_t>, Hash> nodes_;
  int lookups_ = 0;
};

// The leaves and roots of transparency-dev/merkle testonly/constants.go (RFC 6962 tests).
std::vector<std::string> Rfc6962TestLeaves() {
  return {std::string(),
          std::string("\x00", 1),
          "\x10",
          "\x20\x21",
          "\x30\x31",
          "\x40\x41\x42\x43",
          "\x50\x51\x52\x53\x54\x55\x56\x57",
          "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
}

const char* const kRfc6962TestRoots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

TEST(HashingTest, MatchesRfc6962Vectors) {
  EXPECT_EQ(HashToHex(EmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256(""), EmptyRoot());
  EXPECT_EQ(HashToHex(LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_EQ(HashToHex(LeafHash("L123456")),
            "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
  // The node vector hashes the raw strings "N123" and "N456", not 32-byte hashes, so it is
  // checked on the construction itself: SHA-256(0x01 || left || right).
  EXPECT_EQ(HashToHex(Sha256("\x01N123N456")),
            "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb");
  const Hash left = LeafHash("left");
  const Hash right = LeafHash("right");
  EXPECT_EQ(NodeHash(left, right), Sha256("\x01" + Bytes(left) + Bytes(right)));
  EXPECT_EQ(LeafHash("abc"), Sha256(std::string("\0abc", 4)));
}

TEST(HashingTest, SeparatesLeavesFromNodesAndOrdersChildren) {
  const Hash a = LeafHash("a");
  const Hash b = LeafHash("b");
  EXPECT_NE(NodeHash(a, b), NodeHash(b, a));
  EXPECT_NE(NodeHash(a, b), LeafHash(Bytes(a) + Bytes(b)));
  EXPECT_NE(LeafHash(""), EmptyRoot());
}

TEST(HexTest, RoundTrips) {
  const Hash hash = LeafHash("L123456");
  EXPECT_EQ(HashToHex(hash), "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
  ASSERT_OK_AND_ASSIGN(Hash parsed, HashFromHex(HashToHex(hash)));
  EXPECT_EQ(parsed, hash);
  ASSERT_OK_AND_ASSIGN(
      Hash upper, HashFromHex("395AA064AA4C29F7010ACFE3F25DB9485BBD4B91897B6AD7AD547639252B4D56"));
  EXPECT_EQ(upper, hash);
  EXPECT_THAT(HashBytes(hash), SizeIs(32));
  ASSERT_OK_AND_ASSIGN(Hash from_bytes, HashFromBytes(HashBytes(hash)));
  EXPECT_EQ(from_bytes, hash);
}

TEST(HexTest, RejectsBadInput) {
  const std::string good = HashToHex(LeafHash("x"));
  for (const std::string& bad :
       {std::string(), good.substr(1), good + "0", "g" + good.substr(1), " " + good.substr(1),
        good.substr(0, 62) + "-1", std::string(64, 'z')}) {
    EXPECT_THAT(HashFromHex(bad), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("hash")))
        << bad;
  }
  EXPECT_THAT(HashFromBytes(std::string(31, 'a')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("32 bytes")));
  EXPECT_THAT(HashFromBytes(std::string(33, 'a')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("32 bytes")));
  EXPECT_THAT(HashFromBytes(""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("32")));
}

TEST(KnownTreeTest, RootsMatchTransparencyDevVectors) {
  ReferenceNodes nodes(Rfc6962TestLeaves());
  Frontier frontier;
  for (uint64_t size = 1; size <= 8; ++size) {
    ASSERT_OK_AND_ASSIGN(Hash root, RootAt(size, nodes.Fn(size)));
    EXPECT_EQ(HashToHex(root), kRfc6962TestRoots[size - 1]) << "size " << size;
    EXPECT_EQ(HashToHex(RefMth(nodes.prefix(size))), kRfc6962TestRoots[size - 1]);
    frontier.Append(LeafHash(nodes.leaves()[size - 1]), [](int, uint64_t, const Hash&) {});
    EXPECT_EQ(HashToHex(frontier.Root()), kRfc6962TestRoots[size - 1]) << "size " << size;
  }
  ASSERT_OK_AND_ASSIGN(Hash empty, RootAt(0, nodes.Fn(0)));
  EXPECT_EQ(empty, EmptyRoot());
}

// The proof vectors of transparency-dev/merkle proof/verify_test.go (0-based leaf indices).
TEST(KnownTreeTest, ProofsMatchTransparencyDevVectors) {
  ReferenceNodes nodes(Rfc6962TestLeaves());
  const struct {
    uint64_t index, size;
    std::vector<const char*> proof;
  } inclusion[] = {
      {0,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5,
       8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1,
       5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
      {0, 1, {}},
  };
  for (const auto& vector : inclusion) {
    std::vector<Hash> want;
    for (const char* hex : vector.proof) want.push_back(H(hex));
    ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof,
                         InclusionProof(vector.index, vector.size, nodes.Fn(vector.size)));
    EXPECT_THAT(proof, ElementsAreArray(want)) << vector.index << " in " << vector.size;
    EXPECT_OK(VerifyInclusion(vector.index, vector.size, LeafHash(nodes.leaves()[vector.index]),
                              want, H(kRfc6962TestRoots[vector.size - 1])));
  }
  const struct {
    uint64_t old_size, new_size;
    std::vector<const char*> proof;
  } consistency[] = {
      {1,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6,
       8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
      {6,
       7,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {1, 1, {}},
  };
  for (const auto& vector : consistency) {
    std::vector<Hash> want;
    for (const char* hex : vector.proof) want.push_back(H(hex));
    ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof, ConsistencyProof(vector.old_size, vector.new_size,
                                                                   nodes.Fn(vector.new_size)));
    EXPECT_THAT(proof, ElementsAreArray(want)) << vector.old_size << " to " << vector.new_size;
    EXPECT_OK(VerifyConsistency(vector.old_size, vector.new_size,
                                H(kRfc6962TestRoots[vector.old_size - 1]),
                                H(kRfc6962TestRoots[vector.new_size - 1]), want));
  }
}

// RFC 6962 §2.1.3: the proofs of the tree of 7 leaves in its figure, where a..f are the
// leaves d0..d5, j is d6, g, h, i are the level-1 nodes, k = MTH(D[0:4]), l = MTH(D[4:7]).
TEST(ProofTest, Rfc6962Example) {
  ReferenceNodes nodes(NumberedLeaves(7));
  const auto& n = nodes.all();
  const Hash a = n.at({0, 0}), b = n.at({0, 1}), c = n.at({0, 2}), d = n.at({0, 3});
  const Hash f = n.at({0, 5}), j = n.at({0, 6});
  const Hash g = n.at({1, 0}), h = n.at({1, 1}), i = n.at({1, 2}), k = n.at({2, 0});
  const Hash l = NodeHash(i, j);
  EXPECT_EQ(a, LeafHash("leaf 0"));
  EXPECT_EQ(NodeHash(k, l), RefMth(nodes.prefix(7)));

  const struct {
    uint64_t old_size;
    std::vector<Hash> proof;
  } consistency[] = {{3, {c, d, g, l}}, {4, {l}}, {6, {i, j, k}}};
  for (const auto& example : consistency) {
    ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof,
                         ConsistencyProof(example.old_size, 7, nodes.Fn(7)));
    EXPECT_THAT(proof, ElementsAreArray(example.proof)) << "PROOF(" << example.old_size << ")";
  }
  const struct {
    uint64_t index;
    std::vector<Hash> path;
  } inclusion[] = {{0, {b, h, l}}, {3, {c, g, l}}, {4, {f, j, k}}, {6, {i, k}}};
  for (const auto& example : inclusion) {
    ASSERT_OK_AND_ASSIGN(std::vector<Hash> path, InclusionProof(example.index, 7, nodes.Fn(7)));
    EXPECT_THAT(path, ElementsAreArray(example.path)) << "PATH(" << example.index << ")";
  }
}

// Every root and proof of every tree up to 70 leaves equals the reference and verifies.
TEST(ProofTest, MatchesReferenceForAllSizesUpTo70) {
  constexpr int kMaxSize = 70;
  ReferenceNodes nodes(NumberedLeaves(kMaxSize));
  std::vector<Hash> roots(kMaxSize + 1);
  for (uint64_t n = 0; n <= kMaxSize; ++n) roots[n] = RefMth(nodes.prefix(n));

  for (uint64_t n = 0; n <= kMaxSize; ++n) {
    const int lookups_before = nodes.lookups();
    ASSERT_OK_AND_ASSIGN(Hash root, RootAt(n, nodes.Fn(n)));
    EXPECT_EQ(root, roots[n]) << "size " << n;
    EXPECT_EQ(nodes.lookups() - lookups_before, std::popcount(n)) << "size " << n;

    for (uint64_t m = 0; m < n; ++m) {
      ASSERT_OK_AND_ASSIGN(std::vector<Hash> path, InclusionProof(m, n, nodes.Fn(n)));
      EXPECT_THAT(path, ElementsAreArray(RefPath(m, nodes.prefix(n)))) << m << " in " << n;
      EXPECT_OK(VerifyInclusion(m, n, LeafHash(nodes.leaves()[m]), path, roots[n]))
          << m << " in " << n;
    }
    for (uint64_t m = 0; m <= n; ++m) {
      ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof, ConsistencyProof(m, n, nodes.Fn(n)));
      const std::vector<Hash> want =
          m == 0 || m == n ? std::vector<Hash>() : RefProof(m, nodes.prefix(n));
      EXPECT_THAT(proof, ElementsAreArray(want)) << m << " to " << n;
      EXPECT_OK(VerifyConsistency(m, n, roots[m], roots[n], proof)) << m << " to " << n;
    }
  }
}

TEST(ProofTest, RejectsBadRequests) {
  ReferenceNodes nodes(NumberedLeaves(8));
  EXPECT_THAT(InclusionProof(8, 8, nodes.Fn(8)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("leaf 8")));
  EXPECT_THAT(InclusionProof(0, 0, nodes.Fn(0)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("size 0")));
  EXPECT_THAT(ConsistencyProof(5, 4, nodes.Fn(4)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("from size 5")));
  ASSERT_OK_AND_ASSIGN(std::vector<Hash> empty, ConsistencyProof(0, 8, nodes.Fn(8)));
  EXPECT_THAT(empty, IsEmpty());
}

TEST(ProofTest, PropagatesNodeErrors) {
  const auto missing = [](int level, uint64_t index) -> absl::StatusOr<Hash> {
    return absl::NotFoundError(absl::StrCat("node ", level, "/", index, " is missing"));
  };
  EXPECT_THAT(RootAt(5, missing), StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing")));
  EXPECT_THAT(InclusionProof(1, 5, missing),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing")));
  EXPECT_THAT(ConsistencyProof(3, 5, missing),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing")));
  EXPECT_THAT(Frontier::FromNodes(5, missing),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing")));
}

// Negative cases for every leaf of every tree up to 64 leaves. Wrong sizes are checked with
// the true root of the claimed size, as a client would take it from a signed checkpoint:
// that rejection is guaranteed (the true path for the other size hashes leaves that the
// given proof does not cover), whereas a wrong size with the *same* root may verify (see
// ProofsDoNotBindTheTreeSize).
TEST(VerifyInclusionTest, RejectsEveryCorruptionUpTo64) {
  constexpr int kMaxSize = 64;
  ReferenceNodes nodes(NumberedLeaves(kMaxSize + 1));
  std::vector<Hash> roots(kMaxSize + 2);
  for (uint64_t n = 0; n <= kMaxSize + 1; ++n) roots[n] = RefMth(nodes.prefix(n));
  const auto data_loss = StatusIs(absl::StatusCode::kDataLoss, HasSubstr("inclusion proof"));

  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    for (uint64_t m = 0; m < n; ++m) {
      SCOPED_TRACE(absl::StrCat("leaf ", m, " in tree of size ", n));
      const Hash leaf = LeafHash(nodes.leaves()[m]);
      ASSERT_OK_AND_ASSIGN(const std::vector<Hash> proof, InclusionProof(m, n, nodes.Fn(n)));
      ASSERT_OK(VerifyInclusion(m, n, leaf, proof, roots[n]));

      EXPECT_THAT(VerifyInclusion(m, n, leaf, proof, FlipBit(roots[n], 0)), data_loss);
      EXPECT_THAT(VerifyInclusion(m, n, leaf, proof, roots[n - 1]), data_loss);
      EXPECT_THAT(VerifyInclusion(m, n, FlipBit(leaf, 255), proof, roots[n]), data_loss);
      EXPECT_THAT(VerifyInclusion(m, n, LeafHash(nodes.leaves()[n]), proof, roots[n]), data_loss);
      if (m + 1 < n) {
        EXPECT_THAT(VerifyInclusion(m + 1, n, leaf, proof, roots[n]), data_loss);
        EXPECT_THAT(VerifyInclusion(m, n - 1, leaf, proof, roots[n - 1]), data_loss);
      }
      if (m > 0) {
        EXPECT_THAT(VerifyInclusion(m - 1, n, leaf, proof, roots[n]), data_loss);
      }
      EXPECT_THAT(VerifyInclusion(m, n + 1, leaf, proof, roots[n + 1]), data_loss);

      for (size_t i = 0; i < proof.size(); ++i) {
        for (int bit : {0, 100, 255}) {
          std::vector<Hash> bad = proof;
          bad[i] = FlipBit(bad[i], bit);
          EXPECT_THAT(VerifyInclusion(m, n, leaf, bad, roots[n]), data_loss)
              << "element " << i << " bit " << bit;
        }
      }
      if (!proof.empty()) {
        const std::vector<Hash> truncated(proof.begin(), proof.end() - 1);
        EXPECT_THAT(VerifyInclusion(m, n, leaf, truncated, roots[n]),
                    StatusIs(absl::StatusCode::kDataLoss, HasSubstr("too short")));
        const std::vector<Hash> without_first(proof.begin() + 1, proof.end());
        EXPECT_THAT(VerifyInclusion(m, n, leaf, without_first, roots[n]), data_loss);
      }
      std::vector<Hash> extended = proof;
      extended.push_back(roots[n]);
      EXPECT_THAT(VerifyInclusion(m, n, leaf, extended, roots[n]),
                  StatusIs(absl::StatusCode::kDataLoss, HasSubstr("too long")));
      std::vector<Hash> prepended = {leaf};
      prepended.insert(prepended.end(), proof.begin(), proof.end());
      EXPECT_THAT(VerifyInclusion(m, n, leaf, prepended, roots[n]), data_loss);

      EXPECT_THAT(VerifyInclusion(n, n, leaf, proof, roots[n]),
                  StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("size")));
      EXPECT_THAT(VerifyInclusion(n + m, n, leaf, proof, roots[n]),
                  StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("size")));
    }
  }
  EXPECT_THAT(VerifyInclusion(0, 0, EmptyRoot(), {}, EmptyRoot()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("size 0")));
}

TEST(VerifyInclusionTest, MessageSaysWhatFailed) {
  ReferenceNodes nodes(NumberedLeaves(7));
  ASSERT_OK_AND_ASSIGN(std::vector<Hash> proof, InclusionProof(3, 7, nodes.Fn(7)));
  EXPECT_THAT(VerifyInclusion(3, 7, LeafHash("other"), proof, RefMth(nodes.prefix(7))),
              StatusIs(absl::StatusCode::kDataLoss,
                       "inclusion proof for leaf 3 in tree of size 7 does not match the root"));
}

TEST(VerifyConsistencyTest, RejectsEveryCorruptionUpTo64) {
  constexpr int kMaxSize = 64;
  ReferenceNodes nodes(NumberedLeaves(kMaxSize + 1));
  std::vector<Hash> roots(kMaxSize + 2);
  for (uint64_t n = 0; n <= kMaxSize + 1; ++n) roots[n] = RefMth(nodes.prefix(n));
  const auto data_loss = StatusIs(absl::StatusCode::kDataLoss, HasSubstr("size"));

  for (uint64_t n = 2; n <= kMaxSize; ++n) {
    for (uint64_t m = 1; m < n; ++m) {
      SCOPED_TRACE(absl::StrCat("from size ", m, " to size ", n));
      ASSERT_OK_AND_ASSIGN(const std::vector<Hash> proof, ConsistencyProof(m, n, nodes.Fn(n)));
      ASSERT_OK(VerifyConsistency(m, n, roots[m], roots[n], proof));

      EXPECT_THAT(VerifyConsistency(m, n, FlipBit(roots[m], 7), roots[n], proof), data_loss);
      EXPECT_THAT(VerifyConsistency(m, n, roots[m], FlipBit(roots[n], 7), proof), data_loss);
      EXPECT_THAT(VerifyConsistency(m, n, roots[n], roots[m], proof), data_loss);
      EXPECT_THAT(VerifyConsistency(m, n, roots[m], roots[n], {}), data_loss);
      // Other sizes, with their true roots.
      EXPECT_THAT(VerifyConsistency(m, n + 1, roots[m], roots[n + 1], proof), data_loss);
      EXPECT_THAT(VerifyConsistency(m, n - 1, roots[m], roots[n - 1], proof), data_loss);
      EXPECT_THAT(VerifyConsistency(m + 1, n, roots[m + 1], roots[n], proof), data_loss);
      EXPECT_THAT(VerifyConsistency(m - 1, n, roots[m - 1], roots[n], proof), data_loss);

      for (size_t i = 0; i < proof.size(); ++i) {
        for (int bit : {0, 100, 255}) {
          std::vector<Hash> bad = proof;
          bad[i] = FlipBit(bad[i], bit);
          EXPECT_THAT(VerifyConsistency(m, n, roots[m], roots[n], bad), data_loss)
              << "element " << i << " bit " << bit;
        }
      }
      const std::vector<Hash> truncated(proof.begin(), proof.end() - 1);
      EXPECT_THAT(VerifyConsistency(m, n, roots[m], roots[n], truncated),
                  StatusIs(absl::StatusCode::kDataLoss,
                           HasSubstr(truncated.empty() ? "is empty" : "too short")));
      for (const Hash& extra : {roots[m], roots[n], proof[0]}) {
        std::vector<Hash> extended = proof;
        extended.push_back(extra);
        EXPECT_THAT(VerifyConsistency(m, n, roots[m], roots[n], extended),
                    StatusIs(absl::StatusCode::kDataLoss, HasSubstr("too long")));
        std::vector<Hash> prepended = {extra};
        prepended.insert(prepended.end(), proof.begin(), proof.end());
        EXPECT_THAT(VerifyConsistency(m, n, roots[m], roots[n], prepended), data_loss);
      }

      EXPECT_THAT(VerifyConsistency(n, m, roots[n], roots[m], proof),
                  StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("larger")));
    }
  }
}

TEST(VerifyConsistencyTest, TrivialSizes) {
  const Hash root = LeafHash("x");
  // Any tree extends the empty tree, with an empty proof.
  EXPECT_OK(VerifyConsistency(0, 0, EmptyRoot(), EmptyRoot(), {}));
  EXPECT_OK(VerifyConsistency(0, 1, EmptyRoot(), root, {}));
  EXPECT_THAT(VerifyConsistency(0, 1, EmptyRoot(), root, {root}),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("must be empty")));
  // Equal sizes need equal roots and an empty proof.
  EXPECT_OK(VerifyConsistency(1, 1, root, root, {}));
  EXPECT_THAT(VerifyConsistency(1, 1, root, EmptyRoot(), {}),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("different roots")));
  EXPECT_THAT(VerifyConsistency(1, 1, root, root, {root}),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("must be empty")));
  EXPECT_THAT(VerifyConsistency(2, 1, root, root, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("larger")));
  EXPECT_THAT(VerifyConsistency(1, 2, root, root, {}),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("is empty")));
}

// The pitfall documented in merkle.h: neither proof binds the new tree size. A proof for a
// tree of size 3 also verifies as a proof for size 4 *with the root of size 3*, so a client
// must take each (size, root) pair from one signed checkpoint.
TEST(VerifyTest, ProofsDoNotBindTheTreeSize) {
  ReferenceNodes nodes(NumberedLeaves(4));
  const Hash root2 = RefMth(nodes.prefix(2));
  const Hash root3 = RefMth(nodes.prefix(3));
  ASSERT_OK_AND_ASSIGN(std::vector<Hash> inclusion, InclusionProof(0, 3, nodes.Fn(3)));
  EXPECT_OK(VerifyInclusion(0, 4, LeafHash(nodes.leaves()[0]), inclusion, root3));
  ASSERT_OK_AND_ASSIGN(std::vector<Hash> consistency, ConsistencyProof(2, 3, nodes.Fn(3)));
  EXPECT_OK(VerifyConsistency(2, 4, root2, root3, consistency));
  // With the true root of size 4 both are rejected.
  const Hash root4 = RefMth(nodes.prefix(4));
  EXPECT_THAT(VerifyInclusion(0, 4, LeafHash(nodes.leaves()[0]), inclusion, root4),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("does not match")));
  EXPECT_THAT(VerifyConsistency(2, 4, root2, root4, consistency),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("does not match")));
}

TEST(FrontierTest, EmptyFrontier) {
  Frontier frontier;
  EXPECT_EQ(frontier.size(), 0);
  EXPECT_EQ(frontier.Root(), EmptyRoot());
  EXPECT_EQ(frontier.Serialize(), std::string(8, '\0'));
  ASSERT_OK_AND_ASSIGN(Frontier parsed, Frontier::Parse(std::string(8, '\0')));
  EXPECT_EQ(parsed.size(), 0);
  EXPECT_EQ(parsed.Root(), EmptyRoot());
}

// Appending leaf by leaf gives the reference root at every size, and the callbacks report
// each perfect node exactly once, bottom-up, as soon as it is complete.
TEST(FrontierTest, AppendMatchesReferenceAndReportsEveryPerfectNode) {
  constexpr int kMaxSize = 130;
  ReferenceNodes nodes(NumberedLeaves(kMaxSize));
  Frontier frontier;
  std::map<std::pair<int, uint64_t>, Hash> reported;
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    const uint64_t leaf_index = n - 1;
    std::vector<std::pair<int, uint64_t>> order;
    frontier.Append(LeafHash(nodes.leaves()[leaf_index]),
                    [&](int level, uint64_t index, const Hash& hash) {
                      order.emplace_back(level, index);
                      EXPECT_TRUE(reported.emplace(std::make_pair(level, index), hash).second)
                          << "node (" << level << ", " << index << ") reported twice";
                    });
    // This append completes exactly the nodes whose last leaf is leaf_index: one per
    // trailing set bit of leaf_index, plus the leaf itself.
    ASSERT_EQ(order.size(), 1 + std::countr_one(leaf_index)) << "size " << n;
    for (size_t i = 0; i < order.size(); ++i) {
      EXPECT_EQ(order[i].first, static_cast<int>(i));
      EXPECT_EQ(order[i].second, leaf_index >> i);
    }
    EXPECT_EQ(frontier.size(), n);
    EXPECT_EQ(frontier.Root(), RefMth(nodes.prefix(n))) << "size " << n;
  }
  EXPECT_EQ(reported, nodes.all());
}

TEST(FrontierTest, SerializeParseAndFromNodesRoundTrip) {
  constexpr int kMaxSize = 70;
  ReferenceNodes nodes(NumberedLeaves(kMaxSize + 1));
  Frontier frontier;
  for (uint64_t n = 0; n <= kMaxSize; ++n) {
    SCOPED_TRACE(absl::StrCat("size ", n));
    const std::string bytes = frontier.Serialize();
    EXPECT_EQ(bytes.size(), 8 + 32 * std::popcount(n));
    ASSERT_OK_AND_ASSIGN(Frontier parsed, Frontier::Parse(bytes));
    EXPECT_EQ(parsed.size(), n);
    EXPECT_EQ(parsed.Root(), frontier.Root());
    EXPECT_EQ(parsed.Serialize(), bytes);
    ASSERT_OK_AND_ASSIGN(Frontier rebuilt, Frontier::FromNodes(n, nodes.Fn(n)));
    EXPECT_EQ(rebuilt.Serialize(), bytes);

    // Both continue exactly like the original.
    const Hash next = LeafHash(nodes.leaves()[n]);
    frontier.Append(next, [](int, uint64_t, const Hash&) {});
    parsed.Append(next, [](int, uint64_t, const Hash&) {});
    rebuilt.Append(next, [](int, uint64_t, const Hash&) {});
    EXPECT_EQ(parsed.Serialize(), frontier.Serialize());
    EXPECT_EQ(rebuilt.Serialize(), frontier.Serialize());
  }
}

TEST(FrontierTest, SerializeIsBigEndianSizeThenLargestSubtreeFirst) {
  ReferenceNodes nodes(NumberedLeaves(6));
  Frontier frontier;
  for (const std::string& leaf : nodes.leaves()) {
    frontier.Append(LeafHash(leaf), [](int, uint64_t, const Hash&) {});
  }
  EXPECT_EQ(frontier.Serialize(),
            absl::StrCat(std::string(7, '\0'), "\x06", Bytes(nodes.all().at({2, 0})),
                         Bytes(nodes.all().at({1, 2}))));
}

TEST(FrontierTest, ParseRejectsWrongLengths) {
  const std::string hash = Bytes(LeafHash("x"));
  const std::string size3 = std::string(7, '\0') + "\x03";
  const std::string size_max(8, '\xff');
  std::string all_64;
  for (int i = 0; i < 64; ++i) all_64 += hash;
  for (const std::string& bad :
       {std::string(), std::string(7, '\0'), std::string(8, '\0') + hash, size3, size3 + hash,
        size3 + hash + hash + hash, size3 + hash + hash + "x", size3 + hash + hash.substr(1),
        size_max + all_64.substr(32)}) {
    EXPECT_THAT(Frontier::Parse(bad), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("frontier")))
        << bad.size() << " bytes";
  }
  ASSERT_OK_AND_ASSIGN(Frontier size3_frontier, Frontier::Parse(size3 + hash + hash));
  EXPECT_EQ(size3_frontier.size(), 3);
  EXPECT_EQ(size3_frontier.Root(), NodeHash(LeafHash("x"), LeafHash("x")));
  ASSERT_OK_AND_ASSIGN(Frontier full, Frontier::Parse(size_max + all_64));
  EXPECT_EQ(full.size(), UINT64_MAX);
}

}  // namespace
}  // namespace ctg::tlog
