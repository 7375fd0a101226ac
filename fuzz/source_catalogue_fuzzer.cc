// Fuzz target: loader/source_catalogue.h, and the record layouts a catalogue
// declares (loader/record_format.h ApplyLayoutSetting / RecordParser). The
// input is a catalogue; after a line "%%" come records that every declared
// layout parses. Invariants:
//   - a rejected catalogue is InvalidArgument "fuzz.catalogue:<line>: ..."
//     (or "fuzz.catalogue: ..." for a problem of the whole file);
//   - an accepted catalogue is consistent: every source id is found by
//     FindSource, has a valid jurisdiction code, country codes in 1-999, a
//     positive window and formats that resolve (Layout) to layouts
//     RecordParser::Create accepts; every declared format resolves too;
//   - the records parse under every declared layout the way
//     record_reader_fuzzer checks for presets: rejects carry a reason, keys
//     are VALID numbers of the layout's fixed country code, deletes only
//     with a flag field.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "common/phone_number.h"
#include "fuzz/fuzz_check.h"
#include "loader/record_format.h"
#include "loader/source_catalogue.h"

namespace dnc::fuzz {
namespace {

using loader::LineKind;
using loader::LineResult;
using loader::RecordParser;

void CheckResult(const RecordParser& parser, const LineResult& result,
                 std::string_view record) {
  const std::string text(record.substr(0, 200));
  const char* name = parser.layout().name.c_str();
  switch (result.kind) {
    case LineKind::kKey:
      DNC_FUZZ_CHECK(ClassifyE164(result.key).valid(),
                     "%s: '%s' gave key %llu, not VALID (%s)", name,
                     text.c_str(), static_cast<unsigned long long>(result.key),
                     ClassifyE164(result.key).problem);
      if (const auto code = parser.fixed_country_code()) {
        DNC_FUZZ_CHECK(HasCountryCode(result.key, *code),
                       "%s: key %llu is not of country %u", name,
                       static_cast<unsigned long long>(result.key), *code);
      }
      if (!parser.has_change_flag()) {
        DNC_FUZZ_CHECK(result.op == loader::RecordOp::kAdd,
                       "%s: delete without a flag field", name);
      }
      if (!parser.has_date()) {
        DNC_FUZZ_CHECK(result.date == 0, "%s: date without a date field", name);
      }
      break;
    case LineKind::kBlank:
      for (char c : record) {
        DNC_FUZZ_CHECK(IsLoaderSpace(c), "%s: '%s' is blank", name,
                       text.c_str());
      }
      break;
    case LineKind::kReject:
      DNC_FUZZ_CHECK(result.detail != nullptr && result.detail[0] != '\0',
                     "%s: reject of '%s' without a reason", name, text.c_str());
      break;
    default:
      DNC_FUZZ_CHECK(false, "%s: kind %d", name, static_cast<int>(result.kind));
  }
}

}  // namespace
}  // namespace dnc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dnc::fuzz;  // NOLINT(build/namespaces): a harness.
  using dnc::loader::SourceCatalogue;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view text = input, records;
  const size_t split = input.find("\n%%\n");
  if (split != std::string_view::npos) {
    text = input.substr(0, split + 1);
    records = input.substr(split + 4);
  }

  absl::StatusOr<SourceCatalogue> catalogue =
      SourceCatalogue::Parse(text, "fuzz.catalogue");
  if (!catalogue.ok()) {
    const absl::Status& status = catalogue.status();
    DNC_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument &&
                       absl::StartsWith(status.message(), "fuzz.catalogue:"),
                   "Parse: %s", status.ToString().c_str());
    return 0;
  }
  DNC_FUZZ_CHECK(catalogue->origin() == "fuzz.catalogue", "origin '%s'",
                 catalogue->origin().c_str());

  std::vector<std::string> formats = catalogue->declared_formats();
  for (const dnc::loader::CatalogueSource& source : catalogue->sources()) {
    const char* id = source.id.c_str();
    DNC_FUZZ_CHECK(catalogue->FindSource(source.id) == &source,
                   "FindSource(%s) is not the source", id);
    DNC_FUZZ_CHECK(dnc::loader::IsValidJurisdictionCode(source.jurisdiction),
                   "source %s: jurisdiction '%s'", id,
                   source.jurisdiction.c_str());
    DNC_FUZZ_CHECK(!source.country_codes.empty(), "source %s: no country", id);
    for (uint32_t code : source.country_codes) {
      DNC_FUZZ_CHECK(code >= 1 && code <= 999, "source %s: country code %u", id,
                     code);
    }
    DNC_FUZZ_CHECK(source.max_age_days > 0, "source %s: max_age_days %d", id,
                   source.max_age_days);
    DNC_FUZZ_CHECK(source.line >= 1, "source %s at line %d", id, source.line);
    DNC_FUZZ_CHECK(dnc::loader::ParseSourceKind(
                       dnc::loader::SourceKindName(source.kind)) == source.kind,
                   "source %s: kind does not round-trip", id);
    formats.push_back(source.format);
    if (!source.change_format.empty()) formats.push_back(source.change_format);
  }

  std::vector<dnc::loader::RecordParser> parsers;
  for (const std::string& format : formats) {
    absl::StatusOr<dnc::loader::RecordLayout> layout =
        catalogue->Layout(format);
    DNC_FUZZ_CHECK(layout.ok(), "accepted catalogue, format '%s': %s",
                   format.c_str(), layout.status().ToString().c_str());
    absl::StatusOr<dnc::loader::RecordParser> parser =
        dnc::loader::RecordParser::Create(*layout);
    DNC_FUZZ_CHECK(parser.ok(), "accepted catalogue, format '%s': %s",
                   format.c_str(), parser.status().ToString().c_str());
    if (parsers.size() < 8) parsers.push_back(std::move(*parser));
  }

  if (records.empty()) return 0;
  const std::vector<std::string_view> lines = Split(records, '\n');
  for (const dnc::loader::RecordParser& parser : parsers) {
    const dnc::loader::RecordLayout& layout = parser.layout();
    for (std::string_view line : lines) {
      if (layout.shape == dnc::loader::LayoutShape::kCsv ||
          layout.shape == dnc::loader::LayoutShape::kCrtcXml) {
        const std::vector<std::string_view> fields =
            Split(line, layout.delimiter);
        CheckResult(parser, parser.ParseFields(fields.data(), fields.size()),
                    line);
      } else {
        CheckResult(parser, parser.Parse(line), line);
      }
    }
  }
  return 0;
}
