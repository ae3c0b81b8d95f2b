// Where RocksDB's types meet Abseil's: status conversion, and Slice <-> absl::string_view
// (Debian's Abseil has its own string_view class, not std::string_view).
#ifndef CTG_EVENTSTORE_ROCKSDB_INTEROP_H_
#define CTG_EVENTSTORE_ROCKSDB_INTEROP_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/slice.h"
#include "rocksdb/status.h"

namespace ctg::eventstore {

// Maps a RocksDB status to the Abseil code a caller can act on, prefixing `context` (what
// the store was doing) to RocksDB's message:
//   NotFound -> NOT_FOUND, Corruption -> DATA_LOSS, InvalidArgument -> INVALID_ARGUMENT,
//   NotSupported -> UNIMPLEMENTED, IOError(NoSpace) -> RESOURCE_EXHAUSTED,
//   IOError on the LOCK file -> FAILED_PRECONDITION (another process has the store open),
//   Busy/TryAgain/ShutdownInProgress -> UNAVAILABLE, TimedOut/Expired -> DEADLINE_EXCEEDED,
//   Aborted -> ABORTED, everything else (other I/O errors) -> INTERNAL.
absl::Status FromRocksDb(const rocksdb::Status& status, absl::string_view context);

inline absl::string_view View(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}
inline rocksdb::Slice ToSlice(absl::string_view view) {
  return rocksdb::Slice(view.data(), view.size());
}

}  // namespace ctg::eventstore

#endif  // CTG_EVENTSTORE_ROCKSDB_INTEROP_H_
