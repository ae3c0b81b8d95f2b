// Status propagation macros for code that returns absl::Status or absl::StatusOr.
//
// Abseil 20220623 ships no RETURN_IF_ERROR / ASSIGN_OR_RETURN, so every layer of
// ctg-platform uses these two. They evaluate their argument exactly once.
//
//   RETURN_IF_ERROR(WriteHeader(file));
//   ASSIGN_OR_RETURN(Record record, ReadRecord(file, position));
#ifndef CTG_EVENTSTORE_BASE_STATUS_MACROS_H_
#define CTG_EVENTSTORE_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CTG_STATUS_MACROS_CONCAT_INNER(x, y) x##y
#define CTG_STATUS_MACROS_CONCAT(x, y) CTG_STATUS_MACROS_CONCAT_INNER(x, y)

// Returns the status of `expr` from the enclosing function if it is not OK.
#define RETURN_IF_ERROR(expr)                               \
  do {                                                      \
    const ::absl::Status ctg_status_macros_status = (expr); \
    if (!ctg_status_macros_status.ok()) {                   \
      return ctg_status_macros_status;                      \
    }                                                       \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status from the
// enclosing function, otherwise moves the value into `lhs`, which may declare a
// variable (`ASSIGN_OR_RETURN(auto x, F())`).
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  CTG_ASSIGN_OR_RETURN_IMPL(CTG_STATUS_MACROS_CONCAT(ctg_statusor_, __LINE__), lhs, rexpr)

#define CTG_ASSIGN_OR_RETURN_IMPL(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                              \
  if (!statusor.ok()) {                                 \
    return std::move(statusor).status();                \
  }                                                     \
  lhs = std::move(statusor).value()

#endif  // CTG_EVENTSTORE_BASE_STATUS_MACROS_H_
