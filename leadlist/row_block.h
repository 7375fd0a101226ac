// Internal to the client library: the rows of one chunk of a lead-list scrub
// stored back to back, so that filling a chunk allocates nothing per field
// once the buffers have grown.
// Thread-safety: thread-compatible.
#ifndef DNC_LEADLIST_ROW_BLOCK_H_
#define DNC_LEADLIST_ROW_BLOCK_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "leadlist/list_reader.h"

namespace dnc::leadlist {

class RowBlock {
 public:
  void Clear() {
    data_.clear();
    field_ends_.clear();
    row_ends_.clear();
  }
  void Append(const ListRow& row) {
    for (size_t f = 0; f < row.size(); ++f) AddField(row.field(f));
    row_ends_.push_back(field_ends_.size());
  }
  size_t rows() const { return row_ends_.size(); }
  size_t fields(size_t r) const { return row_ends_[r] - FirstField(r); }
  // REQUIRES: r < rows(), f < fields(r).
  std::string_view field(size_t r, size_t f) const {
    const size_t i = FirstField(r) + f;
    const size_t begin = i == 0 ? 0 : field_ends_[i - 1];
    return std::string_view(data_.data() + begin, field_ends_[i] - begin);
  }

 private:
  void AddField(std::string_view field) {
    data_.append(field.data(), field.size());
    field_ends_.push_back(data_.size());
  }
  size_t FirstField(size_t r) const { return r == 0 ? 0 : row_ends_[r - 1]; }

  std::string data_;
  std::vector<size_t> field_ends_;
  std::vector<size_t> row_ends_;
};

}  // namespace dnc::leadlist

#endif  // DNC_LEADLIST_ROW_BLOCK_H_
