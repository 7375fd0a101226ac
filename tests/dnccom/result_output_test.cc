// The two bodies: CSV lines as VICIdial splits them, and JSON objects in
// DNC.com's field order.
#include "dnccom/result_output.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace dnc::dnccom {
namespace {

DncRow Row(std::string_view phone, std::string_view code,
           std::string_view reason) {
  DncRow row;
  row.fields[0] = phone;
  row.fields[1] = code;
  row.fields[3] = reason;
  row.fields[4] = "TX";
  row.fields[5] = "US";
  return row;
}

TEST(ResultOutputTest, ParsesItsFormats) {
  OutputFormat format = OutputFormat::kJson;
  EXPECT_TRUE(ParseOutputFormat("", &format));
  EXPECT_EQ(format, OutputFormat::kCsv);
  EXPECT_TRUE(ParseOutputFormat("JSON", &format));
  EXPECT_EQ(format, OutputFormat::kJson);
  EXPECT_TRUE(ParseOutputFormat("csv", &format));
  EXPECT_EQ(format, OutputFormat::kCsv);
  EXPECT_FALSE(ParseOutputFormat("xml", &format));
}

TEST(ResultOutputTest, CsvIsOneLineOfSeventeenFieldsPerRowWithoutHeader) {
  ResultOutput output(OutputFormat::kCsv);
  output.Reserve(2);
  output.Append(Row("2145550123", "D", "National (USA) 2003-06-01;;;"));
  output.Append(Row("2145550124", "C", ";;;"));
  EXPECT_EQ(std::string(output.content_type()), "text/csv; charset=utf-8");
  EXPECT_EQ(output.Finish(),
            "2145550123,D,,National (USA) 2003-06-01;;;,TX,US,,,,,,,,,,,\n"
            "2145550124,C,,;;;,TX,US,,,,,,,,,,,\n");
}

TEST(ResultOutputTest, JsonIsAnArrayOfObjectsInDncComsFieldOrder) {
  ResultOutput output(OutputFormat::kJson);
  DncRow row = Row("2145550123", "O", "National (USA) 2003-06-01;;;");
  row.fields[2] = "ACCT-1";
  row.fields[14] = "Purchase";
  output.Append(row);
  EXPECT_EQ(std::string(output.content_type()), "application/json");
  const std::string body = output.Finish();
  const nlohmann::ordered_json json = nlohmann::ordered_json::parse(body);
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 1u);
  std::vector<std::string> keys;
  for (const auto& [key, value] : json[0].items()) {
    keys.push_back(key);
    EXPECT_TRUE(value.is_string()) << key;
  }
  EXPECT_EQ(keys,
            std::vector<std::string>(kFieldNames.begin(), kFieldNames.end()));
  EXPECT_EQ(json[0]["Phone"], "2145550123");
  EXPECT_EQ(json[0]["ResultCode"], "O");
  EXPECT_EQ(json[0]["Reserved"], "ACCT-1");
  EXPECT_EQ(json[0]["EBRType"], "Purchase");
  EXPECT_EQ(json[0]["LineType"], "");
}

TEST(ResultOutputTest, AnEmptyJsonAnswerIsAnEmptyArray) {
  ResultOutput output(OutputFormat::kJson);
  EXPECT_EQ(output.Finish(), "[]\n");
}

}  // namespace
}  // namespace dnc::dnccom
