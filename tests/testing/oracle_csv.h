// A small RFC 4180 reader for the oracle side of tests: written
// independently of the client's CSV code (leadlist/csv.h), so a test reading
// the CLI's output files does not trust the code under test.
#ifndef DNC_TESTS_TESTING_ORACLE_CSV_H_
#define DNC_TESTS_TESTING_ORACLE_CSV_H_

#include <string>
#include <utility>
#include <vector>

namespace dnc::test {

// Rows of fields; quotes and doubled quotes undone; LF or CRLF line ends.
inline std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    any = true;
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      any = false;
    } else {
      field.push_back(c);
    }
  }
  if (any) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace dnc::test

#endif  // DNC_TESTS_TESTING_ORACLE_CSV_H_
