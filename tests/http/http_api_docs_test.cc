// The examples of docs/http-api.md, run as written (bash + curl) against the
// real dnc-server over TCP, with a registry the real dnc-load published, a
// tenant the real dnc-tenant made and an opt-out the real dnc CLI added; and
// the JSON API over one kept-alive connection (tests/testing/http_client.h).
//
// An example in the document is a line "<!-- example -->", then a ```sh
// block (the command; $DNC is the server's base URL, $DNC_KEY acme's key),
// then a ```json or ```text block: what the command prints. In JSON, the
// string "..." matches any value; otherwise objects must have the same keys
// and arrays the same elements. Text must match exactly.
#include <signal.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/http_client.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

struct Example {
  int line = 0;  // Of the marker, for messages.
  std::string command;
  std::string kind;  // "json" or "text".
  std::string expected;
};

// The examples of `markdown`, in order; a marker not followed by the two
// blocks fails the test.
std::vector<Example> ExtractExamples(const std::string& markdown) {
  std::vector<std::string> lines;
  std::istringstream in(markdown);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::vector<Example> examples;
  // The block opened at or after lines[*i] ("```kind"): its kind and text.
  auto block = [&](size_t* i, std::string* kind, std::string* text) {
    while (*i < lines.size() && lines[*i].rfind("```", 0) != 0) ++*i;
    if (*i == lines.size()) return false;
    *kind = lines[*i].substr(3);
    text->clear();
    for (++*i; *i < lines.size() && lines[*i] != "```"; ++*i) {
      *text += lines[*i] + "\n";
    }
    ++*i;
    return true;
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != "<!-- example -->") continue;
    Example example;
    example.line = static_cast<int>(i + 1);
    std::string kind;
    size_t j = i + 1;
    EXPECT_TRUE(block(&j, &kind, &example.command) && kind == "sh")
        << "line " << example.line << ": no ```sh block after the marker";
    EXPECT_TRUE(block(&j, &example.kind, &example.expected) &&
                (example.kind == "json" || example.kind == "text"))
        << "line " << example.line << ": no ```json or ```text answer";
    examples.push_back(example);
    i = j - 1;
  }
  return examples;
}

// Empty if `actual` matches `expected` (see the file comment), else where
// and how it differs.
std::string Mismatch(const Json& expected, const Json& actual,
                     const std::string& path) {
  if (expected.is_string() && expected.get<std::string>() == "...") return "";
  if (expected.is_object() && actual.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      if (!actual.contains(key))
        return absl::StrCat(path, ".", key, " missing");
      std::string inner = Mismatch(value, actual[key], path + "." + key);
      if (!inner.empty()) return inner;
    }
    for (const auto& [key, value] : actual.items()) {
      if (!expected.contains(key)) {
        return absl::StrCat(path, ".", key, " not in the document");
      }
    }
    return "";
  }
  if (expected.is_array() && actual.is_array()) {
    if (expected.size() != actual.size()) {
      return absl::StrCat(path, " has ", actual.size(), " elements, not ",
                          expected.size());
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      std::string inner =
          Mismatch(expected[i], actual[i], absl::StrCat(path, "[", i, "]"));
      if (!inner.empty()) return inner;
    }
    return "";
  }
  if (expected == actual) return "";
  return absl::StrCat(path, " is ", actual.dump(), ", not ", expected.dump());
}

std::string Today() {
  const std::time_t now = std::time(nullptr);
  std::tm utc;
  gmtime_r(&now, &utc);
  char text[16];
  std::strftime(text, sizeof(text), "%Y-%m-%d", &utc);
  return text;
}

class HttpApiDocsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir();
    const std::string list = dir_->Path("us-ftc.txt");
    std::ofstream(list) << "212,2345601\n212,2345602\n";
    const std::string data = dir_->Path("data");
    const std::string tenants = dir_->Path("tenants");
    const test::RunResult load =
        test::RunProcess({DNC_LOAD_BIN, "--data", data, "--source", "us-ftc",
                          "--as_of", Today(), list},
                         dir_->path(), std::chrono::seconds(120));
    ASSERT_EQ(load.exit_code, 0) << load.out << load.err;
    const test::RunResult tenant =
        test::RunProcess({DNC_TENANT_BIN, "--tenants", tenants, "create",
                          "acme", "--entitle", "us-ftc:all"},
                         dir_->path(), std::chrono::seconds(60));
    ASSERT_EQ(tenant.exit_code, 0) << tenant.err;
    key_ = new std::string(absl::StripAsciiWhitespace(tenant.out));

    const std::string grpc_port_file = dir_->Path("grpc.port");
    const std::string http_port_file = dir_->Path("http.port");
    server_ = new test::BackgroundProcess(
        {DNC_SERVER_BIN, "--data", data, "--tenants", tenants, "--listen",
         "127.0.0.1:0", "--port_file", grpc_port_file, "--http_listen",
         "127.0.0.1:0", "--http_port_file", http_port_file,
         "--max_batch_entries", "5"},
        dir_->Path("server"));
    // Bounded waits for the ports; no timing is asserted.
    const std::string grpc_port = std::string(absl::StripAsciiWhitespace(
        test::WaitForFile(grpc_port_file, std::chrono::seconds(30))));
    const std::string http_port = std::string(absl::StripAsciiWhitespace(
        test::WaitForFile(http_port_file, std::chrono::seconds(30))));
    ASSERT_TRUE(absl::SimpleAtoi(http_port, &http_port_))
        << "no HTTP port: " << server_->Stderr();
    ASSERT_FALSE(grpc_port.empty()) << server_->Stderr();
    const test::RunResult opt_out = test::RunProcess(
        {DNC_CLI_BIN, "--server", "127.0.0.1:" + grpc_port,
         "--api_key=" + *key_, "optout", "add", "212-234-5610"},
        dir_->path(), std::chrono::seconds(60));
    ASSERT_EQ(opt_out.exit_code, 0) << opt_out.out << opt_out.err;
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) server_->Stop(SIGTERM);
    delete server_;
    delete key_;
    delete dir_;
  }

  static std::string BaseUrl() {
    return absl::StrCat("http://127.0.0.1:", http_port_);
  }

  static inline test::ScratchDir* dir_ = nullptr;
  static inline test::BackgroundProcess* server_ = nullptr;
  static inline std::string* key_ = nullptr;
  static inline int http_port_ = 0;
};

TEST_F(HttpApiDocsTest, EveryExampleOfTheDocumentAnswersAsShown) {
  ASSERT_GT(http_port_, 0);
  ASSERT_EQ(test::RunProcess({"/bin/bash", "-c", "command -v curl"},
                             dir_->path(), std::chrono::seconds(10))
                .exit_code,
            0)
      << "the examples need curl (Debian package curl)";
  const std::string markdown =
      test::ReadWholeFile(std::string(DNC_DOCS_DIR) + "/http-api.md");
  const std::vector<Example> examples = ExtractExamples(markdown);
  // Every route's examples are there (a broken extractor cannot pass).
  ASSERT_GE(examples.size(), 14u);
  for (const Example& example : examples) {
    SCOPED_TRACE(
        absl::StrCat("docs/http-api.md:", example.line, "\n", example.command));
    const test::RunResult run = test::RunProcess(
        {"/bin/bash", "-c", example.command}, dir_->path(),
        std::chrono::seconds(60), {"DNC=" + BaseUrl(), "DNC_KEY=" + *key_});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    if (example.kind == "text") {
      EXPECT_EQ(run.out + "\n", example.expected);
      continue;
    }
    const Json expected =
        Json::parse(example.expected, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(expected.is_discarded()) << "the document's JSON is not JSON";
    const Json actual = Json::parse(run.out, nullptr, false);
    ASSERT_FALSE(actual.is_discarded()) << "not JSON: " << run.out;
    EXPECT_EQ(Mismatch(expected, actual, "answer"), "") << run.out;
  }
}

// Every key of every JSON object in `json`, into *keys.
void CollectKeys(const Json& json, std::set<std::string>* keys) {
  if (json.is_object()) {
    for (const auto& [key, value] : json.items()) {
      keys->insert(key);
      CollectKeys(value, keys);
    }
  } else if (json.is_array()) {
    for (const Json& value : json) CollectKeys(value, keys);
  }
}

// The OpenAPI file describes what the examples show: each JSON route, and
// every field any example answer carries (as a property name). Not a
// schema validation: a cheap tie between the two documents.
TEST(HttpApiOpenApiTest, DescribesEveryRouteAndEveryFieldOfTheExamples) {
  const std::string yaml =
      test::ReadWholeFile(std::string(DNC_DOCS_DIR) + "/http-api.openapi.yaml");
  ASSERT_FALSE(yaml.empty());
  EXPECT_THAT(yaml, HasSubstr("openapi: 3.0.3\n"));
  for (const char* path :
       {"/v1/check:", "/v1/check.txt:", "/v1/scrub:", "/v1/status:"}) {
    EXPECT_THAT(yaml, HasSubstr(absl::StrCat("\n  ", path, "\n"))) << path;
  }
  std::set<std::string> keys;
  for (const Example& example : ExtractExamples(
           test::ReadWholeFile(std::string(DNC_DOCS_DIR) + "/http-api.md"))) {
    if (example.kind != "json") continue;
    CollectKeys(Json::parse(example.expected, nullptr, false), &keys);
  }
  ASSERT_GT(keys.size(), 30u);
  for (const std::string& key : keys) {
    EXPECT_THAT(yaml, HasSubstr(" " + key + ":")) << key;
  }
}

TEST_F(HttpApiDocsTest, TheRoutesAnswerOnOneKeptAliveConnection) {
  ASSERT_GT(http_port_, 0);
  auto client = test::HttpClient::Connect(http_port_);
  ASSERT_TRUE(client.ok()) << client.status();
  const test::HttpHeaders key = {{"x-api-key", *key_}};
  for (int round = 0; round < 3; ++round) {
    auto check = (*client)->Get("/v1/check?phone=2122345601", key);
    ASSERT_TRUE(check.ok()) << check.status();
    EXPECT_EQ(check->status, 200);
    EXPECT_EQ(check->ContentType(), "application/json");
    EXPECT_TRUE(check->keep_alive);
    EXPECT_EQ(Json::parse(check->body)["disposition"], "BLOCKED");

    auto text = (*client)->Get("/v1/check.txt?phone=6172345678", key);
    ASSERT_TRUE(text.ok()) << text.status();
    EXPECT_EQ(text->body, "0");
    EXPECT_THAT(text->ContentType(), HasSubstr("text/plain"));

    auto scrub =
        (*client)->Post("/v1/scrub", "application/json",
                        R"({"numbers": ["212-234-5610", 12122345602]})", key);
    ASSERT_TRUE(scrub.ok()) << scrub.status();
    EXPECT_EQ(scrub->status, 400);  // Mixed types: refused, named.
    EXPECT_THAT(scrub->body, HasSubstr("numbers mixes strings and integers"));
    scrub = (*client)->Post("/v1/scrub", "application/json",
                            R"({"numbers": ["212-234-5610", "212-234-5602"]})",
                            key);
    ASSERT_TRUE(scrub.ok()) << scrub.status();
    const Json scrubbed = Json::parse(scrub->body);
    EXPECT_EQ(scrubbed["results"][0]["disposition"], "INTERNAL");
    EXPECT_EQ(scrubbed["results"][1]["disposition"], "BLOCKED");

    auto wrong = (*client)->Get("/v1/status", {{"x-api-key", "dnc_wrong"}});
    ASSERT_TRUE(wrong.ok()) << wrong.status();
    EXPECT_EQ(wrong->status, 401);
    const std::string* challenge = wrong->Header("www-authenticate");
    ASSERT_NE(challenge, nullptr);
    EXPECT_THAT(*challenge, HasSubstr("x-api-key"));
  }
}

}  // namespace
}  // namespace dnc
