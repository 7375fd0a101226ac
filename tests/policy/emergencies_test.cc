// Declared emergencies: the CSV file's parser (bounded errors naming file,
// line, field and value; valid rows kept), which area codes a declaration
// covers, and a number's window around a declaration's start and end, to
// the second.
#include "policy/emergencies.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/nanp_regions.h"
#include "gtest/gtest.h"
#include "policy/policy.h"

namespace dnc::policy {
namespace {

constexpr char kHeader[] =
    "id,jurisdiction,area_codes,zip_prefixes,start,end,source\n";

absl::Time Utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

EmergencyTable Parse(const std::string& rows) {
  auto table = ParseEmergencies("em.csv", absl::StrCat(kHeader, rows));
  EXPECT_TRUE(table.ok()) << table.status();
  return table.ok() ? *std::move(table) : EmergencyTable();
}

// The window of `e164` with the declarations of `table` covering it.
CallingWindow WindowWith(const EmergencyTable& table, uint64_t e164,
                         absl::Time now) {
  std::vector<const Emergency*> rows;
  for (uint16_t i : table.RowsOfNpa(NanpAreaCode(e164))) {
    rows.push_back(&table.rows[i]);
  }
  return EvaluateWindow(WindowKeyOf(e164), now, rows);
}

TEST(Emergencies, ParsesRowsAndTheirArea) {
  const EmergencyTable table = Parse(
      "# Hurricane declarations\n"
      "fl-2026-ian,US-FL,239 941,,2026-09-28T12:00:00-04:00,"
      "2026-10-12T18:00:00-04:00,\"Fla. Governor EO 26-210, per FDEM\"\n"
      "\n"
      "fl-2026-zip,us-fl,,339;341,2026-09-28,2026-10-12,FDEM notice\n"
      "tx-open,US-TX,214,,2026-08-01T00:00:00Z,,Tex. Governor proclamation\n");
  ASSERT_EQ(table.rows.size(), 3u) << absl::StrJoin(table.errors, "\n");
  EXPECT_EQ(table.rejected, 0u);
  const Emergency& ian = table.rows[0];
  EXPECT_EQ(ian.id, "fl-2026-ian");
  EXPECT_EQ(ian.line, 3);
  EXPECT_EQ(ian.source, "Fla. Governor EO 26-210, per FDEM");
  EXPECT_EQ(ian.area_codes, (std::vector<int>{239, 941}));
  EXPECT_EQ(table.rows[1].jurisdiction, "US-FL");
  // Area codes: the listed ones; a ZIP-only row covers every area code of
  // its jurisdiction (numbers carry no postal code).
  EXPECT_EQ(table.RowsOfNpa(239).size(), 2u);  // ian and the ZIP row.
  EXPECT_EQ(table.RowsOfNpa(305).size(), 1u);  // The ZIP row only.
  EXPECT_EQ(table.RowsOfNpa(850).size(), 1u);
  EXPECT_EQ(table.RowsOfNpa(214).size(), 1u);
  EXPECT_EQ(table.RowsOfNpa(212).size(), 0u);
  EXPECT_TRUE(absl::StrContains(table.rows[1].Describe(),
                                "numbers carry no postal code, so every area "
                                "code of US-FL is closed"))
      << table.rows[1].Describe();
  EXPECT_EQ(ian.Describe(),
            "emergency fl-2026-ian declared for US-FL "
            "2026-09-28T12:00:00-04:00..2026-10-12T18:00:00-04:00 in area "
            "codes 239 941 (Fla. Governor EO 26-210, per FDEM)");
}

// Fort Myers (239, Eastern): open 8:00-20:00 under US-FL except while the
// declaration is in force [start, end).
TEST(Emergencies, WindowClosesFromTheStartToTheEndToTheSecond) {
  const EmergencyTable table = Parse(
      "fl-2026-ian,US-FL,239,,2026-09-28T12:00:00-04:00,"
      "2026-10-12T18:00:00-04:00,Fla. Governor EO 26-210\n");
  ASSERT_EQ(table.rows.size(), 1u);
  const uint64_t fort_myers = 12395550100;
  struct Case {
    const char* name;
    absl::Time now;
    bool open;
  };
  const Case cases[] = {
      {"one second before the start", Utc(2026, 9, 28, 15, 59, 59), true},
      {"at the start", Utc(2026, 9, 28, 16, 0, 0), false},
      {"one second after the start", Utc(2026, 9, 28, 16, 0, 1), false},
      {"one second before the end", Utc(2026, 10, 12, 21, 59, 59), false},
      {"at the end (exclusive)", Utc(2026, 10, 12, 22, 0, 0), true},
      {"one second after the end", Utc(2026, 10, 12, 22, 0, 1), true},
  };
  for (const Case& c : cases) {
    const CallingWindow w = WindowWith(table, fort_myers, c.now);
    ASSERT_TRUE(w.known) << c.name;
    EXPECT_EQ(w.open_now, c.open) << c.name << " " << w.local_now;
    EXPECT_EQ(w.barred_today, !c.open) << c.name;
    if (!c.open) {
      ASSERT_EQ(w.restrictions.size(), 1u) << c.name;
      EXPECT_TRUE(absl::StartsWith(w.restrictions[0],
                                   "emergency fl-2026-ian declared for US-FL"))
          << w.restrictions[0];
      EXPECT_TRUE(absl::StrContains(w.restrictions[0], "EO 26-210"));
    } else {
      EXPECT_TRUE(w.restrictions.empty()) << c.name;
    }
  }
  // Miami (305) is not in the declaration's area.
  EXPECT_TRUE(
      WindowWith(table, 13055550100, Utc(2026, 9, 28, 16, 0, 1)).open_now);
}

TEST(Emergencies, DateBoundsCoverWholeLocalDays) {
  const EmergencyTable table =
      Parse("fl-days,US-FL,,,2026-09-28,2026-10-12,FDEM\n");
  ASSERT_EQ(table.rows.size(), 1u);
  const uint64_t miami = 13055550100;  // EDT = UTC-4.
  EXPECT_TRUE(WindowWith(table, miami, Utc(2026, 9, 27, 23, 59)).open_now);
  EXPECT_FALSE(WindowWith(table, miami, Utc(2026, 9, 28, 12, 0)).open_now);
  EXPECT_FALSE(WindowWith(table, miami, Utc(2026, 10, 12, 23, 59)).open_now);
  EXPECT_TRUE(WindowWith(table, miami, Utc(2026, 10, 13, 12, 0)).open_now);
  // An open-ended row stays in force.
  const EmergencyTable open = Parse("tx,US-TX,,,2026-08-01,,proclamation\n");
  EXPECT_FALSE(WindowWith(open, 12145550100, Utc(2027, 1, 5, 18, 0)).open_now);
  EXPECT_TRUE(open.rows[0].MayBeInForce(Utc(2027, 1, 5, 18, 0)));
  EXPECT_FALSE(open.rows[0].MayBeInForce(Utc(2026, 7, 30, 18, 0)));
}

struct ErrorCase {
  const char* row;
  const char* field;
  const char* value;
};

TEST(Emergencies, BadRowsAreRejectedNamingFileLineFieldAndValue) {
  const ErrorCase cases[] = {
      {",US-FL,,,2026-09-28,,src", "id", ""},
      {"a b,US-FL,,,2026-09-28,,src", "id", "a b"},
      {"x1,Florida,,,2026-09-28,,src", "jurisdiction", "Florida"},
      {"x2,US-ZZ,,,2026-09-28,,src", "jurisdiction", "US-ZZ"},
      {"x3,US-FL,2391,,2026-09-28,,src", "area_codes", "2391"},
      {"x4,US-FL,212,,2026-09-28,,src", "area_codes", "212"},
      {"x5,US-FL,,33a,2026-09-28,,src", "zip_prefixes", "33a"},
      {"x6,US-FL,,,2026-13-01,,src", "start", "2026-13-01"},
      {"x7,US-FL,,,,,src", "start", ""},
      {"x8,US-FL,,,2026-09-28,tomorrow,src", "end", "tomorrow"},
      {"x9,US-FL,,,2026-09-28,2026-09-27,src", "end", "2026-09-27"},
      {"x10,US-FL,,,2026-09-28,,", "source", ""},
      {"ok,US-FL,,,2026-09-28,,src", "id", "ok"},  // Repeats line 2's id.
      {"x11,US-FL,,,2026-09-28", "(line)", "x11,US-FL,,,2026-09-28"},
      {"x12,US-FL,,,\"2026-09-28,,src", "(line)", "x12,US-FL,,,"},
  };
  std::string rows = "ok,US-FL,239,,2026-09-28,2026-10-12,src\n";
  for (const ErrorCase& c : cases) absl::StrAppend(&rows, c.row, "\n");
  rows += "good,US-LA,504,,2026-08-29T00:00:00Z,,La. Governor\n";
  const EmergencyTable table = Parse(rows);
  ASSERT_EQ(table.rows.size(), 2u);  // The valid rows are kept.
  EXPECT_EQ(table.rows[0].id, "ok");
  EXPECT_EQ(table.rows[1].id, "good");
  EXPECT_EQ(table.rejected, sizeof(cases) / sizeof(cases[0]));
  ASSERT_EQ(table.errors.size(), sizeof(cases) / sizeof(cases[0]));
  for (size_t i = 0; i < table.errors.size(); ++i) {
    const std::string& e = table.errors[i];
    const int line = static_cast<int>(i) + 3;  // Header, "ok", then these.
    EXPECT_TRUE(absl::StartsWith(
        e, absl::StrCat("em.csv:", line, ": field ", cases[i].field, " value '",
                        cases[i].value)))
        << e;
  }
}

TEST(Emergencies, ErrorsAreBoundedButAllCounted) {
  std::string rows;
  for (int i = 0; i < 100; ++i) absl::StrAppend(&rows, "bad", i, ",XX\n");
  rows += "good,US-FL,,,2026-09-28,,src\n";
  const EmergencyTable table = Parse(rows);
  EXPECT_EQ(table.rejected, 100u);
  EXPECT_EQ(table.errors.size(), kMaxEmergencyErrors);
  EXPECT_EQ(table.rows.size(), 1u);
}

TEST(Emergencies, AMissingOrWrongHeaderIsAnError) {
  for (const char* text :
       {"", "# only a comment\n", "id,jurisdiction,start,end\nx,US-FL,,\n"}) {
    auto table = ParseEmergencies("em.csv", text);
    ASSERT_FALSE(table.ok()) << text;
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(table.status().message(), "em.csv"));
  }
}

TEST(Emergencies, LoadReadsAFileAndNamesAMissingOne) {
  auto missing = LoadEmergencies("/nonexistent/emergencies.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(missing.status().message(),
                                "/nonexistent/emergencies.csv"));
  const std::string path =
      absl::StrCat(::testing::TempDir(), "/emergencies_test.csv");
  {
    std::ofstream out(path);
    out << kHeader << "fl,US-FL,,,2026-09-28,2026-10-12,FDEM\n"
        << "bad,US-FL,,,never,,FDEM\n";
  }
  auto loaded = LoadEmergencies(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->rows.size(), 1u);
  EXPECT_EQ((*loaded)->rejected, 1u);
  EXPECT_EQ(DescribeEmergencies(**loaded, Utc(2026, 10, 1, 12, 0)),
            absl::StrCat("emergencies ", path,
                         ": 1 declaration (1 in force now: fl), 1 row "
                         "rejected"));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace dnc::policy
