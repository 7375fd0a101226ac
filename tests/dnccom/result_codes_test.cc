// Our dispositions and reasons -> DNC.com's letters, and the promise that
// nothing we do not call callable reads as callable.
#include "dnccom/result_codes.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnc::dnccom {
namespace {

Reason R(ReasonCode code) {
  Reason reason;
  reason.code = code;
  return reason;
}

TEST(ResultCodesTest, TheTableHoldsVicidialsNineteenCodesInItsOrder) {
  std::string letters;
  for (const ResultCodeInfo& info : ResultCodeTable()) letters += info.code;
  EXPECT_EQ(letters, "XCOERWGHLFVIMBPDSTY");
  EXPECT_EQ(FindResultCode('Q'), nullptr);
  ASSERT_NE(FindResultCode('D'), nullptr);
  EXPECT_FALSE(FindResultCode('D')->callable);
  EXPECT_TRUE(FindResultCode('C')->callable);
}

TEST(ResultCodesTest, EachDispositionHasItsLetter) {
  EXPECT_EQ(ResultCodeOf(Disposition::kCallable, {}), 'C');
  const std::vector<Reason> listed = {R(ReasonCode::kListed)};
  EXPECT_EQ(ResultCodeOf(Disposition::kBlocked, listed), 'D');
  EXPECT_EQ(
      ResultCodeOf(Disposition::kInternal, {R(ReasonCode::kInternalList)}),
      'P');
  EXPECT_EQ(
      ResultCodeOf(Disposition::kNotSubscribed, {R(ReasonCode::kNotEntitled)}),
      'B');
  EXPECT_EQ(ResultCodeOf(Disposition::kStale, {R(ReasonCode::kSourceStale)}),
            'B');
  EXPECT_EQ(ResultCodeOf(Disposition::kStale, {R(ReasonCode::kNoSource)}), 'B');
  EXPECT_EQ(
      ResultCodeOf(Disposition::kInvalid, {R(ReasonCode::kInvalidNumber)}),
      'I');
  EXPECT_EQ(
      ResultCodeOf(Disposition::kMalformed, {R(ReasonCode::kMalformedNumber)}),
      'M');
  EXPECT_EQ(ResultCodeOf(Disposition::kUnspecified, {}), 'B');
  EXPECT_EQ(ResultCodeOf(static_cast<Disposition>(42), {}), 'B');
}

TEST(ResultCodesTest, ExemptIsOForARecordAndXForThePurposeAlone) {
  for (ReasonCode excuse : {ReasonCode::kEbrPurchase, ReasonCode::kEbrInquiry,
                            ReasonCode::kWrittenConsent}) {
    EXPECT_EQ(
        ResultCodeOf(Disposition::kExempt, {R(ReasonCode::kListed), R(excuse)}),
        'O');
  }
  EXPECT_EQ(ResultCodeOf(Disposition::kExempt, {R(ReasonCode::kListed),
                                                R(ReasonCode::kPurposeExempt)}),
            'X');
  // One listing excused by the purpose, another by an EBR: the EBR shows.
  EXPECT_EQ(ResultCodeOf(Disposition::kExempt,
                         {R(ReasonCode::kListed), R(ReasonCode::kPurposeExempt),
                          R(ReasonCode::kListed), R(ReasonCode::kEbrPurchase)}),
            'O');
}

TEST(ResultCodesTest, OnlyCallableDispositionsMapToCallableCodes) {
  for (int d = 0; d <= 12; ++d) {
    const Disposition disposition = static_cast<Disposition>(d);
    for (const std::vector<Reason>& reasons : std::vector<std::vector<Reason>>{
             {},
             {R(ReasonCode::kListed), R(ReasonCode::kEbrInquiry)},
             {R(ReasonCode::kListed), R(ReasonCode::kPurposeExempt)}}) {
      const char code = ResultCodeOf(disposition, reasons);
      const ResultCodeInfo* info = FindResultCode(code);
      ASSERT_NE(info, nullptr) << code;
      EXPECT_TRUE(info->sent) << code;
      EXPECT_EQ(info->callable, IsCallable(disposition))
          << DispositionName(disposition) << " -> " << code;
    }
  }
}

TEST(ResultCodesTest, StaleNeverReadsAsCallableInVicidialsMap) {
  // VICIdial's filter treats these as callable (DNC.com's meanings).
  const std::string vicidial_callable = "CERWGY";
  const char code = ResultCodeOf(Disposition::kStale, {});
  EXPECT_EQ(vicidial_callable.find(code), std::string::npos);
  EXPECT_NE(code, 'D');  // Not "listed": we do not know that.
}

}  // namespace
}  // namespace dnc::dnccom
