#include "http/list_input.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "service/field_rules.h"

namespace dnc::http {
namespace {

bool ReadDelimiter(const std::string& text, char* delimiter) {
  const std::string name = absl::AsciiStrToLower(text);
  if (name.empty() || name == "," || name == "comma") {
    *delimiter = ',';
  } else if (name == ";" || name == "semicolon") {
    *delimiter = ';';
  } else if (name == "\t" || name == "tab") {
    *delimiter = '\t';
  } else if (name == "|" || name == "pipe") {
    *delimiter = '|';
  } else {
    return false;
  }
  return true;
}

}  // namespace

ListInput::ListInput(std::istream* raw, ListInputFormat format)
    : format_(std::move(format)),
      csv_(raw, leadlist::CsvReaderOptions{format_.delimiter}) {}

absl::StatusOr<std::unique_ptr<ListInput>> ListInput::Open(
    std::istream* raw, const ListInputOptions& options) {
  ListInputFormat format;
  format.kind = "csv";
  format.encoding = "utf-8";
  if (!ReadDelimiter(options.delimiter, &format.delimiter)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "delimiter '", service::EchoValue(options.delimiter),
        "' is not one of , ; tab | (or comma, semicolon, tab, pipe)"));
  }
  const std::string encoding = absl::AsciiStrToLower(options.encoding);
  if (!encoding.empty() && encoding != "utf-8" && encoding != "utf8") {
    return absl::InvalidArgumentError(
        absl::StrCat("encoding '", service::EchoValue(options.encoding),
                     "' is not read here yet: save the list as UTF-8 CSV"));
  }
  const std::string name = absl::AsciiStrToLower(options.name);
  if (absl::EndsWith(name, ".xlsx") || absl::EndsWith(name, ".xlsm") ||
      !options.sheet.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", service::EchoValue(options.name),
        "' is a workbook, which is not read here yet: save the sheet as "
        "UTF-8 CSV"));
  }
  return std::unique_ptr<ListInput>(new ListInput(raw, std::move(format)));
}

}  // namespace dnc::http
