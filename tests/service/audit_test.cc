// The audit hashes against values computed independently (Python's hashlib
// over the byte layouts service/audit.h documents), including empty batches.
#include "service/audit.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace dnc::service {
namespace {

constexpr char kSha256OfNothing[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(AuditHashTest, AnswersOfTheDocumentedExample) {
  const std::vector<uint64_t> e164 = {12022345678ULL, 0};
  const std::vector<Disposition> dispositions = {Disposition::kBlocked,
                                                 Disposition::kMalformed};
  EXPECT_EQ(AnswersSha256(e164, dispositions),
            "9e154aee86f9548096cc65d62245e0be9d790d8b2cf9293a09669479d75d0192");
}

// Empty spans have a null data(); hashing them must not hand memcpy a null
// pointer (undefined even for 0 bytes: UBSan's nonnull-attribute check).
TEST(AuditHashTest, AnswersOfAnEmptyBatchHashNothing) {
  EXPECT_EQ(AnswersSha256({}, {}), kSha256OfNothing);
}

TEST(AuditHashTest, NumbersOfAnEmptyScrubRequestAreTwoZeroCounts) {
  EXPECT_EQ(NumbersSha256({}, {}),
            "af5570f5a1810b7af78caf4bc70a660f0df51e42baf91d4de5b2328de0e83dfc");
}

TEST(AuditHashTest, AnEmptyRawEntryIsItsZeroLength) {
  const std::string_view raw[] = {""};
  // u32 0 e164 entries, u32 1 raw entry, u32 length 0.
  EXPECT_EQ(NumbersSha256({}, raw),
            "31190090408f837aa1dc44bf75404af354a0e5d5c965f1d407a97dd627554da5");
}

}  // namespace
}  // namespace dnc::service
