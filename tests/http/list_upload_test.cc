// The list upload routes (docs/http-lists.md) of the real dnc-server over
// real HTTP, with a registry the real dnc-load published and tenants the
// real dnc-tenant made; and the real `dnc scrub` beside them: a list
// uploaded in chunks cut inside quoted fields and inside multi-byte
// characters comes back cleaned byte for byte as `dnc scrub` writes it, its
// callable and removed rows partition it, and both jobs' certificates
// (`dnc report --json`) agree on every hash and count. Then the errors: a
// wrong key, another tenant's id, a wrong offset, cancel, idle expiry, a
// restarted server, a bad file; and the preview.
#include <signal.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leadlist/csv.h"
#include "nlohmann/json.hpp"
#include "tests/testing/http_client.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

constexpr char kNow[] = "2026-11-23T15:00:00Z";

std::string Today() {
  const std::time_t now = std::time(nullptr);
  std::tm utc;
  gmtime_r(&now, &utc);
  char text[16];
  std::strftime(text, sizeof(text), "%Y-%m-%d", &utc);
  return text;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// A lead list as they come: names in several scripts, notes with commas,
// quotes and line breaks (quoted), phones listed, callable, invalid, empty
// and garbage, in several spellings. Seeded: the same list every run.
std::string MakeLeadList(int rows) {
  std::mt19937 random(20261123);
  const std::vector<std::string> names = {
      "Zoë Ålvarez", "東京 太郎", "Ana \"Nina\" Ruiz",
      "Łukasz, Jr.", "😀 Smiley",  "O'Brien",
      "Renée",       "Ωmega"};
  std::string text = "name,notes,phone,city\r\n";
  for (int i = 0; i < rows; ++i) {
    const std::string& name = names[random() % names.size()];
    std::string notes;
    switch (random() % 4) {
      case 0:
        notes = "\"called twice, no answer\"";
        break;
      case 1:
        notes = "\"said \"\"call back\"\"\nnext week\"";
        break;
      case 2:
        notes = "ok";
        break;
      default:
        notes = "";
    }
    std::string phone;
    const uint32_t n = random() % 10000;
    switch (random() % 6) {
      case 0:  // Listed (212-234-5600 .. 5999).
        phone = absl::StrCat("(212) 234-", 5600 + n % 400);
        break;
      case 1:
        phone = absl::StrCat("+1 303 234 ", 1000 + n % 9000);
        break;
      case 2:
        phone = absl::StrCat("212234", 1000 + n % 4000);
        break;
      case 3:
        phone = "n/a";
        break;
      case 4:
        phone = "";
        break;
      default:
        phone = absl::StrCat("202-555-", 1000 + n % 9000);
    }
    const std::string quoted_name =
        name.find_first_of(",\"") == std::string::npos
            ? name
            : "\"" + absl::StrReplaceAll(name, {{"\"", "\"\""}}) + "\"";
    absl::StrAppend(&text, quoted_name, ",", notes, ",", phone, ",Ville ",
                    i % 97, "\r\n");
  }
  return text;
}

// Cuts `text` into pieces of about `size` bytes, each cut moved to fall
// inside a quoted field or inside a multi-byte character where one is near;
// *inside_quotes and *inside_char count the cuts of each kind.
std::vector<std::string> CutAwkwardly(const std::string& text, size_t size,
                                      int* inside_quotes, int* inside_char) {
  std::vector<std::string> pieces;
  size_t start = 0;
  bool want_quote = true;
  while (start < text.size()) {
    size_t cut = std::min(text.size(), start + size);
    if (cut < text.size()) {
      for (size_t i = cut; i < std::min(text.size(), cut + 4096); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (want_quote && text[i] == '"' && i + 2 < text.size() &&
            text[i + 1] != '"' && text[i + 1] != ',') {
          cut = i + 2;  // Just after the opening quote and one letter.
          ++*inside_quotes;
          break;
        }
        if (!want_quote && c >= 0xC0) {
          cut = i + 1;  // After a lead byte, before its continuation.
          ++*inside_char;
          break;
        }
      }
      want_quote = !want_quote;
    }
    pieces.push_back(text.substr(start, cut - start));
    start = cut;
  }
  return pieces;
}

// The records of CSV `text` (fields), through the project's own reader.
std::vector<std::vector<std::string>> Records(const std::string& text) {
  std::istringstream in(text);
  leadlist::CsvReader reader(&in);
  leadlist::CsvRow row;
  std::vector<std::vector<std::string>> records;
  while (true) {
    absl::StatusOr<bool> got = reader.ReadRow(&row);
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok() || !*got) break;
    records.push_back(row.ToVector());
  }
  return records;
}

class ListUploadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir();
    std::string listed;
    for (int n = 5600; n < 6000; ++n)
      absl::StrAppend(&listed, "212,234", n, "\n");
    WriteFile(dir_->Path("us-ftc.txt"), listed);
    const test::RunResult load = test::RunProcess(
        {DNC_LOAD_BIN, "--data", dir_->Path("data"), "--source", "us-ftc",
         "--as_of", Today(), dir_->Path("us-ftc.txt")},
        dir_->path(), std::chrono::seconds(120));
    ASSERT_EQ(load.exit_code, 0) << load.out << load.err;
    for (const char* name : {"acme", "beta"}) {
      const test::RunResult tenant =
          test::RunProcess({DNC_TENANT_BIN, "--tenants", dir_->Path("tenants"),
                            "create", name, "--entitle", "us-ftc:all"},
                           dir_->path(), std::chrono::seconds(60));
      ASSERT_EQ(tenant.exit_code, 0) << tenant.err;
      (std::string(name) == "acme" ? acme_ : beta_) =
          new std::string(absl::StripAsciiWhitespace(tenant.out));
    }
    StartServer({});
  }

  static void TearDownTestSuite() {
    StopServer();
    delete acme_;
    delete beta_;
    delete dir_;
  }

  // dnc-server on the suite's data and tenants, with --max_batch_entries
  // 1000 (so a list is many batches, and the 5000-row batch rule is
  // lowered), plus `extra` flags.
  static void StartServer(const std::vector<std::string>& extra) {
    StopServer();
    const std::string grpc_port_file = dir_->Path("grpc.port");
    const std::string http_port_file = dir_->Path("http.port");
    std::remove(grpc_port_file.c_str());
    std::remove(http_port_file.c_str());
    std::vector<std::string> args = {DNC_SERVER_BIN,
                                     "--data",
                                     dir_->Path("data"),
                                     "--tenants",
                                     dir_->Path("tenants"),
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--port_file",
                                     grpc_port_file,
                                     "--http_listen",
                                     "127.0.0.1:0",
                                     "--http_port_file",
                                     http_port_file,
                                     "--max_batch_entries",
                                     "1000",
                                     "--reload_interval_seconds",
                                     "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = new test::BackgroundProcess(args, dir_->Path("server"));
    grpc_port_ = test::WaitForPort(grpc_port_file);
    http_port_ = test::WaitForPort(http_port_file);
    ASSERT_GT(http_port_, 0) << server_->Stderr();
    ASSERT_GT(grpc_port_, 0) << server_->Stderr();
  }

  static void StopServer() {
    if (server_ == nullptr) return;
    server_->Stop(SIGTERM);
    delete server_;
    server_ = nullptr;
  }

  static std::unique_ptr<test::HttpClient> Connect() {
    auto client = test::HttpClient::Connect(http_port_);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? std::move(*client) : nullptr;
  }

  static test::HttpHeaders Key(const std::string& key) {
    return {{"x-api-key", key}};
  }

  // POST /v1/lists with `body`: the reply.
  static test::HttpReply Start(test::HttpClient* http, const Json& body,
                               const std::string& key) {
    absl::StatusOr<test::HttpReply> reply =
        http->Post("/v1/lists", "application/json", body.dump(), Key(key));
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : test::HttpReply();
  }

  static test::HttpReply Chunk(test::HttpClient* http, const std::string& id,
                               uint64_t offset, const std::string& bytes,
                               bool final, const std::string& key) {
    absl::StatusOr<test::HttpReply> reply =
        http->Post(absl::StrCat("/v1/lists/chunk?upload_id=", id,
                                "&offset=", offset, final ? "&final=1" : ""),
                   "application/octet-stream", bytes, Key(key));
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : test::HttpReply();
  }

  static Json Parse(const test::HttpReply& reply) {
    return Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  }

  // `dnc ARGS...` against the server as acme, run in the scratch
  // directory (so file names are as a user in it would give them).
  static test::RunResult Dnc(const std::vector<std::string>& args) {
    std::string command = absl::StrCat(
        "cd '", dir_->path(), "' && exec '", DNC_CLI_BIN,
        "' --server 127.0.0.1:", grpc_port_, " --api_key=", *acme_);
    for (const std::string& arg : args) {
      absl::StrAppend(&command, " '", arg, "'");
    }
    return test::RunProcess({"/bin/bash", "-c", command}, dir_->path(),
                            std::chrono::seconds(300));
  }

  // The upload's three files, assembled from every answer, and the last
  // answer.
  struct Uploaded {
    std::string cleaned;
    std::string callable;
    std::string removed;
    Json last;
  };
  static Uploaded Upload(test::HttpClient* http, const std::string& id,
                         const std::vector<std::string>& pieces) {
    Uploaded out;
    uint64_t offset = 0;
    auto take = [&](const Json& answer) {
      out.cleaned += answer.value("cleaned", "");
      out.callable += answer.value("callable", "");
      out.removed += answer.value("removed", "");
      out.last = answer;
    };
    for (size_t i = 0; i < pieces.size(); ++i) {
      const bool final = i + 1 == pieces.size();
      test::HttpReply reply = Chunk(http, id, offset, pieces[i], final, *acme_);
      // A chunk ahead of the scrub is refused with 429: send it again.
      for (int retry = 0; reply.status == 429 && retry < 60; ++retry) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        reply = Chunk(http, id, offset, pieces[i], final, *acme_);
      }
      EXPECT_EQ(reply.status, 200) << reply.body;
      if (reply.status != 200) return out;
      const Json answer = Parse(reply);
      EXPECT_EQ(answer["bytes_received"], offset + pieces[i].size());
      take(answer);
      offset += pieces[i].size();
    }
    // The last answer may come before the end: fetch the rest (bounded).
    for (int poll = 0; out.last.value("state", "") != "done" && poll < 120;
         ++poll) {
      const test::HttpReply reply = Chunk(http, id, offset, "", true, *acme_);
      EXPECT_EQ(reply.status, 200) << reply.body;
      if (reply.status != 200) return out;
      take(Parse(reply));
    }
    return out;
  }

  static inline test::ScratchDir* dir_ = nullptr;
  static inline test::BackgroundProcess* server_ = nullptr;
  static inline std::string* acme_ = nullptr;
  static inline std::string* beta_ = nullptr;
  static inline int grpc_port_ = 0;
  static inline int http_port_ = 0;
};

TEST_F(ListUploadTest, AnUploadCleansTheListByteForByteAsDncScrubDoes) {
  const std::string list = MakeLeadList(20000);
  WriteFile(dir_->Path("leads.csv"), list);
  // The CLI's scrub of the same file, as its own job.
  const test::RunResult scrub =
      Dnc({"scrub", "leads.csv", "--now", kNow, "--purpose", "commercial",
           "--job", "cli-job", "--progress", "off"});
  ASSERT_EQ(scrub.exit_code, 0) << scrub.out << scrub.err;
  const std::string expected =
      test::ReadWholeFile(dir_->Path("leads.scrubbed.csv"));
  ASSERT_FALSE(expected.empty());

  auto http = Connect();
  ASSERT_NE(http, nullptr);
  const test::HttpReply started = Start(http.get(),
                                        {{"name", "leads.csv"},
                                         {"now", kNow},
                                         {"purpose", "commercial"},
                                         {"job_id", "upload-job"}},
                                        *acme_);
  ASSERT_EQ(started.status, 201) << started.body;
  const Json start = Parse(started);
  const std::string id = start["upload_id"];
  EXPECT_TRUE(absl::StartsWith(id, "up-")) << id;
  EXPECT_EQ(id.size(), 3u + 32u);
  EXPECT_EQ(start["job_id"], "upload-job");
  EXPECT_EQ(start["output_name"], "leads.scrubbed.csv");
  EXPECT_GT(start["chunk_bytes"].get<uint64_t>(), 0u);

  int inside_quotes = 0;
  int inside_char = 0;
  const std::vector<std::string> pieces =
      CutAwkwardly(list, 64 << 10, &inside_quotes, &inside_char);
  ASSERT_GT(pieces.size(), 10u);
  EXPECT_GT(inside_quotes, 2);
  EXPECT_GT(inside_char, 2);
  const Uploaded uploaded = Upload(http.get(), id, pieces);
  ASSERT_EQ(uploaded.last.value("state", ""), "done") << uploaded.last.dump();

  // Byte for byte the file `dnc scrub` wrote.
  EXPECT_EQ(uploaded.cleaned.size(), expected.size());
  EXPECT_TRUE(uploaded.cleaned == expected);

  // Callable and removed rows partition the cleaned rows, in order, each
  // file under the same header.
  const auto cleaned = Records(uploaded.cleaned);
  const auto callable = Records(uploaded.callable);
  const auto removed = Records(uploaded.removed);
  ASSERT_EQ(cleaned.size(), 20001u);
  ASSERT_FALSE(callable.empty());
  ASSERT_FALSE(removed.empty());
  EXPECT_EQ(callable[0], cleaned[0]);
  EXPECT_EQ(removed[0], cleaned[0]);
  EXPECT_EQ(callable.size() + removed.size(), cleaned.size() + 1);
  const size_t flag = 5;  // dnc_callable, after the four input columns.
  ASSERT_EQ(cleaned[0][flag], "dnc_callable");
  size_t c = 1;
  size_t r = 1;
  for (size_t i = 1; i < cleaned.size(); ++i) {
    if (cleaned[i][flag] == "yes") {
      ASSERT_LT(c, callable.size());
      EXPECT_EQ(callable[c++], cleaned[i]) << "row " << i;
    } else {
      ASSERT_LT(r, removed.size());
      EXPECT_EQ(removed[r++], cleaned[i]) << "row " << i;
    }
  }
  EXPECT_EQ(c, callable.size());
  EXPECT_EQ(r, removed.size());

  // The answers' counts and summary.
  const Json& last = uploaded.last;
  EXPECT_EQ(last["rows_done"], 20000);
  EXPECT_EQ(last["format"]["kind"], "csv");
  EXPECT_EQ(last["column"]["name"], "phone");
  EXPECT_EQ(last["column"]["index"], 2);
  uint64_t counted = 0;
  for (const auto& [name, rows] : last["counts"].items()) {
    counted += rows.get<uint64_t>();
  }
  EXPECT_EQ(counted, 20000u);
  const Json& summary = last["summary"];
  EXPECT_EQ(summary["rows"], 20000);
  EXPECT_EQ(summary["callable"].get<uint64_t>(), callable.size() - 1);
  EXPECT_EQ(summary["not_callable"].get<uint64_t>(), removed.size() - 1);
  EXPECT_EQ(summary["job_id"], "upload-job");
  EXPECT_EQ(summary["input_name"], "leads.csv");
  EXPECT_EQ(summary["output_name"], "leads.scrubbed.csv");
  EXPECT_EQ(summary["files_recorded"], true) << summary["files_error"];
  EXPECT_THAT(summary["text"].get<std::string>(), HasSubstr("20,000"));

  // The two jobs' certificates agree on every hash and count.
  const test::RunResult cli_report = Dnc({"report", "cli-job", "--json"});
  ASSERT_EQ(cli_report.exit_code, 0) << cli_report.err;
  const test::RunResult upload_report = Dnc({"report", "upload-job", "--json"});
  ASSERT_EQ(upload_report.exit_code, 0) << upload_report.err;
  const Json cli = Json::parse(cli_report.out, nullptr, false);
  const Json up = Json::parse(upload_report.out, nullptr, false);
  ASSERT_FALSE(cli.is_discarded()) << cli_report.out;
  ASSERT_FALSE(up.is_discarded()) << upload_report.out;
  // 20,000 rows in batches of 1,000 (uint64 in proto3 JSON is a string).
  EXPECT_EQ(up["requests"], "20");
  for (const char* field : {"requests", "numbers", "counts", "numbers_sha256",
                            "answers_sha256", "purpose", "snapshots"}) {
    EXPECT_EQ(up[field], cli[field]) << field;
  }
  Json cli_files = cli["files"];
  Json up_files = up["files"];
  cli_files.erase("job_id");
  up_files.erase("job_id");
  EXPECT_EQ(up_files, cli_files);
  EXPECT_EQ(up_files["output_sha256"], summary["output_sha256"]);
  EXPECT_EQ(up_files["input_sha256"], summary["input_sha256"]);
}

// Every file of the real-world table (tests/leadlist/real_world_files.py:
// BOM and semicolons, tabs, Excel's UTF-16LE "Unicode Text", Windows-1252,
// ="..." cells, scientific notation, pipes, CRLF, workbooks), uploaded in
// small chunks that cut UTF-16 code units and characters: the cleaned file
// is byte for byte `dnc scrub`'s, read in the format the table expects.
TEST_F(ListUploadTest, EveryRealWorldFileCleansAsDncScrubCleansIt) {
  const std::string table = dir_->Path("real_world");
  const test::RunResult made = test::RunProcess(
      {"/usr/bin/python3",
       std::string(DNC_SOURCE_DIR) + "/tests/leadlist/real_world_files.py",
       table},
      dir_->path(), std::chrono::seconds(120));
  ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
  const Json manifest = Json::parse(
      test::ReadWholeFile(table + "/manifest.json"), nullptr, false);
  ASSERT_TRUE(manifest.contains("files")) << manifest.dump();
  ASSERT_GE(manifest["files"].size(), 8u);
  auto http = Connect();
  ASSERT_NE(http, nullptr);
  for (const Json& entry : manifest["files"]) {
    const std::string file = entry["file"];
    SCOPED_TRACE(file);
    const test::RunResult scrub =
        Dnc({"scrub", "real_world/" + file, "--now", kNow, "-o",
             "real_world/" + file + ".cli.csv", "--progress", "off"});
    ASSERT_EQ(scrub.exit_code, 0) << scrub.out << scrub.err;
    const std::string expected =
        test::ReadWholeFile(table + "/" + file + ".cli.csv");
    const test::HttpReply started =
        Start(http.get(), {{"name", file}, {"now", kNow}}, *acme_);
    ASSERT_EQ(started.status, 201) << started.body;
    const std::string bytes = test::ReadWholeFile(table + "/" + file);
    std::vector<std::string> pieces;
    for (size_t at = 0; at < bytes.size(); at += 3001) {
      pieces.push_back(bytes.substr(at, 3001));
    }
    const Uploaded uploaded =
        Upload(http.get(), Parse(started)["upload_id"], pieces);
    ASSERT_EQ(uploaded.last.value("state", ""), "done") << uploaded.last.dump();
    EXPECT_TRUE(uploaded.cleaned == expected)
        << uploaded.cleaned.size() << " bytes, dnc scrub wrote "
        << expected.size();
    for (const auto& [key, value] : entry["expect_format"].items()) {
      EXPECT_EQ(uploaded.last["format"][key], value) << key;
    }
    EXPECT_EQ(uploaded.last["summary"]["damaged_numbers"],
              entry["expect_damaged"]);
  }
}

// docs/http-api.openapi.yaml describes the list routes, and the route
// table of docs/http-api.md links each to docs/http-lists.md.
TEST(ListUploadDocsTest, TheApiDocumentsDescribeEveryListRoute) {
  const std::string yaml =
      test::ReadWholeFile(std::string(DNC_DOCS_DIR) + "/http-api.openapi.yaml");
  const std::string table =
      test::ReadWholeFile(std::string(DNC_DOCS_DIR) + "/http-api.md");
  for (const char* path : {"/v1/lists", "/v1/lists/chunk", "/v1/lists/cancel",
                           "/v1/lists/state", "/v1/lists/preview"}) {
    EXPECT_THAT(yaml, HasSubstr(absl::StrCat("\n  ", path, ":\n"))) << path;
    EXPECT_THAT(table, HasSubstr(path));
  }
  EXPECT_THAT(table, HasSubstr("(http-lists.md)"));
}

// A row that is not UTF-8 past the reader's first 64 KiB (where it decided
// UTF-8) is answered in JSON as the reader decodes it (as Windows-1252),
// exactly as `dnc scrub` writes it, and the certificate's hashes are those
// of the bytes sent and received.
TEST_F(ListUploadTest, ARowThatIsNotUtf8IsAnsweredAndHashedAsSent) {
  std::string list = "name,phone\n";
  for (int i = 0; list.size() < (96 << 10); ++i) {
    absl::StrAppend(&list, "Zoë ", i, ",303234", 1000 + i % 9000, "\n");
  }
  list += "Bad \xff\xfe name,3032345678\n";
  auto http = Connect();
  ASSERT_NE(http, nullptr);
  const test::HttpReply started = Start(
      http.get(),
      {{"name", "latin.csv"}, {"job_id", "utf8-job"}, {"now", kNow}}, *acme_);
  ASSERT_EQ(started.status, 201) << started.body;
  const Uploaded uploaded = Upload(http.get(), Parse(started)["upload_id"],
                                   {list.substr(0, 50000), list.substr(50000)});
  ASSERT_EQ(uploaded.last.value("state", ""), "done") << uploaded.last.dump();
  EXPECT_THAT(uploaded.cleaned, HasSubstr("Bad \xC3\xBF\xC3\xBE name"));
  WriteFile(dir_->Path("latin.csv"), list);
  const test::RunResult scrub =
      Dnc({"scrub", "latin.csv", "--now", kNow, "--progress", "off", "--job",
           "utf8-cli-job"});
  ASSERT_EQ(scrub.exit_code, 0) << scrub.out << scrub.err;
  EXPECT_TRUE(uploaded.cleaned ==
              test::ReadWholeFile(dir_->Path("latin.scrubbed.csv")));
  EXPECT_EQ(uploaded.last["summary"]["output_sha256"],
            Sha256Hex(uploaded.cleaned));
  EXPECT_EQ(uploaded.last["summary"]["input_sha256"], Sha256Hex(list));
}

// The bounds: uploads per tenant (429 with Retry-After) and bytes per
// upload (413, and the upload is over).
TEST_F(ListUploadTest, TheBoundsAreAnsweredAs429And413) {
  StartServer({"--max_uploads_per_tenant", "1", "--max_upload_bytes", "100"});
  auto http = Connect();
  ASSERT_NE(http, nullptr);
  const test::HttpReply first =
      Start(http.get(), {{"name", "one.csv"}}, *acme_);
  ASSERT_EQ(first.status, 201) << first.body;
  const test::HttpReply second =
      Start(http.get(), {{"name", "two.csv"}}, *acme_);
  EXPECT_EQ(second.status, 429) << second.body;
  ASSERT_NE(second.Header("retry-after"), nullptr);
  EXPECT_THAT(second.body, HasSubstr("--max_uploads_per_tenant"));
  // Another tenant has its own bound.
  EXPECT_EQ(Start(http.get(), {{"name", "b.csv"}}, *beta_).status, 201);

  const std::string id = Parse(first)["upload_id"];
  const test::HttpReply big =
      Chunk(http.get(), id, 0, std::string(101, 'x'), false, *acme_);
  EXPECT_EQ(big.status, 413) << big.body;
  EXPECT_THAT(big.body, HasSubstr("--max_upload_bytes"));
  EXPECT_EQ(Chunk(http.get(), id, 0, "phone\n", true, *acme_).status, 404);
  // Its place is free again.
  EXPECT_EQ(Start(http.get(), {{"name", "three.csv"}}, *acme_).status, 201);
  StartServer({});
}

TEST_F(ListUploadTest, EveryRouteRefusesAWrongKey) {
  auto http = Connect();
  ASSERT_NE(http, nullptr);
  const test::HttpReply start =
      Start(http.get(), {{"name", "leads.csv"}}, "not-a-key");
  EXPECT_EQ(start.status, 401) << start.body;
  const auto chunk =
      http->Post("/v1/lists/chunk?upload_id=up-0&offset=0",
                 "application/octet-stream", "a,b\n", Key("not-a-key"));
  ASSERT_TRUE(chunk.ok());
  EXPECT_EQ(chunk->status, 401);
  const auto state = http->Get("/v1/lists/state?upload_id=up-0");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->status, 401);
  const auto preview =
      http->Post("/v1/lists/preview?name=a.csv", "application/octet-stream",
                 "a,b\n", Key("not-a-key"));
  ASSERT_TRUE(preview.ok());
  EXPECT_EQ(preview->status, 401);
}

TEST_F(ListUploadTest, AnotherTenantsUploadIsNotFoundLikeAnUnknownOne) {
  auto http = Connect();
  ASSERT_NE(http, nullptr);
  const test::HttpReply started =
      Start(http.get(), {{"name", "mine.csv"}}, *acme_);
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string id = Parse(started)["upload_id"];
  const std::string unknown = "up-00000000000000000000000000000000";

  const test::HttpReply theirs =
      Chunk(http.get(), id, 0, "phone\n", false, *beta_);
  const test::HttpReply none =
      Chunk(http.get(), unknown, 0, "phone\n", false, *beta_);
  EXPECT_EQ(theirs.status, 404) << theirs.body;
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(absl::StrReplaceAll(theirs.body, {{id, "ID"}}),
            absl::StrReplaceAll(none.body, {{unknown, "ID"}}));
  EXPECT_THAT(theirs.body, HasSubstr("start the upload again"));
  const auto state = http->Get("/v1/lists/state?upload_id=" + id, Key(*beta_));
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->status, 404);
  const auto cancel = http->Post("/v1/lists/cancel?upload_id=" + id,
                                 "application/json", "", Key(*beta_));
  ASSERT_TRUE(cancel.ok());
  EXPECT_EQ(cancel->status, 404);
  // Still acme's, untouched.
  const auto mine = http->Get("/v1/lists/state?upload_id=" + id, Key(*acme_));
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->status, 200) << mine->body;
  EXPECT_EQ(Parse(*mine)["state"], "scrubbing");
}

TEST_F(ListUploadTest, AChunkAtTheWrongOffsetIsAConflictNamingTheExpectedOne) {
  auto http = Connect();
  ASSERT_NE(http, nullptr);
  const test::HttpReply started =
      Start(http.get(), {{"name", "offsets.csv"}}, *acme_);
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string id = Parse(started)["upload_id"];
  const std::string first = "name,phone\nAnn,3032345678\n";
  ASSERT_EQ(Chunk(http.get(), id, 0, first, false, *acme_).status, 200);
  const test::HttpReply wrong =
      Chunk(http.get(), id, 5, "Bo,3032345679\n", false, *acme_);
  EXPECT_EQ(wrong.status, 409) << wrong.body;
  EXPECT_THAT(wrong.body, HasSubstr(absl::StrCat("offset=", first.size())));
  // The right offset goes on.
  const test::HttpReply right =
      Chunk(http.get(), id, first.size(), "Bo,3032345679\n", true, *acme_);
  EXPECT_EQ(right.status, 200) << right.body;
}

TEST_F(ListUploadTest, ACancelledUploadIsGoneAndRecordsNoFiles) {
  auto http = Connect();
  ASSERT_NE(http, nullptr);
  const test::HttpReply started = Start(
      http.get(), {{"name", "cancel.csv"}, {"job_id", "cancel-job"}}, *acme_);
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string id = Parse(started)["upload_id"];
  const std::string list = MakeLeadList(3000);
  ASSERT_EQ(
      Chunk(http.get(), id, 0, list.substr(0, list.size() / 2), false, *acme_)
          .status,
      200);
  const auto cancel = http->Post("/v1/lists/cancel?upload_id=" + id,
                                 "application/json", "", Key(*acme_));
  ASSERT_TRUE(cancel.ok());
  EXPECT_EQ(cancel->status, 200) << cancel->body;
  EXPECT_EQ(Parse(*cancel)["state"], "cancelled");
  const test::HttpReply after =
      Chunk(http.get(), id, list.size() / 2, list.substr(list.size() / 2), true,
            *acme_);
  EXPECT_EQ(after.status, 404) << after.body;
  // Batches answered before the cancel are audited, but no files are tied
  // to the job.
  const test::RunResult report = Dnc({"report", "cancel-job", "--json"});
  if (report.exit_code == 0) {
    const Json certificate = Json::parse(report.out, nullptr, false);
    EXPECT_EQ(
        certificate.value("files", Json::object()).value("output_sha256", ""),
        "")
        << report.out;
  }
}

TEST_F(ListUploadTest, ABadFileEndsTheUploadWith400NamingTheLine) {
  auto http = Connect();
  ASSERT_NE(http, nullptr);
  const test::HttpReply started =
      Start(http.get(), {{"name", "bad.csv"}}, *acme_);
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string id = Parse(started)["upload_id"];
  const std::string bad =
      "name,phone\nAnn,3032345678\nBo,\"3032345679\nCy,3032345670\n";
  const test::HttpReply reply = Chunk(http.get(), id, 0, bad, true, *acme_);
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_THAT(reply.body, HasSubstr("line 3"));
  const test::HttpReply gone =
      Chunk(http.get(), id, bad.size(), "", true, *acme_);
  EXPECT_EQ(gone.status, 404) << gone.body;

  // No phone column: 400 naming the header.
  const test::HttpReply again =
      Start(http.get(), {{"name", "nophone.csv"}}, *acme_);
  ASSERT_EQ(again.status, 201);
  const std::string id2 = Parse(again)["upload_id"];
  const test::HttpReply no_phone = Chunk(
      http.get(), id2, 0, "name,city\nAnn,Paris\nBo,Rome\n", true, *acme_);
  EXPECT_EQ(no_phone.status, 400) << no_phone.body;
  EXPECT_THAT(no_phone.body, HasSubstr("city"));
}

TEST_F(ListUploadTest, TheStartRequestIsChecked) {
  auto http = Connect();
  ASSERT_NE(http, nullptr);
  EXPECT_EQ(Start(http.get(), Json::object(), *acme_).status, 400);
  const test::HttpReply unknown =
      Start(http.get(), {{"name", "a.csv"}, {"colour", "red"}}, *acme_);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(unknown.body, HasSubstr("colour"));
  const test::HttpReply job =
      Start(http.get(), {{"name", "a.csv"}, {"job_id", "bad job"}}, *acme_);
  EXPECT_EQ(job.status, 400);
  EXPECT_THAT(job.body, HasSubstr("job_id"));
}

TEST_F(ListUploadTest, PreviewShowsTheFormatHeaderRowsAndPhoneColumn) {
  auto http = Connect();
  ASSERT_NE(http, nullptr);
  const std::string list = MakeLeadList(300);
  // The first bytes only, cut inside a record.
  const auto reply =
      http->Post("/v1/lists/preview?name=leads.csv", "application/octet-stream",
                 list.substr(0, 4000), Key(*acme_));
  ASSERT_TRUE(reply.ok());
  ASSERT_EQ(reply->status, 200) << reply->body;
  const Json preview = Parse(*reply);
  EXPECT_EQ(preview["format"]["kind"], "csv");
  EXPECT_EQ(preview["format"]["delimiter"], ",");
  EXPECT_EQ(preview["had_header"], true);
  EXPECT_EQ(preview["header"], Json::array({"name", "notes", "phone", "city"}));
  EXPECT_EQ(preview["sample"].size(), 10u);
  EXPECT_EQ(preview["column"]["index"], 2);
  EXPECT_EQ(preview["column"]["name"], "phone");

  const auto none =
      http->Post("/v1/lists/preview?name=x.csv", "application/octet-stream",
                 "name,city\nAnn,Paris\n", Key(*acme_));
  ASSERT_TRUE(none.ok());
  ASSERT_EQ(none->status, 200) << none->body;
  EXPECT_TRUE(Parse(*none)["column"].is_null());
  EXPECT_FALSE(Parse(*none)["column_error"].get<std::string>().empty());
}

TEST_F(ListUploadTest, AnIdleUploadExpires) {
  StartServer({"--upload_idle_seconds", "1"});
  auto http = Connect();
  ASSERT_NE(http, nullptr);
  const test::HttpReply started =
      Start(http.get(), {{"name", "idle.csv"}}, *acme_);
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string id = Parse(started)["upload_id"];
  // Bounded: the sweeper runs at least every second.
  std::string body;
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto state =
        http->Get("/v1/lists/state?upload_id=" + id, Key(*acme_));
    ASSERT_TRUE(state.ok());
    if (state->status == 404) {
      body = state->body;
      break;
    }
  }
  EXPECT_THAT(body, HasSubstr("expired after 1 second idle"));
  StartServer({});
}

TEST_F(ListUploadTest, ARestartedServerKnowsNoUploads) {
  auto http = Connect();
  ASSERT_NE(http, nullptr);
  const test::HttpReply started =
      Start(http.get(), {{"name", "restart.csv"}}, *acme_);
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string id = Parse(started)["upload_id"];
  ASSERT_EQ(
      Chunk(http.get(), id, 0, "name,phone\nAnn,3032345678\n", false, *acme_)
          .status,
      200);
  StartServer({});
  auto again = Connect();
  ASSERT_NE(again, nullptr);
  const test::HttpReply reply =
      Chunk(again.get(), id, 26, "Bo,3032345679\n", true, *acme_);
  EXPECT_EQ(reply.status, 404) << reply.body;
  EXPECT_THAT(reply.body, HasSubstr("the server restarted"));
  EXPECT_THAT(reply.body, HasSubstr("start the upload again"));
}

}  // namespace
}  // namespace dnc
