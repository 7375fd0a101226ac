// Three dnc-server replicas on 127.0.0.1 sharing one tenant store in a real
// PostgreSQL server (initdb in a temporary directory, a free port, stopped
// at the end) and one data directory that dnc-load published into:
//   - an opt-out added through one replica answers INTERNAL on the other
//     two, and a key revoked with dnc-tenant --tenants URL fails on all
//     three (each within a bounded wait; the time it took is printed, not
//     asserted: bench/replicas.sh measures it);
//   - a replica killed with SIGKILL under a load spread over the three: the
//     clients carry on through the others, and every opt-out and audit
//     record a replica acknowledged is in the store afterwards;
//   - PostgreSQL stopped under load: no call is answered callable once the
//     grace has passed (they fail UNAVAILABLE), and answers resume when it
//     is back.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "demo/sample_data.h"
#include "dnc/v1/scrub.grpc.pb.h"
#include "dnc/v1/tenant.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tenant/tenant_store.h"
#include "tests/testing/postgres_cluster.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

using test::BackgroundProcess;
using test::RunProcess;
using test::RunResult;

constexpr int kReplicas = 3;
constexpr auto kCliTimeout = std::chrono::seconds(60);
// How long a test waits for a change to reach a replica before failing.
constexpr auto kPropagationWait = std::chrono::seconds(10);

std::string DayText(std::time_t when) {
  std::tm tm_utc;
  gmtime_r(&when, &tm_utc);
  char text[16];
  std::strftime(text, sizeof(text), "%Y-%m-%d", &tm_utc);
  return text;
}

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

class ReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    pg_ = test::PostgresCluster::Start(&error);
    ASSERT_NE(pg_, nullptr) << error;
    url_ = pg_->NewDatabase();
    ASSERT_FALSE(url_.empty()) << pg_->Log();
    const RunResult migrated = Tenant({"migrate"});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
    const RunResult created =
        Tenant({"create", "acme", "--entitle", "us-ftc:all"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    key_ = Trim(created.out);

    demo::SampleOptions options;
    options.registry_numbers = 2'000;
    registry_ = demo::GenerateRegistry(options);
    const std::set<uint64_t> listed(registry_.numbers.begin(),
                                    registry_.numbers.end());
    for (uint64_t number : registry_.numbers) {
      if (!listed.count(number + 1)) unlisted_.push_back(number + 1);
    }
    const std::string zip = dir_.Path("ftc-flat.zip");
    ASSERT_TRUE(demo::WriteFtcFlatZip(registry_, zip).ok());
    data_ = dir_.Path("data");
    const RunResult load =
        RunProcess({DNC_LOAD_BIN, "--data", data_, "--source", "us-ftc",
                    "--as_of", DayText(std::time(nullptr)), zip},
                   dir_.path(), std::chrono::seconds(120));
    ASSERT_EQ(load.exit_code, 0) << load.out << load.err;
    for (int i = 0; i < kReplicas; ++i) ASSERT_NO_FATAL_FAILURE(Start(i));
  }

  void TearDown() override {
    for (auto& server : servers_) {
      if (server != nullptr) server->Stop(SIGTERM);
    }
  }

  RunResult Tenant(std::vector<std::string> args) {
    args.insert(args.begin(), {DNC_TENANT_BIN, "--tenants", url_});
    return RunProcess(args, dir_.path(), kCliTimeout);
  }

  void Start(int i) {
    const std::string port_file = dir_.Path(absl::StrCat("port", i));
    servers_[i] = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{DNC_SERVER_BIN, "--data", data_, "--tenants",
                                 url_, "--listen", "127.0.0.1:0", "--port_file",
                                 port_file, "--tenant_grace", "1s"},
        dir_.Path(absl::StrCat("server", i)));
    const int port = test::WaitForPort(port_file);
    ASSERT_GT(port, 0) << servers_[i]->Stderr();
    addresses_[i] = absl::StrCat("127.0.0.1:", port);
    channels_[i] =
        grpc::CreateChannel(addresses_[i], grpc::InsecureChannelCredentials());
  }

  grpc::Status Check(int replica, uint64_t e164, v1::CheckResponse* response,
                     const std::string& key = "") const {
    auto stub = v1::ScrubService::NewStub(channels_[replica]);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    context.AddMetadata("x-api-key", key.empty() ? key_ : key);
    v1::CheckRequest request;
    request.set_e164(e164);
    return stub->Check(&context, request, response);
  }

  grpc::Status AddOptOut(int replica, uint64_t e164) const {
    auto stub = v1::TenantService::NewStub(channels_[replica]);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    context.AddMetadata("x-api-key", key_);
    v1::OptOutRequest request;
    request.add_e164(e164);
    request.set_note("replicas test");
    v1::OptOutResponse response;
    return stub->AddOptOuts(&context, request, &response);
  }

  // Waits until `done` holds; false after kPropagationWait.
  template <typename Done>
  static bool WaitFor(Done done, std::chrono::microseconds* took = nullptr) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < kPropagationWait) {
      if (done()) {
        if (took != nullptr) {
          *took = std::chrono::duration_cast<std::chrono::microseconds>(
              std::chrono::steady_clock::now() - start);
        }
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }

  test::ScratchDir dir_;
  std::unique_ptr<test::PostgresCluster> pg_;
  std::string url_, key_, data_;
  demo::SampleRegistry registry_;
  std::vector<uint64_t> unlisted_;
  std::unique_ptr<BackgroundProcess> servers_[kReplicas];
  std::shared_ptr<grpc::Channel> channels_[kReplicas];
  std::string addresses_[kReplicas];
};

// DNC_REPLICA_CHANGES=1000 measures more changes (BENCHMARKS.md).
int ChangesToMake() {
  const char* text = std::getenv("DNC_REPLICA_CHANGES");
  const int changes = text == nullptr ? 0 : std::atoi(text);
  return changes > 0 ? changes : 30;
}

std::string Percentiles(std::vector<std::chrono::microseconds> took) {
  std::sort(took.begin(), took.end());
  auto at = [&](double q) {
    return took[std::min(took.size() - 1, static_cast<size_t>(q * took.size()))]
        .count();
  };
  return absl::StrCat(took.size(), " waits: p50 ", at(0.5), " us, p99 ",
                      at(0.99), " us, max ", took.back().count(), " us");
}

TEST_F(ReplicasTest, OptOutsAndRevocationsReachEveryReplica) {
  std::vector<std::chrono::microseconds> waits;
  const int changes = std::min<int>(ChangesToMake(), unlisted_.size() - 200);
  for (int i = 0; i < changes; ++i) {
    const uint64_t number = unlisted_[i];
    const int writer = i % kReplicas;
    v1::CheckResponse before;
    ASSERT_TRUE(Check((writer + 1) % kReplicas, number, &before).ok());
    ASSERT_EQ(before.disposition(), v1::CALLABLE) << number;
    ASSERT_TRUE(AddOptOut(writer, number).ok());
    // The replica that acknowledged it applies it at once.
    v1::CheckResponse at_writer;
    ASSERT_TRUE(Check(writer, number, &at_writer).ok());
    EXPECT_EQ(at_writer.disposition(), v1::INTERNAL);
    for (int other = 0; other < kReplicas; ++other) {
      if (other == writer) continue;
      std::chrono::microseconds took;
      EXPECT_TRUE(WaitFor(
          [&] {
            v1::CheckResponse response;
            return Check(other, number, &response).ok() &&
                   response.disposition() == v1::INTERNAL;
          },
          &took))
          << "opt-out " << i << " never reached replica " << other;
      waits.push_back(took);
    }
  }
  std::printf("opt-out seen on the other replicas after its ack: %s\n",
              Percentiles(waits).c_str());

  // A second key, made and then revoked with dnc-tenant on the shared store.
  const RunResult made = Tenant({"key-create", "acme", "--label", "second"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string second = Trim(made.out);
  for (int r = 0; r < kReplicas; ++r) {
    EXPECT_TRUE(WaitFor([&] {
      v1::CheckResponse response;
      return Check(r, unlisted_[100], &response, second).ok();
    })) << "the new key never worked on replica "
        << r;
  }
  ASSERT_EQ(Tenant({"key-revoke", "acme", "--label", "second"}).exit_code, 0);
  std::vector<std::chrono::microseconds> revoked;
  for (int r = 0; r < kReplicas; ++r) {
    std::chrono::microseconds took;
    EXPECT_TRUE(WaitFor(
        [&] {
          v1::CheckResponse response;
          return Check(r, unlisted_[100], &response, second).error_code() ==
                 grpc::StatusCode::UNAUTHENTICATED;
        },
        &took))
        << "the revoked key still works on replica " << r;
    revoked.push_back(took);
  }
  std::printf("revoked key refused after dnc-tenant exited: %s\n",
              Percentiles(revoked).c_str());
}

TEST_F(ReplicasTest, AKilledReplicaLosesNothingAcknowledgedAndClientsCarryOn) {
  absl::Mutex mu;
  std::vector<uint64_t> acknowledged;  // Opt-outs.
  std::set<std::string> audit_ids;     // Of answered Checks.
  std::atomic<bool> stop{false};
  std::atomic<int> answered_after_kill{0};
  std::atomic<bool> killed{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&, t] {
      // Round-robin over the replicas, on to the next one on failure.
      int next = t;
      for (int i = 0; !stop; ++i) {
        const uint64_t number = unlisted_[(t * 300 + i) % unlisted_.size()];
        for (int attempt = 0; attempt < kReplicas; ++attempt) {
          const int replica = next++ % kReplicas;
          if (i % 4 == 0) {
            if (AddOptOut(replica, number).ok()) {
              absl::MutexLock lock(&mu);
              acknowledged.push_back(number);
              break;
            }
          } else {
            v1::CheckResponse response;
            if (Check(replica, registry_.numbers[i % registry_.numbers.size()],
                      &response)
                    .ok()) {
              if (killed) ++answered_after_kill;
              absl::MutexLock lock(&mu);
              audit_ids.insert(response.audit_id());
              break;
            }
          }
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_EQ(servers_[1]->Stop(SIGKILL), 128 + SIGKILL);
  killed = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  stop = true;
  for (std::thread& client : clients) client.join();
  EXPECT_GT(answered_after_kill.load(), 0);

  // The CLI given all three addresses carries on through the two left:
  // every call of a check of 20 numbers (one call per number) is answered.
  std::vector<std::string> check = {
      DNC_CLI_BIN,
      "--server",
      absl::StrCat(addresses_[0], ",", addresses_[1], ",", addresses_[2]),
      "--api_key",
      key_,
      "check"};
  for (int i = 0; i < 20; ++i) {
    check.push_back(absl::StrCat("+", unlisted_[1000 + i]));
  }
  const RunResult cli = RunProcess(check, dir_.path(), kCliTimeout);
  // 0: all callable, 3: some on the list (the load opted some out).
  EXPECT_TRUE(cli.exit_code == 0 || cli.exit_code == 3) << cli.out << cli.err;
  EXPECT_EQ(std::count(cli.out.begin(), cli.out.end(), '\n'), 20) << cli.out;

  // Everything acknowledged is in the store.
  absl::StatusOr<std::unique_ptr<tenant::TenantStore>> store =
      tenant::TenantStore::Open(url_, false);
  ASSERT_TRUE(store.ok()) << store.status();
  const tenant::Tenant* acme = (*store)->Find("acme");
  ASSERT_NE(acme, nullptr);
  ASSERT_FALSE(acknowledged.empty());
  std::vector<std::optional<DayNumber>> on(acknowledged.size());
  acme->LookupOptOuts(acknowledged, absl::MakeSpan(on));
  for (size_t i = 0; i < on.size(); ++i) {
    EXPECT_TRUE(on[i].has_value()) << "opt-out " << acknowledged[i] << " lost";
  }
  std::set<std::string> stored;
  ASSERT_TRUE((*store)
                  ->ExportAudit("acme", absl::InfinitePast(),
                                absl::InfiniteFuture(),
                                [&](const tenant::AuditRecord& record) {
                                  stored.insert(record.audit_id);
                                  return absl::OkStatus();
                                })
                  .ok());
  ASSERT_FALSE(audit_ids.empty());
  for (const std::string& id : audit_ids) {
    EXPECT_TRUE(stored.count(id)) << "audit record " << id << " lost";
  }
}

TEST_F(ReplicasTest, WithPostgresStoppedNothingIsCallableAfterTheGrace) {
  const uint64_t opted_out = unlisted_[0];
  const uint64_t free_number = unlisted_[1];
  ASSERT_TRUE(AddOptOut(0, opted_out).ok());
  for (int r = 0; r < kReplicas; ++r) {
    ASSERT_TRUE(WaitFor([&] {
      v1::CheckResponse response;
      return Check(r, opted_out, &response).ok() &&
             response.disposition() == v1::INTERNAL;
    }));
  }
  pg_->Stop();
  const auto stopped = std::chrono::steady_clock::now();
  // Past the grace (1 s) plus the follower's poll (0.5 s), for 2 s.
  int refused = 0;
  while (std::chrono::steady_clock::now() - stopped <
         std::chrono::milliseconds(3500)) {
    const bool past_grace = std::chrono::steady_clock::now() - stopped >
                            std::chrono::milliseconds(1600);
    for (int r = 0; r < kReplicas; ++r) {
      for (uint64_t number : {opted_out, free_number}) {
        v1::CheckResponse response;
        const grpc::Status status = Check(r, number, &response);
        if (status.ok()) {
          EXPECT_FALSE(number == opted_out && response.callable());
          EXPECT_FALSE(past_grace && response.callable())
              << "replica " << r << " answered callable without PostgreSQL";
        } else if (past_grace) {
          EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
              << status.error_message();
          ++refused;
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GT(refused, 0);

  std::string error;
  ASSERT_TRUE(pg_->Restart(&error)) << error;
  for (int r = 0; r < kReplicas; ++r) {
    EXPECT_TRUE(WaitFor([&] {
      v1::CheckResponse response;
      return Check(r, free_number, &response).ok() &&
             response.disposition() == v1::CALLABLE;
    })) << "replica "
        << r << " did not resume";
    v1::CheckResponse response;
    ASSERT_TRUE(Check(r, opted_out, &response).ok());
    EXPECT_EQ(response.disposition(), v1::INTERNAL);
  }
}

}  // namespace
}  // namespace dnc
