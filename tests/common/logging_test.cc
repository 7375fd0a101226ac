// DNC_LOG's two formats, read back from stderr: text keeps its look and
// appends the event and fields; every JSON line parses (nlohmann) whatever
// bytes the message and fields hold.
#include "common/logging.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace dnc {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

class LoggingTest : public ::testing::Test {
 protected:
  ~LoggingTest() override {
    SetLogFormat(LogFormat::kText);
    SetMinLogLevel(LogLevel::kInfo);
  }
};

template <typename Log>
std::string Captured(Log log) {
  ::testing::internal::CaptureStderr();
  log();
  return ::testing::internal::GetCapturedStderr();
}

TEST_F(LoggingTest, TextKeepsItsLookWithoutFields) {
  const std::string line =
      Captured([] { DNC_LOG(Warning) << "disk " << 93 << "% full"; });
  EXPECT_THAT(line,
              MatchesRegex("W [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}"
                           ":[0-9]{2}Z logging_test.cc:[0-9]+\\] disk 93% "
                           "full\n"));
}

TEST_F(LoggingTest, TextAppendsTheEventAndFields) {
  const std::string line = Captured([] {
    DNC_LOG(Info)
            .Event("listen")
            .Field("address", "127.0.0.1:5")
            .Field("front_end", std::string("grpc"))
            .Field("note", "two words")
            .Field("threads", 2)
            .Field("tls", false)
        << "gRPC API on 127.0.0.1:5";
  });
  EXPECT_THAT(line, HasSubstr("] gRPC API on 127.0.0.1:5 | event=listen "
                              "address=127.0.0.1:5 front_end=grpc "
                              "note=\"two words\" threads=2 tls=false\n"));
}

TEST_F(LoggingTest, JsonLinesCarryTimeLevelEventMessageCallerAndFields) {
  SetLogFormat(LogFormat::kJson);
  const std::string out = Captured([] {
    DNC_LOG(Info)
            .Event("reload")
            .Field("opened", 1)
            .Field("kept", size_t{2})
            .Field("duration_ms", 1.5)
            .Field("ok", true)
            .Field("data", "/var/lib/dnc")
        << "reload done";
    DNC_LOG(Error) << "no event named";
  });
  const std::vector<std::string> lines =
      absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << out;
  const nlohmann::json first = nlohmann::json::parse(lines[0]);
  EXPECT_THAT(first["time"].get<std::string>(),
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]"
                           "{2}\\.[0-9]{3}Z"));
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["event"], "reload");
  EXPECT_EQ(first["message"], "reload done");
  EXPECT_THAT(first["caller"].get<std::string>(),
              MatchesRegex("logging_test.cc:[0-9]+"));
  EXPECT_EQ(first["opened"], 1);
  EXPECT_EQ(first["kept"], 2);
  EXPECT_DOUBLE_EQ(first["duration_ms"].get<double>(), 1.5);
  EXPECT_EQ(first["ok"], true);
  EXPECT_EQ(first["data"], "/var/lib/dnc");
  // The fixed keys come first, in this order.
  EXPECT_EQ(lines[0].rfind("{\"time\":", 0), 0u);

  const nlohmann::json second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["level"], "error");
  EXPECT_EQ(second["event"], "log");
  EXPECT_EQ(second["message"], "no event named");
}

TEST_F(LoggingTest, JsonEscapesAnythingAMessageOrFieldHolds) {
  SetLogFormat(LogFormat::kJson);
  std::string nasty =
      "quote\" backslash\\ newline\n tab\t cr\r bell\x07 del\x7f";
  nasty += std::string("nul\0end", 7);
  const std::string utf8 = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e";
  const std::string invalid =
      "bad\xff lone\x80 overlong\xc0\xaf surrogate\xed\xa0\x80 cut\xe2\x82";
  const std::string out = Captured([&] {
    DNC_LOG(Warning)
            .Event("odd")
            .Field("nasty", nasty)
            .Field("utf8", utf8)
            .Field("invalid", invalid)
            .Field("message", "a field named like a fixed key")
            .Field("inf", 1.0 / 0.0)
        << nasty << utf8;
  });
  ASSERT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  const nlohmann::json line = nlohmann::json::parse(out);
  EXPECT_EQ(line["message"], nasty + utf8);
  EXPECT_EQ(line["nasty"], nasty);
  EXPECT_EQ(line["utf8"], utf8);
  EXPECT_EQ(line["invalid"],
            "bad\xef\xbf\xbd lone\xef\xbf\xbd overlong\xef\xbf\xbd\xef\xbf\xbd"
            " surrogate\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd cut\xef\xbf\xbd"
            "\xef\xbf\xbd");
  EXPECT_EQ(line["field_message"], "a field named like a fixed key");
  EXPECT_EQ(line["inf"], "inf");
  EXPECT_EQ(JsonQuote("a\"b"), "\"a\\\"b\"");
}

TEST_F(LoggingTest, LinesBelowTheMinimumLevelAreDropped) {
  SetMinLogLevel(LogLevel::kWarning);
  EXPECT_EQ(Captured([] { DNC_LOG(Info).Event("start") << "hidden"; }), "");
  EXPECT_THAT(Captured([] { DNC_LOG(Error) << "shown"; }), HasSubstr("shown"));
}

TEST_F(LoggingTest, ParseLogFormatKnowsTextAndJson) {
  LogFormat format = LogFormat::kText;
  EXPECT_TRUE(ParseLogFormat("json", &format));
  EXPECT_EQ(format, LogFormat::kJson);
  EXPECT_TRUE(ParseLogFormat("text", &format));
  EXPECT_EQ(format, LogFormat::kText);
  EXPECT_FALSE(ParseLogFormat("JSON", &format));
  EXPECT_FALSE(ParseLogFormat("", &format));
}

TEST_F(LoggingTest, StreamManipulatorsStillWork) {
  const std::string line =
      Captured([] { DNC_LOG(Info) << std::hex << 255 << std::dec << " ok"; });
  EXPECT_THAT(line, HasSubstr("] ff ok\n"));
  EXPECT_THAT(line, Not(HasSubstr("|")));
}

}  // namespace
}  // namespace dnc
