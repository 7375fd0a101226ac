// XlsxSheetToCsv over real .xlsx files written at test time: by openpyxl
// (Debian's python3-openpyxl, as a user's spreadsheet program writes them),
// and, for what openpyxl does not write (shared strings and rich text the
// way Excel writes them, cached formula results, Excel's spellings of
// numbers, broken workbooks), by Python's zipfile from the XML given here.
// Both through tests/leadlist/make_xlsx.py.
#include "leadlist/xlsx_sheet.h"

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc::leadlist {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;

// The error message (Debian's absl::string_view is not std::string_view).
std::string Message(const absl::StatusOr<std::string>& result) {
  return std::string(result.status().message());
}

class XlsxSheetTest : public ::testing::Test {
 protected:
  // The workbook make_xlsx.py writes for `spec` (see the script).
  std::string Make(const Json& spec) {
    const std::string spec_path = dir_.Path(absl::StrCat("spec", ++made_));
    const std::string out_path = spec_path + ".xlsx";
    {
      std::ofstream spec_file(spec_path, std::ios::binary);
      spec_file << spec.dump();
    }
    const test::RunResult run = test::RunProcess(
        {DNC_PYTHON, DNC_MAKE_XLSX, out_path, spec_path}, dir_.path());
    EXPECT_EQ(run.exit_code, 0)
        << "make_xlsx.py failed (it needs Debian's python3-openpyxl; "
           "scripts/setup.sh installs it): "
        << run.err;
    return test::ReadWholeFile(out_path);
  }

  // A zip of the given (name, text) entries.
  std::string MakeZip(
      const std::vector<std::pair<std::string, std::string>>& entries) {
    Json list = Json::array();
    for (const auto& [name, text] : entries) list.push_back({name, text});
    return Make(Json{{"zip", list}});
  }

  test::ScratchDir dir_;
  int made_ = 0;
};

// The parts Excel writes around a workbook of one sheet.
constexpr char kRootRels[] =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>)"
    R"(</Relationships>)";
constexpr char kWorkbook[] =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
    R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
    R"(<sheets><sheet name="Kontakte" sheetId="1" r:id="rId1"/></sheets></workbook>)";
constexpr char kWorkbookRels[] =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)"
    R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>)"
    R"(</Relationships>)";
constexpr char kSheetHead[] =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    "\n"
    R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
    "\n<sheetData>";
constexpr char kSheetTail[] = "</sheetData></worksheet>";

// Excel's shared strings: plain, rich text in runs, a phonetic guide (not
// part of the text), an escaped CR, a string that needs CSV quoting.
constexpr char kSharedStrings[] =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">)"
    R"(<si><t>Name</t></si>)"
    R"(<si><t>Telefon</t></si>)"
    R"(<si><r><t xml:space="preserve">Ann </t></r><r><rPr><b/></rPr><t>Lee</t></r></si>)"
    R"(<si><t>Ken</t><rPh sb="0" eb="1"><t>KEN</t></rPh></si>)"
    R"(<si><t>line one_x000D_
line two</t></si>)"
    R"(<si><t>Smith, "Bo"</t></si>)"
    R"(</sst>)";

std::string ExcelWorkbook(const std::string& sheet_data) {
  return absl::StrCat(kSheetHead, sheet_data, kSheetTail);
}

TEST_F(XlsxSheetTest, OpenpyxlWorkbookReadsAsTheCsvExcelWouldSave) {
  const std::string book = Make(Json::parse(R"({"sheets": [{"name": "Leads",
    "rows": [["name", "phone", "note"],
             ["Ann", 2025551234, "a, \"q\"\nline"],
             null,
             ["Bo", null, "x"],
             [null, 3125550000.0],
             ["Cy", 1.5, true],
             ["Di", "#N/A", false],
             ["Ed", "=1+1", 1e20]]}]})"));
  std::string sheet_name;
  absl::StatusOr<std::string> csv = XlsxSheetToCsv(book, "", &sheet_name);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(sheet_name, "Leads");
  // The null row is not there; gaps are empty fields; every row has the
  // widest row's three fields; a formula without a cached result is empty.
  EXPECT_EQ(*csv,
            "name,phone,note\r\n"
            "Ann,2025551234,\"a, \"\"q\"\"\nline\"\r\n"
            "Bo,,x\r\n"
            ",3125550000,\r\n"
            "Cy,1.5,TRUE\r\n"
            "Di,#N/A,FALSE\r\n"
            "Ed,,1e+20\r\n");
}

TEST_F(XlsxSheetTest, PhoneColumnOfNumericAndTextCellsReadsAsDigits) {
  const std::string book = Make(Json::parse(R"({"sheets": [{"name": "Sheet1",
    "rows": [["Name", "Phone"], ["Ann", 2025551234], ["Bo", "(312) 555-0100"],
             ["Cy", 16175550199], ["Di", "2025550123"]]}]})"));
  absl::StatusOr<std::string> csv = XlsxSheetToCsv(book, "", nullptr);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(*csv,
            "Name,Phone\r\nAnn,2025551234\r\nBo,(312) 555-0100\r\n"
            "Cy,16175550199\r\nDi,2025550123\r\n");
}

TEST_F(XlsxSheetTest, ExcelSharedStringsRichTextAndNumberSpellings) {
  const std::string sheet = ExcelWorkbook(
      R"(<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>)"
      "\n"
      // Excel's spelling of a phone number typed as a number, a number too
      // big to be exact, a cell styled but empty (no column of its own).
      R"(<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>2.025551234E9</v></c>)"
      R"(<c r="E2" s="3"/></row>)"
      R"(<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3" s="1"><v>1.2345678901234567E+19</v></c>)"
      R"(<c r="C3" t="s"><v>5</v></c></row>)"
      // A row holding only styled empty cells is not written.
      R"(<row r="4" s="2" customFormat="1"><c r="A4" s="2"/></row>)"
      // Cells without a reference follow the previous one.
      R"(<row r="9"><c t="s"><v>4</v></c><c t="str"><f>A1&amp;"x"</f><v>Namex</v></c>)"
      R"(<c t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c></row>)"
      R"(<row r="10"><c r="B10" t="e"><v>#DIV/0!</v></c><c r="C10" t="b"><v>1</v></c></row>)"
      R"(<row r="11"><c r="A11"><v>-42</v></c><c r="B11"><v>0.1</v></c><c r="C11"><v>45000</v></c></row>)");
  const std::string book =
      MakeZip({{"_rels/.rels", kRootRels},
               {"xl/workbook.xml", kWorkbook},
               {"xl/_rels/workbook.xml.rels", kWorkbookRels},
               {"xl/worksheets/sheet1.xml", sheet},
               {"xl/sharedStrings.xml", kSharedStrings}});
  std::string sheet_name;
  absl::StatusOr<std::string> csv = XlsxSheetToCsv(book, "", &sheet_name);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(sheet_name, "Kontakte");
  EXPECT_EQ(*csv,
            "Name,Telefon,\r\n"
            "Ann Lee,2025551234,\r\n"
            "Ken,1.2345678901234567E+19,\"Smith, \"\"Bo\"\"\"\r\n"
            "\"line one\r\nline two\",Namex,inline\r\n"
            ",#DIV/0!,TRUE\r\n"
            "-42,0.1,45000\r\n");
}

TEST_F(XlsxSheetTest, PicksASheetByNameCaseOrIndexAndListsThemWhenMissing) {
  const std::string book = Make(Json::parse(R"({"sheets": [
    {"name": "Leads", "rows": [["phone"], [2025551234]]},
    {"name": "Notes", "rows": [["note"], ["call after 5"]]},
    {"name": "Übersicht", "rows": [["x"]]}]})"));
  std::string name;
  absl::StatusOr<std::string> csv = XlsxSheetToCsv(book, "Notes", &name);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(*csv, "note\r\ncall after 5\r\n");
  EXPECT_EQ(name, "Notes");

  csv = XlsxSheetToCsv(book, "notes", &name);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(name, "Notes");

  csv = XlsxSheetToCsv(book, "3", &name);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(*csv, "x\r\n");
  EXPECT_EQ(name, "Übersicht");

  csv = XlsxSheetToCsv(book, "1", &name);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(*csv, "phone\r\n2025551234\r\n");
  EXPECT_EQ(name, "Leads");

  for (const char* missing : {"Contacts", "4", "0"}) {
    csv = XlsxSheetToCsv(book, missing, &name);
    EXPECT_EQ(csv.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Message(csv),
                AllOf(HasSubstr(absl::StrCat("no sheet \"", missing, "\"")),
                      HasSubstr(R"("Leads", "Notes", "Übersicht")"),
                      HasSubstr("a number from 1 to 3")));
  }
}

TEST_F(XlsxSheetTest, DefaultIsTheFirstVisibleWorksheet) {
  const std::string workbook =
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
      R"(<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
      R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
      R"(<sheets><sheet name="Chart1" sheetId="3" r:id="rId3"/>)"
      R"(<sheet name="Config" sheetId="1" state="hidden" r:id="rId1"/>)"
      R"(<sheet name="Leads" sheetId="2" r:id="rId2"/></sheets></workbook>)";
  const std::string rels =
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
      R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
      R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)"
      R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/>)"
      R"(<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/>)"
      R"(</Relationships>)";
  const std::string book = MakeZip(
      {{"xl/workbook.xml", workbook},
       {"xl/_rels/workbook.xml.rels", rels},
       {"xl/worksheets/sheet1.xml",
        ExcelWorkbook(
            R"(<row><c t="inlineStr"><is><t>secret</t></is></c></row>)")},
       {"xl/worksheets/sheet2.xml",
        ExcelWorkbook(R"(<row><c><v>2025551234</v></c></row>)")},
       {"xl/chartsheets/sheet1.xml", "<chartsheet/>"}});
  std::string name;
  absl::StatusOr<std::string> csv = XlsxSheetToCsv(book, "", &name);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(*csv, "2025551234\r\n");
  EXPECT_EQ(name, "Leads");

  csv = XlsxSheetToCsv(book, "2", &name);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(*csv, "secret\r\n");
  EXPECT_EQ(name, "Config");

  csv = XlsxSheetToCsv(book, "Chart1", &name);
  EXPECT_EQ(csv.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(csv),
              AllOf(HasSubstr("\"Chart1\" is a chart or dialog sheet"),
                    HasSubstr(R"("Chart1", "Config", "Leads")")));
}

TEST_F(XlsxSheetTest, ManyRowsArePaddedToTheWidestRow) {
  // 30,000 rows of two columns after a header of three: every row gets the
  // third (empty) field, moved in place.
  const std::string book = Make(Json::parse(R"({"sheets": [{"name": "Big",
    "rows": [["name", "phone", "note"]], "generated_rows": 30000}]})"));
  absl::StatusOr<std::string> csv = XlsxSheetToCsv(book, "", nullptr);
  ASSERT_TRUE(csv.ok()) << csv.status();
  std::string expected = "name,phone,note\r\n";
  for (int i = 0; i < 30000; ++i) {
    absl::StrAppend(&expected, "Lead ", i, ",", 2025550000 + i, ",\r\n");
  }
  EXPECT_EQ(*csv, expected);
}

TEST_F(XlsxSheetTest, RefusesFilesThatAreNotWorkbooks) {
  absl::StatusOr<std::string> csv =
      XlsxSheetToCsv("name,phone\r\nAnn,2025551234\r\n", "", nullptr);
  EXPECT_EQ(csv.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(csv), AllOf(HasSubstr("does not start like a zip"),
                                  HasSubstr("give it a .csv name")));

  csv = XlsxSheetToCsv(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) +
                           std::string(600, '\0'),
                       "", nullptr);
  EXPECT_EQ(csv.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(csv), AllOf(HasSubstr(".xls"), HasSubstr("password")));

  csv = XlsxSheetToCsv("", "", nullptr);
  EXPECT_EQ(csv.status().code(), absl::StatusCode::kInvalidArgument);

  const std::string other_zip = MakeZip({{"hello.txt", "hello"}});
  csv = XlsxSheetToCsv(other_zip, "", nullptr);
  EXPECT_EQ(csv.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(csv), AllOf(HasSubstr("no xl/workbook.xml"),
                                  HasSubstr("save the sheet as CSV")));
}

TEST_F(XlsxSheetTest, RefusesATruncatedWorkbook) {
  const std::string book = Make(Json::parse(R"({"sheets": [{"name": "Leads",
    "rows": [["name", "phone"]], "generated_rows": 2000}]})"));
  ASSERT_TRUE(XlsxSheetToCsv(book, "", nullptr).ok());
  for (const size_t keep : {book.size() / 2, book.size() - 30, size_t{40}}) {
    absl::StatusOr<std::string> csv =
        XlsxSheetToCsv(book.substr(0, keep), "", nullptr);
    EXPECT_EQ(csv.status().code(), absl::StatusCode::kInvalidArgument)
        << "kept " << keep << " bytes: " << csv.status();
    EXPECT_THAT(Message(csv), AllOf(HasSubstr("the workbook is truncated"),
                                    HasSubstr("get the whole file again")))
        << keep;
  }
  // Whole, but with the sheet's compressed data damaged in its middle.
  std::string damaged = book;
  for (size_t i = book.size() / 3; i < book.size() / 3 + 64; ++i) {
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5A);
  }
  absl::StatusOr<std::string> csv = XlsxSheetToCsv(damaged, "", nullptr);
  EXPECT_EQ(csv.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(csv),
              AllOf(HasSubstr("truncated or damaged (in "
                              "xl/worksheets/sheet1.xml)"),
                    HasSubstr("download or copy the file again")));
}

TEST_F(XlsxSheetTest, ErrorsNameThePartLineAndCell) {
  const auto book_with_sheet = [&](const std::string& sheet) {
    return MakeZip({{"xl/workbook.xml", kWorkbook},
                    {"xl/_rels/workbook.xml.rels", kWorkbookRels},
                    {"xl/worksheets/sheet1.xml", sheet},
                    {"xl/sharedStrings.xml", kSharedStrings}});
  };
  absl::StatusOr<std::string> csv = XlsxSheetToCsv(
      book_with_sheet(ExcelWorkbook(
          "\n<row r=\"1\"><c r=\"A1\"><v>1</v></c>\n<c r=\"B1\"></row>")),
      "", nullptr);
  EXPECT_EQ(csv.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(csv),
              AllOf(StartsWith("xl/worksheets/sheet1.xml line 5: not "
                               "well-formed XML"),
                    HasSubstr("save it again")));

  csv = XlsxSheetToCsv(
      book_with_sheet(ExcelWorkbook(
          R"(<row r="7"><c r="A7" t="s"><v>0</v></c><c r="B7" t="s"><v>99</v></c></row>)")),
      "", nullptr);
  EXPECT_THAT(Message(csv),
              AllOf(HasSubstr("xl/worksheets/sheet1.xml line 3"),
                    HasSubstr("cell B7 points to shared string \"99\""),
                    HasSubstr("has 6")));

  csv = XlsxSheetToCsv(
      book_with_sheet(ExcelWorkbook(
          R"(<row r="2"><c r="C2"><v>1</v></c><c r="B2"><v>2</v></c></row>)")),
      "", nullptr);
  EXPECT_THAT(Message(csv), HasSubstr("cell B2 comes after column C in row 2"));

  csv = XlsxSheetToCsv(book_with_sheet(ExcelWorkbook(
                           R"(<row r="2"><c r="2B"><v>1</v></c></row>)")),
                       "", nullptr);
  EXPECT_THAT(Message(csv),
              HasSubstr("cell reference \"2B\" is not a cell like B7"));

  // No DOCTYPE (so no entity tricks) in any part.
  csv = XlsxSheetToCsv(
      book_with_sheet(
          R"(<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>)"
          R"(<worksheet><sheetData><row><c t="inlineStr"><is><t>&a;</t></is></c></row></sheetData></worksheet>)"),
      "", nullptr);
  EXPECT_THAT(Message(csv), AllOf(StartsWith("xl/worksheets/sheet1.xml line 1"),
                                  HasSubstr("DOCTYPE")));

  // A relationship pointing at a part the zip does not hold.
  csv = XlsxSheetToCsv(MakeZip({{"xl/workbook.xml", kWorkbook},
                                {"xl/_rels/workbook.xml.rels", kWorkbookRels}}),
                       "", nullptr);
  EXPECT_THAT(Message(csv),
              HasSubstr("sheet \"Kontakte\" should be in "
                        "xl/worksheets/sheet1.xml but the zip has no such "
                        "entry"));
}

TEST_F(XlsxSheetTest, RefusesWhatExceedsTheLimits) {
  // 4 MB of XML that deflates to a few kilobytes.
  const std::string sheet = ExcelWorkbook(absl::StrCat(
      R"(<row r="1"><c r="A1"><v>1</v></c></row>)", std::string(4 << 20, ' '),
      R"(<row r="2"><c r="A2"><v>2</v></c></row>)"));
  const std::string book =
      MakeZip({{"xl/workbook.xml", kWorkbook},
               {"xl/_rels/workbook.xml.rels", kWorkbookRels},
               {"xl/worksheets/sheet1.xml", sheet},
               {"xl/sharedStrings.xml", kSharedStrings}});
  ASSERT_LT(book.size(), 100000u);
  absl::StatusOr<std::string> csv = XlsxSheetToCsv(book, "", nullptr);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(*csv, "1\r\n2\r\n");

  XlsxLimits limits;
  limits.max_xml_bytes = 1 << 20;
  csv = XlsxSheetToCsv(book, "", nullptr, limits);
  EXPECT_EQ(csv.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(csv),
              AllOf(StartsWith("xl/worksheets/sheet1.xml: expands to more "
                               "than 1048576 bytes"),
                    HasSubstr("zip bomb")));

  limits = XlsxLimits();
  limits.max_part_bytes = 100;
  csv = XlsxSheetToCsv(book, "", nullptr, limits);
  EXPECT_THAT(Message(csv),
              StartsWith("xl/workbook.xml: expands to more than 100 bytes"));

  limits = XlsxLimits();
  limits.max_output_bytes = 4;
  csv = XlsxSheetToCsv(book, "", nullptr, limits);
  EXPECT_THAT(Message(csv),
              StartsWith("xl/worksheets/sheet1.xml: the sheet as CSV is "
                         "bigger than 4 bytes"));

  limits = XlsxLimits();
  limits.max_shared_string_bytes = 100;
  csv = XlsxSheetToCsv(book, "", nullptr, limits);
  EXPECT_THAT(Message(csv),
              AllOf(HasSubstr("xl/sharedStrings.xml line 2: the shared "
                              "strings exceed 100 bytes"),
                    HasSubstr("save the sheet as CSV")));
}

}  // namespace
}  // namespace dnc::leadlist
