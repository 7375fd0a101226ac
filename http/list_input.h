// How the list upload routes read a list: the one reader `dnc scrub` uses,
// under the names http/ knows it by. Until leadlist/lead_list_input.h (the
// reader of every real-world format) is in, this is its CSV part: UTF-8
// CSV (a byte order mark stripped) with a given or default delimiter.
//
// Thread-safety: ListInput is thread-compatible.
#ifndef DNC_HTTP_LIST_INPUT_H_
#define DNC_HTTP_LIST_INPUT_H_

#include <istream>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "leadlist/csv.h"

namespace dnc::http {

struct ListInputOptions {
  std::string name;       // The file's name as given.
  std::string delimiter;  // "" = ','; ",", ";", "\t", "|" or their names.
  std::string encoding;   // "" or "utf-8".
  std::string sheet;      // Workbooks only.
};

struct ListInputFormat {
  std::string kind;      // "csv".
  std::string encoding;  // "utf-8".
  char delimiter = ',';
  std::string sheet;
};

class ListInput {
 public:
  // Reads from `raw` (must outlive this). Errors: InvalidArgument naming
  // the option and value this reader cannot take.
  static absl::StatusOr<std::unique_ptr<ListInput>> Open(
      std::istream* raw, const ListInputOptions& options);

  leadlist::CsvReader* csv() { return &csv_; }
  const ListInputFormat& format() const { return format_; }

 private:
  ListInput(std::istream* raw, ListInputFormat format);

  const ListInputFormat format_;
  leadlist::CsvReader csv_;
};

}  // namespace dnc::http

#endif  // DNC_HTTP_LIST_INPUT_H_
