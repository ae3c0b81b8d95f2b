// The plans context's aggregates as the platform's command handler and repositories see
// them (services/platform/aggregate.h).
#ifndef CTG_SERVICES_PLANS_AGGREGATE_H_
#define CTG_SERVICES_PLANS_AGGREGATE_H_

#include "services/plans/ctg.h"
#include "services/platform/aggregate.h"

namespace ctg::plans {

// CTG streams `ctg-{id}`.
using CtgAggregate =
    platform::Aggregate<CtgState, CtgEvent, kStreamPrefix, &ParseCtgEvent, &AsMessage>;

}  // namespace ctg::plans

#endif  // CTG_SERVICES_PLANS_AGGREGATE_H_
