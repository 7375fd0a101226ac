// The generated NANP area-code table against known facts and against
// libphonenumber's C++ library (its metadata and offline geocoder), which
// the generator did not use (it read the Python port's data).
#include "common/nanp_regions.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "phonenumbers/geocoding/phonenumber_offline_geocoder.h"
#include "phonenumbers/phonenumberutil.h"
#include "unicode/locid.h"

namespace dnc {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberOfflineGeocoder;
using ::i18n::phonenumbers::PhoneNumberUtil;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

std::vector<std::string> Subdivisions(const NpaInfo& info) {
  std::vector<std::string> subs;
  for (const char* code : info.subdivisions) {
    if (code[0] != '\0') subs.push_back(code);
  }
  return subs;
}

PhoneNumber Nanp(int npa, int nxx, int line) {
  PhoneNumber number;
  number.set_country_code(1);
  number.set_national_number(static_cast<uint64_t>(npa) * 10000000ULL +
                             static_cast<uint64_t>(nxx) * 10000ULL +
                             static_cast<uint64_t>(line));
  return number;
}

TEST(NanpRegionsTest, KnownAreaCodesHaveTheirCountryAndSubdivision) {
  struct Fact {
    int npa;
    const char* country;
    const char* region;
    std::vector<std::string> subdivisions;
  };
  const Fact kFacts[] = {
      {212, "US", "US", {"NY"}},       {416, "CA", "CA", {"ON"}},
      {876, "JM", "JM", {}},           {808, "US", "US", {"HI"}},
      {214, "US", "US", {"TX"}},       {713, "US", "US", {"TX"}},
      {202, "US", "US", {"DC"}},       {206, "US", "US", {"WA"}},
      {604, "CA", "CA", {"BC"}},       {514, "CA", "CA", {"QC"}},
      {902, "CA", "CA", {"NS", "PE"}}, {867, "CA", "CA", {"NT", "NU", "YT"}},
      {787, "US", "PR", {"PR"}},       {340, "US", "VI", {"VI"}},
      {671, "US", "GU", {"GU"}},       {800, "US", "US", {}},
      {600, "CA", "CA", {}},           {809, "DO", "DO", {}},
      {242, "BS", "BS", {}},           {345, "KY", "KY", {}},
      {445, "US", "US", {"PA"}},  // "Philadelphia" in the data.
  };
  for (const Fact& fact : kFacts) {
    const NpaInfo& info = LookupNpa(fact.npa);
    ASSERT_TRUE(info.assigned()) << fact.npa;
    EXPECT_STREQ(info.country, fact.country) << fact.npa;
    EXPECT_STREQ(info.region, fact.region) << fact.npa;
    EXPECT_THAT(Subdivisions(info), ElementsAreArray(fact.subdivisions))
        << fact.npa;
  }
  for (int npa : {-1, 0, 100, 199, 211, 222, 911, 999, 1000}) {
    EXPECT_FALSE(LookupNpa(npa).assigned()) << npa;
  }
}

TEST(NanpRegionsTest, CoversEveryAreaCodeLibphonenumberAssignsARegion) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::vector<std::string> problems;
  int assigned = 0;
  for (int npa = 200; npa < 1000; ++npa) {
    // libphonenumber's region for each exchange (every NXX 200-999).
    std::map<std::string, int> regions;
    for (int nxx = 200; nxx < 1000; ++nxx) {
      std::string region;
      util.GetRegionCodeForNumber(Nanp(npa, nxx, 1234), &region);
      if (region != "ZZ") ++regions[region];
    }
    const NpaInfo& info = LookupNpa(npa);
    assigned += info.assigned() ? 1 : 0;
    if (regions.empty()) {
      if (info.assigned()) {
        problems.push_back(absl::StrCat(npa, ": in the table as ", info.region,
                                        ", unknown to libphonenumber"));
      }
      continue;
    }
    if (regions.size() != 1 || !info.assigned() ||
        regions.begin()->first != info.region) {
      std::string seen;
      for (const auto& [region, count] : regions) {
        absl::StrAppend(&seen, region, "x", count, " ");
      }
      problems.push_back(absl::StrCat(npa, ": libphonenumber says ", seen,
                                      "table says '", info.region, "'"));
    }
  }
  EXPECT_THAT(problems, ::testing::IsEmpty()) << absl::StrJoin(problems, "\n");
  EXPECT_EQ(assigned, AssignedNpaCount());
  EXPECT_GT(AssignedNpaCount(), 400);
}

TEST(NanpRegionsTest, SubdivisionsAgreeWithTheGeocoder) {
  // The geocoder describes numbers as "Houston, TX" or "Texas": every
  // ", XX" it gives for a spread of exchanges must be one of the area
  // code's subdivisions (allowing a rare cross-border exchange).
  const PhoneNumberOfflineGeocoder geocoder;
  const icu::Locale english("en", "US");
  std::vector<std::string> problems;
  int checked = 0;
  for (int npa = 200; npa < 1000; ++npa) {
    const NpaInfo& info = LookupNpa(npa);
    const std::string country = info.country;
    if (!info.assigned() || country != info.region ||
        (country != "US" && country != "CA")) {
      continue;
    }
    const std::vector<std::string> subs = Subdivisions(info);
    int agree = 0, disagree = 0;
    std::string other;
    for (int nxx = 200; nxx < 1000; nxx += 7) {
      const std::string text =
          geocoder.GetDescriptionForNumber(Nanp(npa, nxx, 1234), english);
      if (text.size() < 4 || text[text.size() - 4] != ',') continue;
      const std::string code = text.substr(text.size() - 2);
      if (std::find(subs.begin(), subs.end(), code) != subs.end()) {
        ++agree;
      } else {
        ++disagree;
        other = text;
      }
    }
    if (agree + disagree == 0) continue;
    ++checked;
    if (disagree * 10 > agree + disagree) {
      problems.push_back(absl::StrCat(npa, ": table ", DescribeNpa(info),
                                      ", geocoder e.g. '", other, "' (",
                                      disagree, " of ", agree + disagree, ")"));
    }
  }
  EXPECT_THAT(problems, ::testing::IsEmpty()) << absl::StrJoin(problems, "\n");
  EXPECT_GT(checked, 200);
}

TEST(NanpRegionsTest, JurisdictionsMatchCountryRegionOrSubdivision) {
  const NpaInfo& dallas = LookupNpa(214);
  EXPECT_TRUE(NpaInJurisdiction(dallas, "US"));
  EXPECT_TRUE(NpaInJurisdiction(dallas, "US-TX"));
  EXPECT_TRUE(NpaInJurisdiction(dallas, "us-tx"));
  for (const char* no :
       {"CA", "US-CA", "US-", "US-T", "US-TXX", "TX", "", "USA", "US-TX-1"}) {
    EXPECT_FALSE(NpaInJurisdiction(dallas, no)) << no;
  }
  const NpaInfo& san_juan = LookupNpa(787);
  EXPECT_TRUE(NpaInJurisdiction(san_juan, "US"));
  EXPECT_TRUE(NpaInJurisdiction(san_juan, "PR"));
  EXPECT_TRUE(NpaInJurisdiction(san_juan, "US-PR"));
  EXPECT_FALSE(NpaInJurisdiction(san_juan, "US-TX"));
  const NpaInfo& halifax = LookupNpa(902);
  EXPECT_TRUE(NpaInJurisdiction(halifax, "CA-NS"));
  EXPECT_TRUE(NpaInJurisdiction(halifax, "CA-PE"));
  EXPECT_FALSE(NpaInJurisdiction(halifax, "CA-ON"));
  EXPECT_TRUE(NpaInJurisdiction(LookupNpa(876), "JM"));
  EXPECT_FALSE(NpaInJurisdiction(LookupNpa(876), "US"));
  EXPECT_FALSE(NpaInJurisdiction(LookupNpa(222), "US"));
}

TEST(NanpRegionsTest, DescribesAndExtractsAreaCodes) {
  EXPECT_EQ(DescribeNpa(LookupNpa(512)), "US-TX");
  EXPECT_EQ(DescribeNpa(LookupNpa(902)), "CA-NS/PE");
  EXPECT_EQ(DescribeNpa(LookupNpa(787)), "US-PR");
  EXPECT_EQ(DescribeNpa(LookupNpa(876)), "JM");
  EXPECT_EQ(DescribeNpa(LookupNpa(800)), "US");
  EXPECT_EQ(DescribeNpa(LookupNpa(222)), "");
  EXPECT_EQ(NanpAreaCode(12125551234), 212);
  EXPECT_EQ(NanpAreaCode(19999999999), 999);
  EXPECT_EQ(NanpAreaCode(442071234567), -1);
  EXPECT_EQ(NanpAreaCode(2125551234), -1);
  EXPECT_EQ(NanpAreaCode(0), -1);
  EXPECT_THAT(NanpDataSource(), ::testing::HasSubstr("libphonenumber"));
}

}  // namespace
}  // namespace dnc
