#include "common/sha256.h"

#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/testing/scratch_dir.h"

namespace dnc {
namespace {

// FIPS 180-2 appendix B / NIST CSRC example vectors.
constexpr char kAbc[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr char kEmpty[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char k448Bit[] =
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
constexpr char k448BitMessage[] =
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
constexpr char kMillionA[] =
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

TEST(Sha256Test, MatchesTheFipsVectors) {
  EXPECT_EQ(Sha256Hex("abc"), kAbc);
  EXPECT_EQ(Sha256Hex(""), kEmpty);
  EXPECT_EQ(Sha256Hex(k448BitMessage), k448Bit);
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')), kMillionA);
}

TEST(Sha256Test, IncrementalUpdatesEqualOneShot) {
  Sha256 hasher;
  // A million 'a's in uneven pieces.
  size_t done = 0;
  for (size_t piece = 1; done < 1000000; piece = piece * 3 % 9973 + 1) {
    const size_t n = std::min(piece, 1000000 - done);
    hasher.Update(std::string(n, 'a'));
    done += n;
  }
  EXPECT_EQ(hasher.HexDigest(), kMillionA);
}

TEST(Sha256Test, DigestStartsANewMessage) {
  Sha256 hasher;
  hasher.Update("ab");
  hasher.Update("c");
  EXPECT_EQ(hasher.HexDigest(), kAbc);
  EXPECT_EQ(hasher.HexDigest(), kEmpty);
  hasher.Update("abc");
  EXPECT_EQ(HexOfDigest(hasher.Digest()), kAbc);
}

TEST(Sha256Test, HashesAFileLikeItsContents) {
  test::ScratchDir dir;
  const std::string path = dir.Path("data.bin");
  std::string contents;
  for (int i = 0; i < 3000000; ++i) contents += static_cast<char>(i * 7 % 256);
  {
    std::ofstream out(path, std::ios::binary);
    out << contents;
  }
  absl::StatusOr<std::string> digest = Sha256OfFile(path);
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(*digest, Sha256Hex(contents));

  const std::string empty = dir.Path("empty");
  { std::ofstream out(empty); }
  EXPECT_EQ(Sha256OfFile(empty).value(), kEmpty);
}

TEST(Sha256Test, MissingFileIsNotFoundNamingThePath) {
  test::ScratchDir dir;
  absl::StatusOr<std::string> digest = Sha256OfFile(dir.Path("nope"));
  ASSERT_EQ(digest.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(digest.status().message().find(dir.Path("nope")),
            std::string::npos);
}

}  // namespace
}  // namespace dnc
