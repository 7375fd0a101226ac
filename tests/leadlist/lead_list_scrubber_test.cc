#include "leadlist/lead_list_scrubber.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/lead_list_file.h"
#include "client/scrub_client.h"
#include "common/phone_number.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leadlist/csv.h"
#include "leadlist/lead_list_input.h"
#include "leadlist/lead_list_summary.h"
#include "leadlist/scrub_mapping.h"
#include "leadlist/spreadsheet_cells.h"
#include "tests/client/fake_scrub_server.h"
#include "tests/testing/scratch_dir.h"

namespace dnc::leadlist {
namespace {

namespace fake = client::fake;
using client::ClientOptions;
using client::ScrubClient;
using client::ScrubLeadListFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Rows = std::vector<std::vector<std::string>>;

// --- Rows to entries and back (pure, no server) ------------------------------

TEST(ScrubMappingTest, PackedNumbersComeFirstThenRawTextWithIdsPerEntry) {
  const std::vector<std::string> cells = {
      "hello",           // malformed -> raw
      "(202) 555-1234",  // valid -> e164
      "",                // empty -> raw
      "(911) 555-1234",  // invalid (N11 area code) -> e164
      "415.555.0000",    // valid -> e164
      "12"};             // malformed -> raw
  ASSERT_EQ(ParsePhoneNumber(cells[3]).number_class, NumberClass::kInvalid);
  std::vector<std::string_view> views(cells.begin(), cells.end());
  v1::ScrubRequest request;
  std::vector<uint32_t> entry_of_cell;
  BuildScrubRequest(views, /*first_id=*/100, &request, &entry_of_cell);
  EXPECT_THAT(request.e164(),
              ElementsAre(12025551234u, 19115551234u, 14155550000u));
  EXPECT_THAT(request.raw(), ElementsAre("hello", "", "12"));
  EXPECT_THAT(entry_of_cell, ElementsAre(3, 0, 4, 1, 2, 5));
  EXPECT_THAT(request.ids(), ElementsAre(101, 103, 104, 100, 102, 105));
}

// A hand-written response in entry order, read back onto cells.
TEST(ScrubMappingTest, ResponseEntriesLandOnTheRowsTheyCameFrom) {
  const std::vector<std::string_view> cells = {"junk", "2025551234",
                                               "(911) 555-1234"};
  v1::ScrubRequest request;
  std::vector<uint32_t> entry_of_cell;
  BuildScrubRequest(cells, 1, &request, &entry_of_cell);
  ASSERT_THAT(entry_of_cell, ElementsAre(2, 0, 1));
  v1::ScrubResponse response;
  response.add_dispositions(v1::BLOCKED);    // entry 0: 2025551234
  response.add_dispositions(v1::INVALID);    // entry 1: 911...
  response.add_dispositions(v1::MALFORMED);  // entry 2: junk
  for (uint64_t e : {uint64_t{12025551234}, uint64_t{19115551234}, uint64_t{0}})
    response.add_e164(e);
  *response.mutable_ids() = request.ids();
  v1::SnapshotRef* ftc = response.add_snapshots();
  ftc->set_source("us-ftc");
  ftc->set_generation("g000001");
  ftc->set_as_of("2026-11-20");
  v1::Reason* listed = response.add_reasons();
  listed->set_entry(0);
  listed->set_code(v1::LISTED);
  listed->set_snapshot(0);
  v1::Reason* internal = response.add_reasons();
  internal->set_entry(0);
  internal->set_code(v1::LISTED);
  internal->set_snapshot(0);
  internal->set_added_date("2025-01-02");
  v1::Reason* invalid = response.add_reasons();
  invalid->set_entry(1);
  invalid->set_code(v1::INVALID_NUMBER);
  invalid->set_detail("N11 service code used as area code");
  v1::Reason* malformed = response.add_reasons();
  malformed->set_entry(2);
  malformed->set_code(v1::MALFORMED_NUMBER);
  malformed->set_detail("letters in the number");

  std::vector<CellVerdict> verdicts;
  ASSERT_TRUE(ApplyScrubResponse(response, entry_of_cell, 1, &verdicts).ok());
  ASSERT_EQ(verdicts.size(), 3u);
  EXPECT_EQ(verdicts[0].disposition, v1::MALFORMED);
  EXPECT_EQ(verdicts[0].e164, 0u);
  EXPECT_THAT(verdicts[0].reasons, ElementsAre("letters in the number"));
  EXPECT_EQ(verdicts[1].disposition, v1::BLOCKED);
  EXPECT_FALSE(verdicts[1].callable);
  EXPECT_EQ(verdicts[1].e164, 12025551234u);
  EXPECT_THAT(
      verdicts[1].reasons,
      ElementsAre("us-ftc g000001 as of 2026-11-20",
                  "us-ftc g000001 as of 2026-11-20 (added 2025-01-02)"));
  EXPECT_EQ(verdicts[2].disposition, v1::INVALID);
  EXPECT_THAT(verdicts[2].reasons,
              ElementsAre("N11 service code used as area code"));
}

TEST(ScrubMappingTest, UnknownDispositionIsWrittenAsItsNumberAndNotCallable) {
  EXPECT_EQ(DispositionName(42), "42");
  EXPECT_EQ(DispositionName(v1::EXEMPT), "EXEMPT");
  EXPECT_FALSE(IsCallableDisposition(42));
  EXPECT_FALSE(IsCallableDisposition(v1::DISPOSITION_UNSPECIFIED));
  EXPECT_TRUE(IsCallableDisposition(v1::CALLABLE));
  EXPECT_TRUE(IsCallableDisposition(v1::EXEMPT));
  v1::ScrubResponse response;
  response.add_dispositions(static_cast<v1::Disposition>(42));
  std::vector<CellVerdict> verdicts;
  const std::vector<uint32_t> plan = {0};
  ASSERT_TRUE(ApplyScrubResponse(response, plan, 0, &verdicts).ok());
  EXPECT_EQ(verdicts[0].disposition, 42);
  EXPECT_FALSE(verdicts[0].callable);
}

TEST(ScrubMappingTest, ResponseThatDoesNotFitTheRequestIsAnError) {
  const std::vector<std::string_view> cells = {"2025551234", "x"};
  v1::ScrubRequest request;
  std::vector<uint32_t> plan;
  BuildScrubRequest(cells, 7, &request, &plan);
  v1::ScrubResponse good;
  good.add_dispositions(v1::CALLABLE);
  good.add_dispositions(v1::MALFORMED);
  *good.mutable_ids() = request.ids();
  std::vector<CellVerdict> verdicts;
  ASSERT_TRUE(ApplyScrubResponse(good, plan, 7, &verdicts).ok());

  v1::ScrubResponse short_response = good;
  short_response.mutable_dispositions()->RemoveLast();
  EXPECT_EQ(ApplyScrubResponse(short_response, plan, 7, &verdicts).code(),
            absl::StatusCode::kInternal);
  v1::ScrubResponse swapped_ids = good;
  swapped_ids.mutable_ids()->SwapElements(0, 1);
  EXPECT_EQ(ApplyScrubResponse(swapped_ids, plan, 7, &verdicts).code(),
            absl::StatusCode::kInternal);
  v1::ScrubResponse bad_reason = good;
  bad_reason.add_reasons()->set_entry(2);
  EXPECT_EQ(ApplyScrubResponse(bad_reason, plan, 7, &verdicts).code(),
            absl::StatusCode::kInternal);
}

// Random cells through request -> simulated server -> response, compared
// with an oracle that looks at each cell directly.
TEST(ScrubMappingTest, RandomMixMapsEveryRowToItsOwnAnswer) {
  std::mt19937_64 rng(7);
  const std::vector<std::string> shapes = {"(%s) %s-%s", "%s.%s.%s",
                                           "+1 %s %s %s", "1-%s-%s-%s"};
  fake::FakeScrubService oracle;
  std::vector<std::string> cells;
  for (int i = 0; i < 3000; ++i) {
    const int kind = static_cast<int>(rng() % 5);
    if (kind == 0) {
      cells.push_back(absl::StrCat("junk", rng() % 100));
    } else if (kind == 1) {
      cells.push_back("");
    } else {
      const int npa = kind == 2 ? 911 : 200 + static_cast<int>(rng() % 700);
      const std::string number =
          absl::StrCat(npa, 200 + rng() % 700, 1000 + rng() % 9000);
      cells.push_back(number);
      if (rng() % 3 == 0) {
        const ParsedNumber parsed = ParsePhoneNumber(number);
        if (parsed.valid()) oracle.listed[parsed.e164] = {0, ""};
      }
    }
  }
  std::vector<std::string_view> views(cells.begin(), cells.end());
  v1::ScrubRequest request;
  std::vector<uint32_t> plan;
  BuildScrubRequest(views, 1, &request, &plan);
  v1::ScrubResponse response;
  ASSERT_TRUE(oracle.Answer(request, &response).ok());
  std::vector<CellVerdict> verdicts;
  ASSERT_TRUE(ApplyScrubResponse(response, plan, 1, &verdicts).ok());
  for (size_t i = 0; i < cells.size(); ++i) {
    v1::ScrubResponse expected;
    oracle.Answer(ParsePhoneNumber(cells[i]), &expected, 0);
    EXPECT_EQ(verdicts[i].disposition, expected.dispositions(0)) << cells[i];
    EXPECT_EQ(verdicts[i].e164, expected.e164(0)) << cells[i];
  }
}

// --- Whole lead lists against an in-process fake server ----------------------

// 2026-11-23 14:00 and 22:00 in New York (UTC-5).
constexpr int64_t kNoonInNewYork = 1795460400;
constexpr int64_t kEveningInNewYork = 1795489200;

class LeadListScrubberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.service().listed[12025551234] = {0, "2024-05-06"};
    server_.service().listed[14155550000] = {1, ""};
    server_.Start();
    ASSERT_TRUE(server_.started());
    ClientOptions options;
    options.server = server_.address();
    options.timeout = absl::Seconds(20);
    absl::StatusOr<std::unique_ptr<ScrubClient>> client =
        ScrubClient::Create(options);
    ASSERT_TRUE(client.ok());
    client_ = std::move(*client);
  }

  absl::StatusOr<LeadListResult> ScrubText(const std::string& input,
                                           std::string* output,
                                           LeadListOptions options = {}) {
    std::istringstream in(input);
    std::ostringstream out;
    CsvReader reader(&in);
    absl::StatusOr<LeadListResult> result;
    {
      CsvWriter writer(&out);
      result = ScrubLeadList(
          &reader, &writer, [this] { return client_->OpenStream(); }, options);
      EXPECT_TRUE(writer.Flush().ok());
    }
    *output = out.str();
    return result;
  }

  static Rows Parse(const std::string& text) {
    std::istringstream in(text);
    CsvReader reader(&in);
    Rows rows;
    CsvRow row;
    while (*reader.ReadRow(&row)) rows.push_back(row.ToVector());
    return rows;
  }

  fake::FakeScrubServer server_;
  std::unique_ptr<ScrubClient> client_;
  test::ScratchDir dir_;
};

TEST_F(LeadListScrubberTest,
       AppendsDispositionColumnsAndKeepsEveryInputColumn) {
  const std::string input =
      "Name,Phone Number,Note\n"
      "\"Smith, Ann\",(202) 555-1234,\"said \"\"no\"\"\"\n"
      "Bob,415.555.0000,internal\n"
      "Cy,+1 303 555 1234,\"two\nlines\"\n"
      "Di,(911) 555-1234,\n"
      "Ed,,empty\n"
      "Fay,call me,text\n";
  std::string output;
  LeadListOptions options;
  options.now_unix_seconds = kNoonInNewYork;
  absl::StatusOr<LeadListResult> result = ScrubText(input, &output, options);
  ASSERT_TRUE(result.ok()) << result.status();
  const Rows rows = Parse(output);
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_THAT(rows[0],
              ElementsAre("Name", "Phone Number", "Note", "dnc_disposition",
                          "dnc_callable", "dnc_e164", "dnc_reason",
                          "dnc_window", "dnc_callable_now"));
  EXPECT_THAT(rows[1],
              ElementsAre("Smith, Ann", "(202) 555-1234", "said \"no\"",
                          "BLOCKED", "no", "+12025551234",
                          "us-ftc g000001 as of 2026-11-20 (added 2024-05-06)",
                          "08:00-21:00 America/New_York", "no"));
  EXPECT_THAT(rows[2],
              ElementsAre("Bob", "415.555.0000", "internal", "INTERNAL", "no",
                          "+14155550000", "internal g000007 as of 2026-11-21",
                          "unknown", "no"));
  EXPECT_THAT(rows[3],
              ElementsAre("Cy", "+1 303 555 1234", "two\nlines", "CALLABLE",
                          "yes", "+13035551234", "", "unknown", "no"));
  EXPECT_THAT(
      rows[4],
      ElementsAre("Di", "(911) 555-1234", "", "INVALID", "no", "+19115551234",
                  "N11 service code used as area code", "unknown", "no"));
  EXPECT_EQ(rows[5][3], "MALFORMED");
  EXPECT_EQ(rows[5][5], "");
  EXPECT_EQ(rows[6][3], "MALFORMED");
  EXPECT_EQ(result->rows, 6u);
  EXPECT_EQ(result->callable, 1u);
  EXPECT_EQ(result->not_callable, 5u);
  EXPECT_EQ(result->by_disposition.at(v1::MALFORMED), 2u);
  EXPECT_EQ(result->column.index, 1u);
  EXPECT_TRUE(result->had_header);
  ASSERT_EQ(result->snapshots.size(), 2u);
  EXPECT_EQ(result->snapshots[1].source, "us-ftc");
  const std::string summary = FormatLeadListSummary(*result);
  EXPECT_THAT(summary, HasSubstr("MALFORMED"));
  EXPECT_THAT(summary, HasSubstr("us-ftc (US) g000001 as of 2026-11-20"));
}

// A German Excel export through the one reader: semicolons, UTF-16 "Unicode
// Text", a Telefon column, ="..." cells and numbers Excel turned into
// scientific notation (damaged: counted, flagged, never callable).
TEST_F(LeadListScrubberTest, ExcelQuirksThroughLeadListInput) {
  const std::u16string text =
      u"Name;Telefon;Ort\r\n"
      u"Jürgen;=\"2025551234\";Köln\r\n"
      u"Zoë;=\"3035551234\";Genève\r\n"
      u"Groß;3,03555E+09;Zürich\r\n"
      u"Weiß;2.02555E+09;Wien\r\n";
  std::string bytes = "\xFF\xFE";
  for (const char16_t u : text) {
    bytes.push_back(static_cast<char>(u & 0xFF));
    bytes.push_back(static_cast<char>(u >> 8));
  }
  std::istringstream raw(bytes);
  absl::StatusOr<std::unique_ptr<LeadListInput>> input =
      LeadListInput::Open(&raw, InputOptions{});
  ASSERT_TRUE(input.ok()) << input.status();
  EXPECT_EQ(DescribeInputFormat((*input)->format()),
            "UTF-16LE, semicolon-separated");
  std::ostringstream out;
  absl::StatusOr<LeadListResult> result;
  {
    CsvWriter writer(&out);
    LeadListOptions options;
    options.now_unix_seconds = kNoonInNewYork;
    result = ScrubLeadList((*input)->csv(), &writer,
                           [this] { return client_->OpenStream(); }, options);
    ASSERT_TRUE(writer.Flush().ok());
  }
  ASSERT_TRUE(result.ok()) << result.status();
  result->format = (*input)->format();
  EXPECT_EQ(result->column.name, "Telefon");
  EXPECT_EQ(result->damaged_numbers, 2u);
  EXPECT_EQ(result->callable, 1u);
  // UTF-8 out, the input's separator, a BOM for Excel.
  const std::string output = out.str();
  ASSERT_EQ(output.substr(0, 3), "\xEF\xBB\xBF");
  std::istringstream back(output);
  CsvReaderOptions semicolons;
  semicolons.delimiter = ';';
  CsvReader reader(&back, semicolons);
  Rows rows;
  CsvRow row;
  while (*reader.ReadRow(&row)) rows.push_back(row.ToVector());
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_THAT(rows[1], ElementsAre("Jürgen", "=\"2025551234\"", "Köln",
                                   "BLOCKED", "no", "+12025551234",
                                   "us-ftc g000001 as of 2026-11-20 (added "
                                   "2024-05-06)",
                                   "08:00-21:00 America/New_York", "no"));
  EXPECT_EQ(rows[2][3], "CALLABLE");
  EXPECT_EQ(rows[2][5], "+13035551234");
  for (const size_t r : {size_t{3}, size_t{4}}) {
    EXPECT_EQ(rows[r][3], "MALFORMED") << r;
    EXPECT_EQ(rows[r][4], "no") << r;
    EXPECT_EQ(rows[r][5], "") << r;
    EXPECT_EQ(rows[r][6], kDamagedNumberReason) << r;
    EXPECT_EQ(rows[r][8], "no") << r;
  }
  const std::string summary = FormatLeadListSummary(*result);
  EXPECT_THAT(summary, HasSubstr("Read as UTF-16LE, semicolon-separated"));
  EXPECT_THAT(summary, HasSubstr("Damaged numbers: 2 phone cells are in "
                                 "scientific notation"));
  EXPECT_THAT(summary, HasSubstr("re-export the phone column formatted as "
                                 "text"));
}

TEST_F(LeadListScrubberTest, RaggedRowsPassThroughAlignedAndAreCounted) {
  const std::string input =
      "phone,a,b\n"
      "2025551234\n"            // short: padded
      "3035551234,1,2,extra\n"  // long: extra kept after the dnc columns
      "\n"                      // blank: skipped
      "3035551235,1,2\n";
  std::string output;
  absl::StatusOr<LeadListResult> result = ScrubText(input, &output);
  ASSERT_TRUE(result.ok()) << result.status();
  const Rows rows = Parse(output);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_THAT(rows[1],
              ElementsAre("2025551234", "", "", "BLOCKED", "no", "+12025551234",
                          testing::_, testing::_, "no"));
  EXPECT_THAT(rows[2],
              ElementsAre("3035551234", "1", "2", "CALLABLE", "yes",
                          "+13035551234", "", "unknown", "no", "extra"));
  EXPECT_EQ(result->ragged_rows, 2u);
  EXPECT_EQ(result->blank_lines, 1u);
  EXPECT_EQ(result->rows, 3u);
}

TEST_F(LeadListScrubberTest, ManyChunksComeBackInInputOrder) {
  std::mt19937_64 rng(11);
  std::string input = "id,mobile\r\n";
  std::vector<std::string> phones;
  for (int i = 0; i < 5000; ++i) {
    std::string phone;
    switch (rng() % 4) {
      case 0:
        phone = absl::StrCat("not a number ", i);
        break;
      case 1:
        phone = absl::StrCat("(911) 555-", 1000 + i % 9000);
        break;
      default:
        phone = absl::StrCat("(303) 5", 10 + rng() % 80, "-", 1000 + i);
    }
    if (i % 5 == 0) {
      const ParsedNumber parsed = ParsePhoneNumber(phone);
      if (parsed.valid()) server_.service().listed[parsed.e164] = {0, ""};
    }
    phones.push_back(phone);
    absl::StrAppend(&input, i, ",\"", phone, "\"\r\n");
  }
  LeadListOptions options;
  options.chunk_rows = 97;
  options.max_chunks_in_flight = 3;
  options.detect_rows = 10;
  std::string output;
  absl::StatusOr<LeadListResult> result = ScrubText(input, &output, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(output.substr(0, 11), "id,mobile,d");
  EXPECT_NE(output.find("\r\n"), std::string::npos);  // Line endings kept.
  const Rows rows = Parse(output);
  ASSERT_EQ(rows.size(), phones.size() + 1);
  uint64_t callable = 0;
  for (size_t i = 0; i < phones.size(); ++i) {
    const std::vector<std::string>& row = rows[i + 1];
    ASSERT_EQ(row.size(), 8u);
    ASSERT_EQ(row[0], absl::StrCat(i));
    ASSERT_EQ(row[1], phones[i]);
    v1::ScrubResponse expected;
    server_.service().Answer(ParsePhoneNumber(phones[i]), &expected, 0);
    ASSERT_EQ(row[2], DispositionName(expected.dispositions(0))) << phones[i];
    ASSERT_EQ(row[4],
              expected.e164(0) == 0 ? "" : FormatE164(expected.e164(0)));
    callable += row[3] == "yes";
  }
  EXPECT_EQ(result->callable, callable);
  EXPECT_EQ(server_.service().stream_requests.load(), (5000 + 96) / 97);
}

TEST_F(LeadListScrubberTest, RescrubbingReplacesTheEarlierDncColumns) {
  LeadListOptions options;
  options.now_unix_seconds = kNoonInNewYork;
  std::string first;
  ASSERT_TRUE(
      ScrubText("name,phone\nAnn,2025551234\nBob,3035551234\n", &first, options)
          .ok());
  server_.service().listed.erase(12025551234);
  server_.service().listed[13035551234] = {0, ""};
  std::string second;
  absl::StatusOr<LeadListResult> result = ScrubText(first, &second, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->replaced_dnc_columns);
  const std::string expected =
      "name,phone,dnc_disposition,dnc_callable,dnc_e164,dnc_reason,"
      "dnc_window,dnc_callable_now\n"
      "Ann,2025551234,CALLABLE,yes,+12025551234,,"
      "08:00-21:00 America/New_York,yes\n"
      "Bob,3035551234,BLOCKED,no,+13035551234,"
      "us-ftc g000001 as of 2026-11-20,unknown,no\n";
  EXPECT_EQ(second, expected);
  // A file of the older four-column shape is replaced too.
  std::string third;
  result = ScrubText(
      "name,phone,dnc_disposition,dnc_callable,dnc_e164,dnc_reason\n"
      "Ann,2025551234,BLOCKED,no,+12025551234,old\n"
      "Bob,3035551234,CALLABLE,yes,+13035551234,\n",
      &third, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->replaced_dnc_columns);
  EXPECT_EQ(third, expected);
}

TEST_F(LeadListScrubberTest,
       EveryRequestCarriesTheJobPurposeNowAndASequencePerChunk) {
  std::string input = "phone\n";
  for (int i = 0; i < 25; ++i)
    absl::StrAppend(&input, "20255510", 10 + i, "\n");
  LeadListOptions options;
  options.chunk_rows = 10;
  options.job_id = "job-test-1";
  options.purpose = v1::CHARITY;
  options.now_unix_seconds = kEveningInNewYork;
  std::string output;
  absl::StatusOr<LeadListResult> result = ScrubText(input, &output, options);
  ASSERT_TRUE(result.ok()) << result.status();
  const fake::FakeTenantState& seen = server_.tenant();
  EXPECT_THAT(seen.job_ids_seen,
              ElementsAre("job-test-1", "job-test-1", "job-test-1"));
  EXPECT_THAT(seen.sequences_seen, ElementsAre(1u, 2u, 3u));
  EXPECT_THAT(seen.purposes_seen,
              ElementsAre(v1::CHARITY, v1::CHARITY, v1::CHARITY));
  EXPECT_THAT(seen.nows_seen, testing::Each(kEveningInNewYork));
  EXPECT_EQ(result->job_id, "job-test-1");
  // 22:00 in New York: callable, but not now.
  EXPECT_EQ(result->callable, 25u);
  EXPECT_EQ(result->callable_now, 0u);
  EXPECT_THAT(output, HasSubstr("08:00-21:00 America/New_York,no\n"));
  EXPECT_THAT(FormatLeadListSummary(*result), HasSubstr("Job: job-test-1"));
}

TEST_F(LeadListScrubberTest, HeaderlessFileIsScrubbedWithoutAddingAHeader) {
  std::string output;
  absl::StatusOr<LeadListResult> result =
      ScrubText("Ann,2025551234\nBob,3035551234\n", &output);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->had_header);
  EXPECT_EQ(result->column.index, 1u);
  const Rows rows = Parse(output);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][2], "BLOCKED");
  EXPECT_EQ(rows[1][2], "CALLABLE");
}

TEST_F(LeadListScrubberTest, NoPhoneColumnFailsBeforeSendingAnything) {
  std::string output;
  absl::StatusOr<LeadListResult> result =
      ScrubText("Name,Email\nAnn,a@x.org\n", &output);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("\"Name\", \"Email\""));
  EXPECT_EQ(server_.service().stream_requests.load(), 0u);
}

TEST_F(LeadListScrubberTest, ServerThatBreaksTheSequenceEchoIsAnError) {
  server_.service().break_sequence = true;
  std::string output;
  absl::StatusOr<LeadListResult> result =
      ScrubText("phone\n2025551234\n", &output);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
}

TEST_F(LeadListScrubberTest, ServerWithoutIdEchoStillMapsRows) {
  server_.service().echo_ids = false;
  std::string output;
  ASSERT_TRUE(ScrubText("phone\nx\n2025551234\n", &output).ok());
  const Rows rows = Parse(output);
  EXPECT_EQ(rows[1][1], "MALFORMED");
  EXPECT_EQ(rows[2][1], "BLOCKED");
}

TEST_F(LeadListScrubberTest, FileScrubHonoursTheServerBatchLimit) {
  server_.service().max_batch_entries = 10;
  const std::string in = dir_.Path("leads.csv");
  {
    std::ofstream f(in);
    f << "phone\n";
    for (int i = 0; i < 35; ++i) f << "(303) 555-" << (2000 + i) << "\n";
  }
  absl::StatusOr<LeadListResult> result = ScrubLeadListFile(
      client_.get(), in, dir_.Path("out.csv"), LeadListOptions{});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows, 35u);
  EXPECT_EQ(result->chunk_rows, 10u);
  EXPECT_LE(server_.service().largest_request.load(), 10u);
  std::ifstream out(dir_.Path("out.csv"));
  std::stringstream text;
  text << out.rdbuf();
  EXPECT_EQ(Parse(text.str()).size(), 36u);
}

TEST_F(LeadListScrubberTest, FileScrubRefusesToOverwriteItsInput) {
  const std::string in = dir_.Path("leads.csv");
  std::ofstream(in) << "phone\n2025551234\n";
  absl::StatusOr<LeadListResult> same =
      ScrubLeadListFile(client_.get(), in, in, LeadListOptions{});
  EXPECT_EQ(same.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(::symlink(in.c_str(), dir_.Path("link.csv").c_str()), 0);
  absl::StatusOr<LeadListResult> via_link = ScrubLeadListFile(
      client_.get(), in, dir_.Path("link.csv"), LeadListOptions{});
  EXPECT_EQ(via_link.status().code(), absl::StatusCode::kInvalidArgument);
  std::ifstream check(in);
  std::stringstream text;
  text << check.rdbuf();
  EXPECT_EQ(text.str(), "phone\n2025551234\n");
}

TEST_F(LeadListScrubberTest, FailedFileScrubLeavesNoOutputFile) {
  const std::string in = dir_.Path("leads.csv");
  std::ofstream(in) << "phone,x\n2025551234,\"unclosed\n";
  const std::string out = dir_.Path("out.csv");
  absl::StatusOr<LeadListResult> result =
      ScrubLeadListFile(client_.get(), in, out, LeadListOptions{});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  struct stat st {};
  EXPECT_NE(::stat(out.c_str(), &st), 0);
  EXPECT_NE(::stat((out + ".tmp-" + std::to_string(::getpid())).c_str(), &st),
            0);
}

TEST_F(LeadListScrubberTest, UnreachableServerIsReportedBeforeReadingInput) {
  server_.Stop();
  const std::string in = dir_.Path("leads.csv");
  std::ofstream(in) << "phone\n2025551234\n";
  absl::StatusOr<LeadListResult> result = ScrubLeadListFile(
      client_.get(), in, dir_.Path("out.csv"), LeadListOptions{});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("cannot reach dnc-server at " + server_.address()));
}

TEST_F(LeadListScrubberTest, EmptyInputWritesNothing) {
  std::string output;
  absl::StatusOr<LeadListResult> result = ScrubText("", &output);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->rows, 0u);
  EXPECT_EQ(output, "");
}

}  // namespace
}  // namespace dnc::leadlist
