// ListOutput: where a list upload's scrub writes, row by row. It is the
// CsvWriter's stream (stream()) and the scrub's observer
// (leadlist::LeadListObserver): each output row goes to the cleaned file
// (every row, as `dnc scrub` writes it) and to the callable-only or the
// removed-only file by its verdict; what comes before the first data row (a
// byte order mark, the header row) tops all three. The bytes wait here until
// Take hands them to the next chunk answer.
//
// Text that is not valid UTF-8 (a list the reader could not decode) has
// each bad byte replaced by U+FFFD before it is kept or hashed, so JSON can
// carry it and the cleaned file's SHA-256 is that of the bytes the client
// receives.
//
// It also counts the rows (by disposition name) and keeps the phone column.
//
// Ownership: borrows the CsvWriter (set_writer), which must outlive the
// scrub.
// Thread-safety: the stream and the observer calls come from the scrub's
// threads, one at a time; Take and the accessors from any thread.
#ifndef DNC_HTTP_LIST_OUTPUT_H_
#define DNC_HTTP_LIST_OUTPUT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/sha256.h"
#include "leadlist/csv.h"
#include "leadlist/lead_list_scrubber.h"
#include "leadlist/phone_column.h"
#include "leadlist/scrub_mapping.h"

namespace dnc::http {

class ListOutput final : public leadlist::LeadListObserver {
 public:
  // `on_change` is called (outside the lock) after each row.
  explicit ListOutput(std::function<void()> on_change);
  ListOutput(const ListOutput&) = delete;
  ListOutput& operator=(const ListOutput&) = delete;

  // The stream the CsvWriter writes to.
  std::ostream* stream() { return &stream_; }
  // The writer, flushed at each row so its bytes are here. REQUIRES: set
  // before the scrub starts.
  void set_writer(leadlist::CsvWriter* writer) { writer_ = writer; }

  void OnHead(const leadlist::PhoneColumn& column, bool had_header) override
      ABSL_LOCKS_EXCLUDED(mu_);
  void OnRow(const leadlist::CellVerdict& verdict) override
      ABSL_LOCKS_EXCLUDED(mu_);

  // The three files' bytes produced since the last Take.
  struct Bytes {
    std::string cleaned;
    std::string callable;
    std::string removed;
  };
  Bytes Take() ABSL_LOCKS_EXCLUDED(mu_);

  uint64_t rows() const ABSL_LOCKS_EXCLUDED(mu_);
  // Rows by disposition name ("CALLABLE", "BLOCKED", ...).
  std::map<std::string, uint64_t> counts() const ABSL_LOCKS_EXCLUDED(mu_);
  // Once the scrub has found it.
  std::optional<leadlist::PhoneColumn> column() const ABSL_LOCKS_EXCLUDED(mu_);
  // SHA-256 (hex) of every cleaned byte. REQUIRES: the scrub is over.
  std::string CleanedSha256() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Collects what the writer drains into pending_.
  class Sink final : public std::streambuf {
   public:
    explicit Sink(std::string* pending) : pending_(pending) {}

   protected:
    std::streamsize xsputn(const char* s, std::streamsize n) override {
      pending_->append(s, static_cast<size_t>(n));
      return n;
    }
    int_type overflow(int_type c) override {
      if (!traits_type::eq_int_type(c, traits_type::eof())) {
        pending_->push_back(traits_type::to_char_type(c));
      }
      return traits_type::not_eof(c);
    }

   private:
    std::string* const pending_;
  };

  // The writer's bytes since the last row, made valid UTF-8 into row_.
  void TakePending();

  const std::function<void()> on_change_;
  leadlist::CsvWriter* writer_ = nullptr;
  // The scrub's threads' (one at a time).
  std::string pending_;
  std::string row_;
  Sink sink_{&pending_};
  std::ostream stream_{&sink_};

  mutable absl::Mutex mu_;
  Bytes bytes_ ABSL_GUARDED_BY(mu_);
  Sha256 cleaned_sha_ ABSL_GUARDED_BY(mu_);
  uint64_t rows_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<int, uint64_t> by_disposition_ ABSL_GUARDED_BY(mu_);
  std::optional<leadlist::PhoneColumn> column_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dnc::http

#endif  // DNC_HTTP_LIST_OUTPUT_H_
