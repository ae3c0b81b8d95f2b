#include "services/platform/repository.h"

namespace ctg::platform {

absl::Status CatchUp(eventstore::EventStore& store,
                     const std::vector<LogProjection*>& projections) {
  uint64_t from = 0;
  while (from < store.Size()) {
    ASSIGN_OR_RETURN(eventstore::ReadPage page,
                     store.ReadLog(from, eventstore::Direction::kForward, 1000));
    if (page.events.empty()) break;
    for (const eventstore::RecordedEvent& event : page.events) {
      for (LogProjection* projection : projections) {
        if (projection->Follows(event.stream)) RETURN_IF_ERROR(projection->Fold(event));
      }
    }
    from = page.events.back().position + 1;
  }
  return absl::OkStatus();
}

}  // namespace ctg::platform
