// The tenant store's stored bytes (tenant/record_codec.h, tenant/store_keys.h)
// against the layout those headers document, byte for byte, so that a
// change to the code cannot change what is on disk unnoticed.
#include "tenant/record_codec.h"

#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tenant/store_keys.h"

namespace dnc::tenant {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(RecordCodecTest, OptOutIsVersionZigzagDayAndNote) {
  // v1, s 20600 (zigzag 41200 = 0xf0 0xc1 0x02), str "ab".
  const std::string value = EncodeOptOut(20600, "ab");
  EXPECT_EQ(value, Bytes({1, 0xf0, 0xc1, 0x02, 2, 'a', 'b'}));
  OptOut decoded;
  ASSERT_TRUE(DecodeOptOut(value, &decoded));
  EXPECT_EQ(decoded.added, 20600);
  EXPECT_EQ(decoded.note, "ab");
}

TEST(RecordCodecTest, ConsentWritesVersionTwoAndReadsVersionOne) {
  StoredConsent consent;
  consent.type = policy::ConsentType::kWritten;
  consent.date = -1;  // Zigzag 1.
  consent.revoked = 0;
  consent.note = "n";
  const std::string value = EncodeConsent(consent);
  EXPECT_EQ(value, Bytes({2, 3, 1, 1, 0, 1, 'n'}));
  StoredConsent decoded;
  ASSERT_TRUE(DecodeConsent(value, &decoded));
  EXPECT_EQ(decoded.type, policy::ConsentType::kWritten);
  EXPECT_EQ(decoded.date, -1);
  EXPECT_EQ(decoded.revoked, 0);
  EXPECT_EQ(decoded.note, "n");

  consent.revoked.reset();
  EXPECT_EQ(EncodeConsent(consent), Bytes({2, 3, 1, 0, 1, 'n'}));

  // v1: b type, s date, s revoked (0 = in force), str note.
  ASSERT_TRUE(DecodeConsent(Bytes({1, 1, 4, 0, 0}), &decoded));
  EXPECT_EQ(decoded.type, policy::ConsentType::kPurchase);
  EXPECT_EQ(decoded.date, 2);
  EXPECT_EQ(decoded.revoked, std::nullopt);
  ASSERT_TRUE(DecodeConsent(Bytes({1, 2, 4, 6, 0}), &decoded));
  EXPECT_EQ(decoded.revoked, 3);
}

TEST(RecordCodecTest, DamagedValuesDoNotDecode) {
  StoredConsent consent;
  EXPECT_FALSE(DecodeConsent("", &consent));
  EXPECT_FALSE(DecodeConsent(Bytes({3, 1, 0, 0, 0}), &consent));     // Version.
  EXPECT_FALSE(DecodeConsent(Bytes({2, 4, 0, 0, 0}), &consent));     // Type.
  EXPECT_FALSE(DecodeConsent(Bytes({2, 1, 0, 2, 0}), &consent));     // Flag.
  EXPECT_FALSE(DecodeConsent(Bytes({2, 1, 0, 0, 0, 0}), &consent));  // Extra.
  EXPECT_FALSE(DecodeConsent(Bytes({2, 1, 0, 0, 3, 'a'}), &consent));  // Short.
  OptOut opt_out;
  EXPECT_FALSE(DecodeOptOut(Bytes({2, 0, 0}), &opt_out));  // Version.
  // A day outside int32.
  EXPECT_FALSE(
      DecodeOptOut(Bytes({1, 0x80, 0x80, 0x80, 0x80, 0x10, 0}), &opt_out));
}

TEST(RecordCodecTest, JobFilesAreStringsThenRowCounts) {
  JobFiles files;
  files.input_name = "a";
  files.output_name = "b";
  files.input_rows = 5;
  files.output_rows = 128;
  const std::string value = EncodeJobFiles(files);
  EXPECT_EQ(value, Bytes({1, 1, 'a', 0, 1, 'b', 0, 5, 0x80, 0x01}));
  JobFiles decoded;
  ASSERT_TRUE(DecodeJobFiles(value, &decoded));
  EXPECT_EQ(decoded.input_name, "a");
  EXPECT_EQ(decoded.input_sha256, "");
  EXPECT_EQ(decoded.output_name, "b");
  EXPECT_EQ(decoded.input_rows, 5u);
  EXPECT_EQ(decoded.output_rows, 128u);
  EXPECT_FALSE(DecodeJobFiles(value.substr(0, value.size() - 1), &decoded));
}

TEST(RecordCodecTest, ApiKeyAndConfigRoundTrip) {
  const ApiKeyRecord key{"acme", "ci", -3, 7};
  const std::string value = EncodeApiKey(key);
  EXPECT_EQ(value, Bytes({1, 4, 'a', 'c', 'm', 'e', 2, 'c', 'i', 5, 14}));
  ApiKeyRecord decoded;
  ASSERT_TRUE(DecodeApiKey(value, &decoded));
  EXPECT_EQ(decoded.tenant, "acme");
  EXPECT_EQ(decoded.label, "ci");
  EXPECT_EQ(decoded.created_micros, -3);
  EXPECT_EQ(decoded.revoked_micros, 7);

  TenantConfig config;
  config.default_purpose = policy::Purpose::kSurvey;
  config.entitlements = ParseEntitlements("us-ftc:212").value();
  config.limits = {300, 1000};
  const std::string config_value = EncodeConfig(config, 1);
  const std::string text = "us-ftc:212";
  // v2: b purpose, str entitlements, s created, u 300 (0xac 0x02),
  // u 1000 (0xe8 0x07).
  EXPECT_EQ(config_value, Bytes({2, 4, static_cast<int>(text.size())}) + text +
                              Bytes({2, 0xac, 0x02, 0xe8, 0x07}));
  TenantConfig read;
  int64_t created = 0;
  ASSERT_TRUE(DecodeConfig(config_value, &read, &created));
  EXPECT_EQ(read.default_purpose, policy::Purpose::kSurvey);
  EXPECT_EQ(FormatEntitlements(read.entitlements), "us-ftc:212");
  EXPECT_EQ(created, 1);
  EXPECT_EQ(read.limits.requests_per_second, 300u);
  EXPECT_EQ(read.limits.numbers_per_day, 1000u);
  // A v1 record, as the version before limits wrote it, reads as no limits.
  read.limits = {5, 5};
  ASSERT_TRUE(DecodeConfig(
      Bytes({1, 4, static_cast<int>(text.size())}) + text + Bytes({2}), &read,
      &created));
  EXPECT_EQ(read.default_purpose, policy::Purpose::kSurvey);
  EXPECT_EQ(FormatEntitlements(read.entitlements), "us-ftc:212");
  EXPECT_EQ(read.limits.requests_per_second, 0u);
  EXPECT_EQ(read.limits.numbers_per_day, 0u);
  // v1 with limits, v2 without them, and a rate over 32 bits do not read.
  EXPECT_FALSE(DecodeConfig(Bytes({1, 4, 0, 2, 1, 1}), &read, &created));
  EXPECT_FALSE(DecodeConfig(Bytes({2, 4, 0, 2}), &read, &created));
  EXPECT_FALSE(DecodeConfig(
      Bytes({2, 4, 0, 2, 0x80, 0x80, 0x80, 0x80, 0x10, 0}), &read, &created));
  // Entitlements that no longer parse make the record unreadable.
  EXPECT_FALSE(
      DecodeConfig(Bytes({1, 4, 3, 'b', 'a', 'd', 2}), &read, &created));
}

TEST(RecordCodecTest, AuditRoundTripsEveryField) {
  AuditRecord record;
  record.audit_id = "id";
  record.job_id = "job";
  record.request_id = "req";
  record.method = "Scrub";
  record.time = absl::FromUnixMicros(1234567);
  record.sequence = 9;
  record.purpose = policy::Purpose::kCharity;
  record.numbers = 300;
  record.counts = {1, 2, 3};
  record.snapshots = {"us-ftc 7 2026-05-01 US", "x"};
  record.numbers_sha256 = "n";
  record.answers_sha256 = "a";
  record.entitlements = "us-ftc:all";
  const std::string value = EncodeAudit(record);
  AuditRecord decoded;
  ASSERT_TRUE(DecodeAudit(value, &decoded));
  EXPECT_EQ(decoded.audit_id, "id");
  EXPECT_EQ(decoded.job_id, "job");
  EXPECT_EQ(decoded.request_id, "req");
  EXPECT_EQ(decoded.method, "Scrub");
  EXPECT_EQ(decoded.time, record.time);
  EXPECT_EQ(decoded.sequence, 9u);
  EXPECT_EQ(decoded.purpose, policy::Purpose::kCharity);
  EXPECT_EQ(decoded.numbers, 300u);
  EXPECT_EQ(decoded.counts, record.counts);
  EXPECT_EQ(decoded.snapshots, record.snapshots);
  EXPECT_EQ(decoded.numbers_sha256, "n");
  EXPECT_EQ(decoded.answers_sha256, "a");
  EXPECT_EQ(decoded.entitlements, "us-ftc:all");
  EXPECT_FALSE(DecodeAudit(value + "x", &decoded));
  // The same prefix with more counts than bytes left.
  AuditRecord empty;
  std::string short_value = EncodeAudit(empty);
  short_value.resize(short_value.size() - 4);  // Cut after the counts' count.
  short_value.back() = 100;
  EXPECT_FALSE(DecodeAudit(short_value, &decoded));
}

// ---- Keys
// --------------------------------------------------------------------

TEST(StoreKeysTest, KeysFollowTheDocumentedLayout) {
  EXPECT_EQ(ConfigKey("acme"), "t/acme/cfg");
  EXPECT_EQ(OptOutKey("acme", 0x0102030405060708),
            "t/acme/o/" + Bytes({1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(
      ConsentKey("acme", 1, 2),
      "t/acme/c/" + Bytes({0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2}));
  EXPECT_EQ(AuditKey("a", "j", 1, absl::FromUnixMicros(0), 2),
            "t/a/a/" + Bytes({0,    1, 'j',                 // job
                              0,    0, 0,   0, 0, 0, 0, 1,  // sequence
                              0x80, 0, 0,   0, 0, 0, 0, 0,  // time
                              0,    0, 0,   0, 0, 0, 0, 2}));
  EXPECT_EQ(AuditPrefix("a", "j"), "t/a/a/" + Bytes({0, 1, 'j'}));
  EXPECT_EQ(JobFilesKey("a", "j"), "t/a/f/" + Bytes({0, 1, 'j'}));
  Sha256Digest digest{};
  digest[0] = 'z';
  EXPECT_EQ(ApiKeyKey(digest), "k/z" + std::string(31, '\0'));
}

TEST(StoreKeysTest, ParseKeyNamesEveryKindAndRefusesOthers) {
  ParsedKey parsed;
  ASSERT_TRUE(ParseKey(kFormatKey, &parsed));
  EXPECT_EQ(parsed.kind, ParsedKey::Kind::kFormat);
  Sha256Digest digest{};
  digest[31] = 9;
  ASSERT_TRUE(ParseKey(ApiKeyKey(digest), &parsed));
  EXPECT_EQ(parsed.kind, ParsedKey::Kind::kApiKey);
  EXPECT_EQ(parsed.digest, digest);
  const std::string config = ConfigKey("acme");
  ASSERT_TRUE(ParseKey(config, &parsed));
  EXPECT_EQ(parsed.kind, ParsedKey::Kind::kConfig);
  EXPECT_EQ(parsed.tenant, "acme");
  const std::string consent = ConsentKey("b.c", 12025550100, 7);
  ASSERT_TRUE(ParseKey(consent, &parsed));
  EXPECT_EQ(parsed.kind, ParsedKey::Kind::kConsent);
  EXPECT_EQ(parsed.tenant, "b.c");
  EXPECT_EQ(parsed.e164, 12025550100u);
  EXPECT_EQ(parsed.seq, 7u);
  const std::string opt_out = OptOutKey("acme", 12025550101);
  ASSERT_TRUE(ParseKey(opt_out, &parsed));
  EXPECT_EQ(parsed.kind, ParsedKey::Kind::kOptOut);
  EXPECT_EQ(parsed.e164, 12025550101u);
  const std::string audit = AuditPrefix("acme", "job");
  ASSERT_TRUE(ParseKey(audit, &parsed));
  EXPECT_EQ(parsed.kind, ParsedKey::Kind::kAudit);
  EXPECT_EQ(EndOfRange("acme", parsed.kind), "t/acme/a0");
  const std::string index =
      AuditIndexKey("acme", "job", 3, absl::FromUnixMicros(-1), 9);
  // i/, the time (-1 with the sign bit flipped: 0x7fff...ff), the job, the
  // sequence and the counter.
  EXPECT_EQ(index, "t/acme/i/" + Bytes({0x7f, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0, 3, 'j', 'o', 'b', 0,
                                        0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0,
                                        0, 0, 9}));
  ASSERT_TRUE(ParseKey(index, &parsed));
  EXPECT_EQ(parsed.kind, ParsedKey::Kind::kAuditIndex);
  EXPECT_EQ(EndOfRange("acme", parsed.kind), "t/acme/i0");
  EXPECT_LT(AuditIndexSeek("acme", absl::FromUnixMicros(-2)), index);
  EXPECT_LT(index, AuditIndexSeek("acme", absl::FromUnixMicros(0)));
  AuditKeyParts parts;
  ASSERT_TRUE(ParseAuditIndexKey(index, TenantPrefix("acme"), &parts));
  EXPECT_EQ(parts.job_id, "job");
  EXPECT_EQ(parts.sequence, 3u);
  EXPECT_EQ(parts.time, absl::FromUnixMicros(-1));
  EXPECT_EQ(parts.counter, 9u);
  const std::string audit_key =
      AuditKey("acme", "job", 3, absl::FromUnixMicros(-1), 9);
  AuditKeyParts audit_parts;
  ASSERT_TRUE(ParseAuditKey(audit_key, TenantPrefix("acme"), &audit_parts));
  EXPECT_EQ(audit_parts.job_id, "job");
  EXPECT_EQ(audit_parts.sequence, 3u);
  EXPECT_EQ(audit_parts.time, absl::FromUnixMicros(-1));
  EXPECT_EQ(audit_parts.counter, 9u);
  EXPECT_FALSE(ParseAuditKey(index, TenantPrefix("acme"), &parts));
  EXPECT_FALSE(ParseAuditIndexKey(audit_key, TenantPrefix("acme"), &parts));
  EXPECT_FALSE(ParseAuditIndexKey(index, TenantPrefix("acm"), &parts));
  EXPECT_FALSE(ParseAuditIndexKey(index.substr(0, index.size() - 1),
                                  TenantPrefix("acme"), &parts));
  EXPECT_EQ(EndOfTenant("acme"), "t/acme0");
  const std::string files = JobFilesKey("acme", "job");
  ASSERT_TRUE(ParseKey(files, &parsed));
  EXPECT_EQ(parsed.kind, ParsedKey::Kind::kJobFiles);
  EXPECT_EQ(EndOfRange("acme", parsed.kind), "t/acme/f0");

  for (const std::string bad :
       {"", "x", "m/other", "k/short", "t/acme", "t//cfg", "t/Acme/cfg",
        "t/acme/zz", "t/acme/o/123", "t/acme/c/123456781234567"}) {
    EXPECT_FALSE(ParseKey(bad, &parsed)) << PrintableKey(bad);
  }
  EXPECT_EQ(PrintableKey("a\\b" + Bytes({0, 0x7f})), "a\\x5cb\\x00\\x7f");
}

}  // namespace
}  // namespace dnc::tenant
