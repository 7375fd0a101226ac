#include "client/scrub_client.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/fake_scrub_server.h"

namespace dnc::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ScrubClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.service().listed[12025551234] = {0, "2024-05-06"};
    server_.service().odd_disposition[13035550000] = 42;
    server_.Start();
    ASSERT_TRUE(server_.started());
    client_ = Connect(server_.address());
  }

  static std::unique_ptr<ScrubClient> Connect(const std::string& address) {
    ClientOptions options;
    options.server = address;
    options.timeout = absl::Seconds(20);
    absl::StatusOr<std::unique_ptr<ScrubClient>> client =
        ScrubClient::Create(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? std::move(*client) : nullptr;
  }

  fake::FakeScrubServer server_;
  std::unique_ptr<ScrubClient> client_;
};

TEST_F(ScrubClientTest, CheckAnswersListedNumberAsBlockedWithItsSnapshot) {
  absl::StatusOr<NumberVerdict> verdict = client_->Check("(202) 555-1234");
  ASSERT_TRUE(verdict.ok()) << verdict.status();
  EXPECT_EQ(verdict->input, "(202) 555-1234");
  EXPECT_EQ(verdict->e164, 12025551234u);
  EXPECT_EQ(DispositionName(verdict->disposition), "BLOCKED");
  EXPECT_FALSE(verdict->callable);
  EXPECT_THAT(
      verdict->reasons,
      ElementsAre("us-ftc g000001 as of 2026-11-20 (added 2024-05-06)"));
  ASSERT_FALSE(verdict->snapshots.empty());
  EXPECT_EQ(verdict->snapshots[0].ToString(),
            "us-ftc g000001 as of 2026-11-20");
}

TEST_F(ScrubClientTest, CheckOfAnUnlistedNumberIsCallable) {
  absl::StatusOr<NumberVerdict> verdict = client_->CheckE164(13035551234);
  ASSERT_TRUE(verdict.ok()) << verdict.status();
  EXPECT_TRUE(verdict->callable);
  EXPECT_TRUE(verdict->reasons.empty());
}

TEST_F(ScrubClientTest, CheckOfGarbageIsMalformedNotAnError) {
  absl::StatusOr<NumberVerdict> verdict = client_->Check("call me maybe");
  ASSERT_TRUE(verdict.ok()) << verdict.status();
  EXPECT_EQ(DispositionName(verdict->disposition), "MALFORMED");
  EXPECT_EQ(verdict->e164, 0u);
  EXPECT_FALSE(verdict->callable);
}

TEST_F(ScrubClientTest, UnknownDispositionIsNotCallableEvenIfServerSaysSo) {
  absl::StatusOr<NumberVerdict> verdict = client_->Check("303-555-0000");
  ASSERT_TRUE(verdict.ok()) << verdict.status();
  EXPECT_EQ(verdict->disposition, 42);
  EXPECT_EQ(DispositionName(verdict->disposition), "42");
  EXPECT_FALSE(verdict->callable);
}

TEST_F(ScrubClientTest, ScrubBatchAnswersInInputOrder) {
  absl::StatusOr<std::vector<NumberVerdict>> verdicts = client_->Scrub(
      {"junk", "2025551234", "(911) 555-1234", "", "+1 303 555 1234"});
  ASSERT_TRUE(verdicts.ok()) << verdicts.status();
  std::vector<std::string> names;
  for (const NumberVerdict& v : *verdicts) {
    names.push_back(DispositionName(v.disposition));
  }
  EXPECT_THAT(names, ElementsAre("MALFORMED", "BLOCKED", "INVALID", "MALFORMED",
                                 "CALLABLE"));
  EXPECT_EQ((*verdicts)[0].input, "junk");
  EXPECT_EQ((*verdicts)[2].e164, 19115551234u);
  EXPECT_TRUE((*verdicts)[4].callable);
}

TEST_F(ScrubClientTest, ScrubLargerThanTheServerLimitIsInvalidArgument) {
  server_.service().max_batch_entries = 2;
  absl::StatusOr<std::vector<NumberVerdict>> verdicts =
      client_->Scrub({"2025551234", "2025551235", "2025551236"});
  EXPECT_EQ(verdicts.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ScrubClientTest, StatusListsSourcesAndLimits) {
  absl::StatusOr<ServerStatus> status = client_->GetStatus();
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->server_version, "fake-1");
  EXPECT_EQ(status->max_batch_entries, 100000u);
  ASSERT_EQ(status->sources.size(), 2u);
  EXPECT_EQ(status->sources[0].snapshot.source, "us-ftc");
  EXPECT_EQ(status->sources[0].deadline, "2026-12-21");
  EXPECT_FALSE(status->sources[0].stale);
  EXPECT_TRUE(status->sources[1].stale);
  EXPECT_THAT(status->sources[0].country_codes, ElementsAre(1u));
}

TEST_F(ScrubClientTest, UnreachableServerSaysCannotReachAndHowToFixIt) {
  const std::string address = server_.address();
  server_.Stop();
  std::unique_ptr<ScrubClient> client = Connect(address);
  absl::StatusOr<NumberVerdict> verdict = client->Check("2025551234");
  EXPECT_EQ(verdict.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(verdict.status().message()),
              HasSubstr("cannot reach dnc-server at " + address));
  EXPECT_THAT(std::string(verdict.status().message()),
              HasSubstr("use --server"));
  EXPECT_EQ(client->GetStatus().status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(ScrubClientCreateTest, RejectsEmptyServerAndMissingCaFile) {
  ClientOptions options;
  options.server = "";
  EXPECT_EQ(ScrubClient::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.server = "127.0.0.1:1";
  options.ca_cert_file = "/nonexistent/ca.pem";
  EXPECT_EQ(ScrubClient::Create(options).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace dnc::client
