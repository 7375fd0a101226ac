// Early-return helpers for absl::Status / absl::StatusOr at module boundaries.
#ifndef DNC_COMMON_STATUS_MACROS_H_
#define DNC_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define DNC_STATUS_CONCAT_INNER_(a, b) a##b
#define DNC_STATUS_CONCAT_(a, b) DNC_STATUS_CONCAT_INNER_(a, b)

// Returns the status of `expr` from the enclosing function if it is not OK.
#define DNC_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status dnc_status_ = (expr);       \
    if (!dnc_status_.ok()) return dnc_status_; \
  } while (0)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status,
// otherwise moves the value into `lhs` (which may be a declaration).
#define DNC_ASSIGN_OR_RETURN(lhs, rexpr)                                       \
  DNC_ASSIGN_OR_RETURN_IMPL_(DNC_STATUS_CONCAT_(dnc_statusor_, __LINE__), lhs, \
                             rexpr)

#define DNC_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr)   \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // DNC_COMMON_STATUS_MACROS_H_
