// The six columns a lead-list scrub appends to every row (their meaning is
// in leadlist/lead_list_scrubber.h), and where a row's own fields go around
// them: an input whose header already ends with the dnc_* columns (a file
// scrubbed before; or the four of an older version) has them replaced
// rather than appended again; a short row is padded so the dnc columns line
// up under their header; a long row keeps its extra fields after them.
// Thread-safety: thread-safe (functions share no state).
#ifndef DNC_LEADLIST_SCRUBBED_COLUMNS_H_
#define DNC_LEADLIST_SCRUBBED_COLUMNS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "leadlist/csv.h"
#include "leadlist/row_block.h"
#include "leadlist/scrub_mapping.h"

namespace dnc::leadlist {

inline constexpr char kDispositionColumn[] = "dnc_disposition";
inline constexpr char kCallableColumn[] = "dnc_callable";
inline constexpr char kE164Column[] = "dnc_e164";
inline constexpr char kReasonColumn[] = "dnc_reason";
inline constexpr char kWindowColumn[] = "dnc_window";
inline constexpr char kCallableNowColumn[] = "dnc_callable_now";

// Where an input row's fields go in the output.
struct OutputLayout {
  size_t width = 0;  // Fields of the header (or of the first row).
  // Input fields written before the dnc columns: `width`, less the dnc
  // columns of an earlier scrub.
  size_t keep = 0;
  bool replaced_dnc_columns = false;  // keep < width.
};

// The layout of an input whose first row has `width` fields; `header` is
// that row when it is a header, else nullptr.
OutputLayout LayoutFor(const std::vector<std::string>* header, size_t width);

// Writes the header's first layout.keep cells, then the dnc column names.
void WriteHeaderRow(const std::vector<std::string>& header,
                    const OutputLayout& layout, CsvWriter* writer);

// Writes row `r` of `rows`: fields [0, keep) (padded with empty fields),
// the dnc columns from `verdict`, then any fields past the header's width.
void WriteOutputRow(const RowBlock& rows, size_t r, const OutputLayout& layout,
                    const CellVerdict& verdict, CsvWriter* writer);

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_SCRUBBED_COLUMNS_H_
