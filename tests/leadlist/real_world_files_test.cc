// The real-world file table end to end: real_world_files.py writes the same
// ~200 people the ways lead lists really arrive (semicolon + BOM, tab,
// Excel's UTF-16 "Unicode Text", Windows-1252, ="..." cells, scientific
// notation, pipe, CRLF, an .xlsx) and the registry listing some of them;
// dnc-load loads it, dnc-tenant makes a tenant, a real dnc-server serves on
// 127.0.0.1:0, and the real `dnc scrub` scrubs every file with a fixed
// --now. Every row must get the disposition, callable flag and E.164 the
// same row of clean.csv gets, except the rows the manifest lists as damaged:
// those are MALFORMED, not callable, flagged and counted.
#include <signal.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leadlist/csv.h"
#include "leadlist/lead_list_input.h"
#include "nlohmann/json.hpp"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc {
namespace {

using test::BackgroundProcess;
using test::RunProcess;
using test::RunResult;
using ::testing::HasSubstr;
using Rows = std::vector<std::vector<std::string>>;

constexpr auto kTimeout = std::chrono::seconds(120);
// 2026-11-23 14:00 in New York: fixed, so every run answers the same.
constexpr char kNow[] = "1795460400";

std::string Today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm_utc;
  gmtime_r(&now, &tm_utc);
  char text[16];
  std::strftime(text, sizeof(text), "%Y-%m-%d", &tm_utc);
  return text;
}

std::string Trim(std::string text) {
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// A scrubbed file: UTF-8 in the input's separator (maybe with a BOM).
Rows ParseOutput(const std::string& path, char delimiter) {
  std::istringstream in(test::ReadWholeFile(path));
  leadlist::CsvReaderOptions options;
  options.delimiter = delimiter;
  leadlist::CsvReader reader(&in, options);
  Rows rows;
  leadlist::CsvRow row;
  while (true) {
    absl::StatusOr<bool> got = reader.ReadRow(&row);
    EXPECT_TRUE(got.ok()) << path << ": " << got.status();
    if (!got.ok() || !*got) break;
    rows.push_back(row.ToVector());
  }
  return rows;
}

// The three dnc columns compared per row.
struct Answer {
  std::string disposition, callable, e164, reason;
};

std::vector<Answer> Answers(const Rows& rows) {
  std::vector<Answer> answers;
  if (rows.empty()) return answers;
  const std::vector<std::string>& header = rows[0];
  size_t d = header.size();
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "dnc_disposition") d = i;
  }
  EXPECT_LT(d, header.size()) << "no dnc_disposition column";
  if (d + 3 >= header.size()) return answers;
  for (size_t r = 1; r < rows.size(); ++r) {
    const std::vector<std::string>& row = rows[r];
    if (row.size() <= d + 3) {
      ADD_FAILURE() << "row " << r << " is short";
      answers.push_back({});
      continue;
    }
    answers.push_back({row[d], row[d + 1], row[d + 2], row[d + 3]});
  }
  return answers;
}

class RealWorldFilesTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir();
    out_ = dir_->Path("files");
    const RunResult made = RunProcess({DNC_PYTHON, DNC_REAL_WORLD_FILES, out_},
                                      dir_->path(), kTimeout);
    ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
    manifest_ = new nlohmann::json(
        nlohmann::json::parse(test::ReadWholeFile(out_ + "/manifest.json")));
    const std::string data = dir_->Path("data");
    const std::string tenants = dir_->Path("tenants");
    const RunResult load = RunProcess(
        {DNC_LOAD_BIN, "--data", data, "--source", "us-ftc", "--as_of", Today(),
         out_ + "/" + (*manifest_)["registry"].get<std::string>()},
        dir_->path(), kTimeout);
    ASSERT_EQ(load.exit_code, 0) << load.out << load.err;
    const RunResult tenant =
        RunProcess({DNC_TENANT_BIN, "--tenants", tenants, "create", "acme",
                    "--entitle", "us-ftc:all"},
                   dir_->path(), kTimeout);
    ASSERT_EQ(tenant.exit_code, 0) << tenant.out << tenant.err;
    key_ = new std::string(Trim(tenant.out));
    const std::string port_file = dir_->Path("server.port");
    server_ = new BackgroundProcess(
        {DNC_SERVER_BIN, "--data", data, "--tenants", tenants, "--listen",
         "127.0.0.1:0", "--port_file", port_file},
        dir_->Path("server"));
    std::string port;
    for (int i = 0; i < 300 && port.empty() && server_->running(); ++i) {
      port = test::WaitForFile(port_file, std::chrono::milliseconds(100));
    }
    ASSERT_FALSE(port.empty())
        << "dnc-server did not start: " << server_->Stderr();
    address_ = new std::string("127.0.0.1:" + Trim(port));
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) server_->Stop(SIGTERM);
    delete server_;
    delete address_;
    delete key_;
    delete manifest_;
    delete dir_;
    server_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(address_, nullptr) << "the suite's set-up failed";
  }

  // `dnc scrub FILE -o OUT --now ...`; extra flags appended.
  static RunResult Scrub(const std::string& file, const std::string& output,
                         const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {DNC_CLI_BIN,
                                     "--server",
                                     *address_,
                                     "--api_key=" + *key_,
                                     "scrub",
                                     out_ + "/" + file,
                                     "-o",
                                     output,
                                     std::string("--now=") + kNow};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunProcess(argv, dir_->path(), kTimeout);
  }

  // The manifest's entry for `file`, or null.
  static const nlohmann::json* Entry(const std::string& file) {
    for (const nlohmann::json& entry : (*manifest_)["files"]) {
      if (entry["file"] == file) return &entry;
    }
    return nullptr;
  }

  // clean.csv's answers (scrubbed once).
  static const std::vector<Answer>& CleanAnswers() {
    static const std::vector<Answer>* clean = [] {
      const std::string output = dir_->Path("clean.scrubbed.csv");
      const RunResult r = Scrub("clean.csv", output);
      EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
      return new std::vector<Answer>(Answers(ParseOutput(output, ',')));
    }();
    return *clean;
  }

  static test::ScratchDir* dir_;
  static std::string out_;
  static nlohmann::json* manifest_;
  static std::string* key_;
  static BackgroundProcess* server_;
  static std::string* address_;
};

test::ScratchDir* RealWorldFilesTest::dir_ = nullptr;
std::string RealWorldFilesTest::out_;
nlohmann::json* RealWorldFilesTest::manifest_ = nullptr;
std::string* RealWorldFilesTest::key_ = nullptr;
BackgroundProcess* RealWorldFilesTest::server_ = nullptr;
std::string* RealWorldFilesTest::address_ = nullptr;

// The generator and the registry agree: clean.csv gets what the manifest
// says each row is (listed: BLOCKED, unlisted: CALLABLE, ...).
TEST_F(RealWorldFilesTest, CleanFileGetsTheManifestsDispositions) {
  const std::vector<Answer>& clean = CleanAnswers();
  const nlohmann::json& expected = (*manifest_)["expected"];
  ASSERT_EQ(clean.size(), expected.size());
  ASSERT_EQ(clean.size(), (*manifest_)["rows"].get<size_t>());
  for (size_t i = 0; i < clean.size(); ++i) {
    EXPECT_EQ(clean[i].disposition, expected[i].get<std::string>())
        << "row " << i;
  }
}

TEST_P(RealWorldFilesTest, EveryRowGetsTheCleanFilesAnswer) {
  const std::string file = GetParam();
  const nlohmann::json* entry = Entry(file);
  if (entry == nullptr && file == "workbook.xlsx") {
    GTEST_SKIP() << "real_world_files.py wrote no workbook.xlsx: "
                    "python3-openpyxl is missing from " DNC_PYTHON
                    " (scripts/setup.sh installs it)";
  }
  ASSERT_NE(entry, nullptr) << file << " is not in the manifest";
  const nlohmann::json& format = (*entry)["expect_format"];
  const char delimiter = format["delimiter"].get<std::string>()[0];
  const std::string output = dir_->Path(file + ".scrubbed.csv");
  const RunResult r = Scrub(file, output);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  // The summary names the format as detected, and the damaged numbers.
  leadlist::InputFormat described;
  described.kind = format["kind"].get<std::string>();
  described.encoding = format["encoding"].get<std::string>();
  described.delimiter = delimiter;
  described.sheet = "Leads";
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat(
                         "Read as ", leadlist::DescribeInputFormat(described))))
      << r.out;
  const size_t damaged_count = (*entry)["expect_damaged"].get<size_t>();
  if (damaged_count > 0) {
    EXPECT_THAT(r.out, HasSubstr(absl::StrCat(
                           "Damaged numbers: ", damaged_count, " phone cell")))
        << r.out;
  } else {
    EXPECT_THAT(r.out, ::testing::Not(HasSubstr("Damaged numbers")));
  }

  const std::vector<Answer> answers = Answers(ParseOutput(output, delimiter));
  const std::vector<Answer>& clean = CleanAnswers();
  ASSERT_EQ(answers.size(), clean.size()) << file;
  std::vector<bool> damaged(clean.size(), false);
  for (const nlohmann::json& row : (*entry)["damaged_rows"]) {
    damaged[row.get<size_t>()] = true;
  }
  for (size_t i = 0; i < clean.size(); ++i) {
    if (damaged[i]) {
      EXPECT_EQ(answers[i].disposition, "MALFORMED") << file << " row " << i;
      EXPECT_EQ(answers[i].callable, "no") << file << " row " << i;
      EXPECT_EQ(answers[i].e164, "") << file << " row " << i;
      EXPECT_THAT(answers[i].reason, HasSubstr("scientific notation"))
          << file << " row " << i;
      continue;
    }
    EXPECT_EQ(answers[i].disposition, clean[i].disposition)
        << file << " row " << i;
    EXPECT_EQ(answers[i].callable, clean[i].callable) << file << " row " << i;
    EXPECT_EQ(answers[i].e164, clean[i].e164) << file << " row " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Files, RealWorldFilesTest,
    ::testing::Values("semicolon_bom.csv", "tab.tsv", "unicode_text.txt",
                      "windows1252.csv", "excel_formula_text.csv",
                      "scientific.csv", "pipe.txt", "crlf.csv",
                      "workbook.xlsx"),
    [](const ::testing::TestParamInfo<std::string>& info) {
      std::string name;
      for (const char c : info.param) {
        name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
      }
      return name;
    });

// Flags override detection, and bad values are refused naming the flag.
TEST_F(RealWorldFilesTest, FlagsOverrideDetectionAndBadValuesAreRefused) {
  // Read as comma-separated, the semicolon file has one column and no
  // phone header: the scrub fails naming the header it saw.
  RunResult r = Scrub("semicolon_bom.csv", dir_->Path("forced.csv"),
                      {"--delimiter=comma"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("no phone column found"));
  r = Scrub("windows1252.csv", dir_->Path("forced.csv"),
            {"--delimiter=semicolon", "--encoding=cp1252"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Read as Windows-1252, semicolon-separated"));
  r = Scrub("tab.tsv", dir_->Path("bad.csv"), {"--delimiter=colon"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--delimiter \"colon\" is not one we read: use "
                               "comma, semicolon, tab or pipe"));
  r = Scrub("tab.tsv", dir_->Path("bad.csv"), {"--encoding=utf-32"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--encoding \"utf-32\" is not one we read"));
  r = Scrub("tab.tsv", dir_->Path("bad.csv"), {"--sheet=2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("Excel workbooks (.xlsx) only"));
}

// `dnc optout import` reads the same files through the same reader. (Last
// in its suite: it puts the numbers on this tenant's internal list.)
TEST_F(RealWorldFilesTest, OptOutImportReadsTheSameFiles) {
  const auto import = [](const std::string& file) {
    return RunProcess({DNC_CLI_BIN, "--server", *address_, "--api_key=" + *key_,
                       "optout", "import", out_ + "/" + file},
                      dir_->path(), kTimeout);
  };
  // 160 numbers; the 20 invalid and 20 malformed rows are rejected.
  RunResult r = import("unicode_text.txt");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("Imported 200 rows from " + out_ +
                               "/unicode_text.txt: 160 added, 0 already on "
                               "the list, 40 rejected."));
  EXPECT_THAT(r.out, HasSubstr("\"Telefonnummer\""));
  // The same numbers as ="..." cells: all already there.
  r = import("excel_formula_text.csv");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("0 added, 160 already on the list"));
  r = RunProcess({DNC_CLI_BIN, "--server", *address_, "--api_key=" + *key_,
                  "optout", "import", out_ + "/tab.tsv", "--encoding=ascii"},
                 dir_->path(), kTimeout);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--encoding \"ascii\" is not one we read"));
}

}  // namespace
}  // namespace dnc
