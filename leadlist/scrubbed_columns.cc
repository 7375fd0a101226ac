#include "leadlist/scrubbed_columns.h"

#include <algorithm>
#include <initializer_list>

#include "absl/strings/str_join.h"
#include "common/phone_number.h"
#include "leadlist/scrub_stream_session.h"

namespace dnc::leadlist {
namespace {

// True if `header` ends with `names`, in order.
bool EndsWith(const std::vector<std::string>& header,
              std::initializer_list<const char*> names) {
  if (header.size() < names.size()) return false;
  size_t i = header.size() - names.size();
  for (const char* name : names) {
    if (header[i++] != name) return false;
  }
  return true;
}

}  // namespace

OutputLayout LayoutFor(const std::vector<std::string>* header, size_t width) {
  OutputLayout layout;
  layout.width = width;
  layout.keep = width;
  if (header == nullptr) return layout;
  // Our six columns, or the four from before calling windows.
  if (EndsWith(*header, {kDispositionColumn, kCallableColumn, kE164Column,
                         kReasonColumn, kWindowColumn, kCallableNowColumn})) {
    layout.keep = width - 6;
  } else if (EndsWith(*header, {kDispositionColumn, kCallableColumn,
                                kE164Column, kReasonColumn})) {
    layout.keep = width - 4;
  }
  layout.replaced_dnc_columns = layout.keep < width;
  return layout;
}

void WriteHeaderRow(const std::vector<std::string>& header,
                    const OutputLayout& layout, CsvWriter* writer) {
  for (size_t i = 0; i < layout.keep; ++i) writer->AddField(header[i]);
  for (const char* name : {kDispositionColumn, kCallableColumn, kE164Column,
                           kReasonColumn, kWindowColumn, kCallableNowColumn}) {
    writer->AddField(name);
  }
  writer->EndRow();
}

void WriteOutputRow(const RowBlock& rows, size_t r, const OutputLayout& layout,
                    const CellVerdict& verdict, CsvWriter* writer) {
  const size_t n = rows.fields(r);
  for (size_t f = 0; f < std::min(n, layout.keep); ++f) {
    writer->AddField(rows.field(r, f));
  }
  for (size_t f = n; f < layout.keep; ++f) writer->AddField("");
  writer->AddField(DispositionName(verdict.disposition));
  writer->AddField(verdict.callable ? "yes" : "no");
  writer->AddField(verdict.e164 != 0 ? FormatE164(verdict.e164) : "");
  if (verdict.reasons.size() == 1) {
    writer->AddField(verdict.reasons[0]);
  } else {
    writer->AddField(absl::StrJoin(verdict.reasons, "; "));
  }
  writer->AddField(verdict.window);
  writer->AddField(verdict.callable_now ? "yes" : "no");
  for (size_t f = layout.width; f < n; ++f) writer->AddField(rows.field(r, f));
  writer->EndRow();
}

}  // namespace dnc::leadlist
