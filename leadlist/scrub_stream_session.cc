#include "leadlist/scrub_stream_session.h"

#include <tuple>

#include "absl/strings/str_cat.h"
#include "dnc/v1/scrub.pb.h"

namespace dnc::leadlist {

std::string SnapshotInfo::ToString() const {
  return absl::StrCat(source, " ", generation, " as of ", as_of);
}

bool SnapshotInfo::operator<(const SnapshotInfo& other) const {
  return std::tie(source, jurisdiction, generation, as_of) <
         std::tie(other.source, other.jurisdiction, other.generation,
                  other.as_of);
}

bool SnapshotInfo::operator==(const SnapshotInfo& other) const {
  return std::tie(source, jurisdiction, generation, as_of) ==
         std::tie(other.source, other.jurisdiction, other.generation,
                  other.as_of);
}

std::string DispositionName(int disposition) {
  if (v1::Disposition_IsValid(disposition)) {
    return v1::Disposition_Name(static_cast<v1::Disposition>(disposition));
  }
  return absl::StrCat(disposition);
}

bool IsCallableDisposition(int disposition) {
  return disposition == v1::CALLABLE || disposition == v1::EXEMPT;
}

}  // namespace dnc::leadlist
