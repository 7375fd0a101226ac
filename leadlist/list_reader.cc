#include "leadlist/list_reader.h"

#include <utility>

namespace dnc::leadlist {

absl::StatusOr<bool> ListReader::ReadRecord() {
  if (input_end_) return false;
  while (true) {
    absl::StatusOr<bool> got = reader_->ReadRow(&record_);
    if (!got.ok()) return got;
    if (!*got) {
      input_end_ = true;
      return false;
    }
    if (!record_.blank()) return true;
    ++blank_lines_;
  }
}

absl::StatusOr<bool> ListReader::ReadHead(HeaderMode mode, size_t sample_rows) {
  absl::StatusOr<bool> got = ReadRecord();
  if (!got.ok() || !*got) return got;
  std::vector<std::string> first = record_.ToVector();
  width_ = first.size();
  had_header_ = mode == HeaderMode::kPresent ||
                (mode == HeaderMode::kAuto && LooksLikeHeader(first));
  if (had_header_) {
    header_ = std::move(first);
  } else {
    sample_.push_back(std::move(first));
    sample_lines_.push_back(record_.line());
  }
  while (sample_.size() < sample_rows) {
    got = ReadRecord();
    if (!got.ok()) return got.status();
    if (!*got) break;
    sample_.push_back(record_.ToVector());
    sample_lines_.push_back(record_.line());
  }
  return true;
}

absl::StatusOr<bool> ListReader::Next(ListRow* row) {
  if (sample_pos_ < sample_.size()) {
    row->fields_ = &sample_[sample_pos_];
    row->record_ = nullptr;
    row->line_ = sample_lines_[sample_pos_];
    ++sample_pos_;
    return true;
  }
  if (!sample_.empty()) {  // Handed out: free it.
    sample_.clear();
    sample_.shrink_to_fit();
    sample_lines_.clear();
    sample_pos_ = 0;
  }
  absl::StatusOr<bool> got = ReadRecord();
  if (!got.ok() || !*got) return got;
  row->fields_ = nullptr;
  row->record_ = &record_;
  row->line_ = record_.line();
  return true;
}

}  // namespace dnc::leadlist
