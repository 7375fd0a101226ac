#include "storage/rocksdb_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "rocksdb/status.h"

namespace dnc::storage {

absl::Status FromRocksDbStatus(const rocksdb::Status& status,
                               std::string_view operation,
                               std::string_view path) {
  if (status.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat(
      std::string(operation), " ", std::string(path), ": ", status.ToString());
  using Code = rocksdb::Status::Code;
  using SubCode = rocksdb::Status::SubCode;
  switch (status.code()) {
    case Code::kNotFound:
      return absl::NotFoundError(message);
    case Code::kCorruption:
      return absl::DataLossError(message);
    case Code::kIOError:
      switch (status.subcode()) {
        case SubCode::kPathNotFound:
          return absl::NotFoundError(message);
        case SubCode::kNoSpace:
        case SubCode::kSpaceLimit:
          return absl::ResourceExhaustedError(message);
        default:
          return absl::InternalError(message);
      }
    case Code::kBusy:
    case Code::kTimedOut:
    case Code::kTryAgain:
    case Code::kShutdownInProgress:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace dnc::storage
