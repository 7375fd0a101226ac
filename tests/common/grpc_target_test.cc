#include "common/grpc_target.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace dnc {
namespace {

using ::testing::HasSubstr;

TEST(ChannelTargetTest, OneAddressOrANamedTargetIsKept) {
  EXPECT_EQ(ChannelTarget("127.0.0.1:50051").value(), "127.0.0.1:50051");
  EXPECT_EQ(ChannelTarget(" dnc.example:50051 ").value(), "dnc.example:50051");
  EXPECT_EQ(ChannelTarget("dns:///dnc-server:50051").value(),
            "dns:///dnc-server:50051");
}

TEST(ChannelTargetTest, AListOfAddressesBecomesOneTargetOfItsFamily) {
  EXPECT_EQ(ChannelTarget("127.0.0.1:1, 127.0.0.2:2,127.0.0.3:3").value(),
            "ipv4:127.0.0.1:1,127.0.0.2:2,127.0.0.3:3");
  EXPECT_EQ(ChannelTarget("[::1]:1,[::1]:2").value(), "ipv6:[::1]:1,[::1]:2");
}

TEST(ChannelTargetTest, BadListsAndEmptyValuesNameTheProblem) {
  EXPECT_THAT(ChannelTarget("").status().message(),
              HasSubstr("no server address"));
  EXPECT_THAT(ChannelTarget("127.0.0.1:1,dnc.example:2").status().message(),
              HasSubstr("'dnc.example:2' is not IP:PORT"));
  EXPECT_THAT(ChannelTarget("127.0.0.1:1,[::1]:2").status().message(),
              HasSubstr("mixes IPv4 and IPv6"));
  EXPECT_FALSE(ChannelTarget("127.0.0.1,127.0.0.2:2").ok());
}

TEST(ClientServiceConfigTest, RoundRobinAndRetriesOnlyOfIdempotentCalls) {
  const nlohmann::json config = nlohmann::json::parse(ClientServiceConfig());
  EXPECT_EQ(config["loadBalancingConfig"][0].count("round_robin"), 1u);
  const nlohmann::json& names = config["methodConfig"][0]["name"];
  bool scrub = false;
  for (const nlohmann::json& name : names) {
    EXPECT_NE(name.value("method", ""), "AddConsents");
    EXPECT_NE(name["service"], "dnc.v1.AdminService");
    if (name["service"] == "dnc.v1.ScrubService") scrub = true;
  }
  EXPECT_TRUE(scrub);
  EXPECT_EQ(config["methodConfig"][0]["retryPolicy"]["retryableStatusCodes"],
            nlohmann::json::array({"UNAVAILABLE"}));
}

}  // namespace
}  // namespace dnc
