// The audit retention rule (CheckPruneAllowed) and the export form of an
// audit record (AuditRecordJson), parsed back with a real JSON parser.
#include "tenant/audit_retention.h"

#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace dnc::tenant {
namespace {

using ::testing::HasSubstr;

absl::Time Day(int y, int m, int d) {
  return absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone());
}

TEST(CheckPruneAllowedTest, RefusesAnythingYoungerThanTheRetention) {
  const absl::Time now = Day(2026, 12, 2) + absl::Hours(6);
  // 1827 days before 2026-12-02 06:00 is 2021-12-01 06:00.
  EXPECT_TRUE(CheckPruneAllowed(Day(2021, 12, 1), now, false).ok());
  EXPECT_TRUE(CheckPruneAllowed(Day(2019, 1, 1), now, false).ok());
  EXPECT_TRUE(
      CheckPruneAllowed(Day(2021, 12, 1) + absl::Hours(6), now, false).ok());
  for (const absl::Time before :
       {Day(2021, 12, 2), Day(2021, 12, 1) + absl::Hours(6) + absl::Seconds(1),
        Day(2026, 12, 1), Day(2030, 1, 1)}) {
    const absl::Status refused = CheckPruneAllowed(before, now, false);
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition)
        << absl::FormatTime(before);
    EXPECT_THAT(refused.message(), HasSubstr("1827 days"));
    EXPECT_THAT(refused.message(), HasSubstr("2021-12-01"));
    EXPECT_TRUE(CheckPruneAllowed(before, now, true).ok());
  }
  EXPECT_THAT(CheckPruneAllowed(Day(2025, 1, 1), now, false).message(),
              HasSubstr("before 2025-01-01:"));
  // Never less than five calendar years, whatever the leap days between.
  for (absl::CivilDay day(2024, 1, 1); day < absl::CivilDay(2034, 1, 1);
       ++day) {
    const absl::CivilDay five_years_ago(day.year() - 5, day.month(), day.day());
    EXPECT_LE(absl::FromCivil(day, absl::UTCTimeZone()) -
                  absl::Hours(24) * kAuditRetentionDays,
              absl::FromCivil(five_years_ago, absl::UTCTimeZone()))
        << day;
  }
}

TEST(AuditRecordJsonTest, EveryFieldRoundTripsThroughAJsonParser) {
  AuditRecord record;
  record.audit_id = "20261202T060821123456Z-7";
  record.job_id = "job \"1\"\\ \n\t\x01 end";
  record.request_id = std::string("r\xc3\xa9q\xe2\x82\xac", 7);  // "réq€".
  record.method = "Scrub";
  record.time = Day(2026, 12, 2) + absl::Microseconds(123456);
  record.sequence = 3;
  record.purpose = policy::Purpose::kCharity;
  record.numbers = 10;
  record.counts = {0, 6, 2, 0, 1, 0, 0, 0, 1, 5};
  record.snapshots = {"us-ftc 12 2026-11-20 US", "ca-dncl 3 2026-11-01 CA"};
  record.numbers_sha256 = std::string(64, 'a');
  record.answers_sha256 = std::string(64, 'b');
  record.entitlements = "us-ftc:all; ca-dncl:416,647";

  const std::string line = AuditRecordJson(record, "acme");
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const nlohmann::json json = nlohmann::json::parse(line);
  EXPECT_EQ(json["tenant"], "acme");
  EXPECT_EQ(json["audit_id"], record.audit_id);
  EXPECT_EQ(json["job_id"], record.job_id);
  EXPECT_EQ(json["request_id"], record.request_id);
  EXPECT_EQ(json["method"], "Scrub");
  EXPECT_EQ(json["time"], "2026-12-02T00:00:00.123456Z");
  EXPECT_EQ(json["sequence"], 3);
  EXPECT_EQ(json["purpose"], "charity");
  EXPECT_EQ(json["numbers"], 10);
  EXPECT_EQ(json["counts"]["DISPOSITION_UNSPECIFIED"], 0);
  EXPECT_EQ(json["counts"]["CALLABLE"], 6);
  EXPECT_EQ(json["counts"]["BLOCKED"], 2);
  EXPECT_EQ(json["counts"]["INTERNAL"], 1);
  EXPECT_EQ(json["counts"]["MALFORMED"], 1);
  EXPECT_EQ(json["counts"]["DISPOSITION_9"], 5);
  EXPECT_EQ(json["counts"].size(), 10u);
  EXPECT_EQ(json["snapshots"],
            nlohmann::json::array(
                {"us-ftc 12 2026-11-20 US", "ca-dncl 3 2026-11-01 CA"}));
  EXPECT_EQ(json["numbers_sha256"], record.numbers_sha256);
  EXPECT_EQ(json["answers_sha256"], record.answers_sha256);
  EXPECT_EQ(json["entitlements"], record.entitlements);
  EXPECT_EQ(json.size(), 14u);
}

TEST(AuditRecordJsonTest, EscapesAndReplacesBytesThatAreNotUtf8) {
  EXPECT_EQ(JsonString("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
  EXPECT_EQ(JsonString(std::string("\x00\x1f\x7f\b\f\r", 6)),
            "\"\\u0000\\u001f\\u007f\\b\\f\\r\"");
  // Valid multi-byte sequences pass through; a lone continuation byte, a
  // truncated sequence, an overlong form and a surrogate become U+FFFD.
  EXPECT_EQ(JsonString("\xf0\x9f\x93\x9e"), "\"\xf0\x9f\x93\x9e\"");
  EXPECT_EQ(JsonString("a\x80z"), "\"a\xef\xbf\xbdz\"");
  EXPECT_EQ(JsonString("\xe2\x82"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
  EXPECT_EQ(JsonString("\xc0\xaf"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
  EXPECT_EQ(JsonString("\xed\xa0\x80"),
            "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
  // Every byte value, in any order, gives a line a strict parser accepts.
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  all += all;
  AuditRecord record;
  record.job_id = all;
  record.request_id = std::string(all.rbegin(), all.rend());
  const nlohmann::json json =
      nlohmann::json::parse(AuditRecordJson(record, "t"));
  EXPECT_EQ(json["job_id"].get<std::string>().substr(0, 0x7f),
            all.substr(0, 0x7f));
}

}  // namespace
}  // namespace dnc::tenant
