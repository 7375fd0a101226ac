#include "http/list_output.h"

#include <utility>

#include "http/utf8_text.h"
#include "leadlist/scrub_stream_session.h"

namespace dnc::http {

ListOutput::ListOutput(std::function<void()> on_change)
    : on_change_(std::move(on_change)) {}

void ListOutput::TakePending() {
  if (writer_ != nullptr) writer_->Flush().IgnoreError();  // Never fails here.
  row_.clear();
  AppendValidUtf8(pending_, &row_);
  pending_.clear();
}

void ListOutput::OnHead(const leadlist::PhoneColumn& column,
                        bool /*had_header*/) {
  TakePending();
  {
    absl::MutexLock lock(&mu_);
    column_ = column;
    // The byte order mark and the header row, if any: atop all three.
    bytes_.cleaned += row_;
    bytes_.callable += row_;
    bytes_.removed += row_;
    cleaned_sha_.Update(row_);
  }
  if (on_change_) on_change_();
}

void ListOutput::OnRow(const leadlist::CellVerdict& verdict) {
  TakePending();
  {
    absl::MutexLock lock(&mu_);
    bytes_.cleaned += row_;
    (verdict.callable ? bytes_.callable : bytes_.removed) += row_;
    cleaned_sha_.Update(row_);
    ++rows_;
    ++by_disposition_[verdict.disposition];
  }
  if (on_change_) on_change_();
}

ListOutput::Bytes ListOutput::Take() {
  absl::MutexLock lock(&mu_);
  Bytes taken = std::move(bytes_);
  bytes_ = Bytes();
  return taken;
}

uint64_t ListOutput::rows() const {
  absl::MutexLock lock(&mu_);
  return rows_;
}

std::map<std::string, uint64_t> ListOutput::counts() const {
  absl::MutexLock lock(&mu_);
  std::map<std::string, uint64_t> counts;
  for (const auto& [disposition, rows] : by_disposition_) {
    counts[leadlist::DispositionName(disposition)] += rows;
  }
  return counts;
}

std::optional<leadlist::PhoneColumn> ListOutput::column() const {
  absl::MutexLock lock(&mu_);
  return column_;
}

std::string ListOutput::CleanedSha256() {
  absl::MutexLock lock(&mu_);
  return cleaned_sha_.HexDigest();
}

}  // namespace dnc::http
