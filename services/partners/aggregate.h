// The partners context's aggregates as the platform's command handler and repositories see
// them (services/platform/aggregate.h).
#ifndef CTG_SERVICES_PARTNERS_AGGREGATE_H_
#define CTG_SERVICES_PARTNERS_AGGREGATE_H_

#include "services/partners/organisation.h"
#include "services/platform/aggregate.h"

namespace ctg::partners {

// Organisation streams `org-{siren}`.
using OrganisationAggregate =
    platform::Aggregate<OrganisationState, OrganisationEvent, kStreamPrefix,
                        &ParseOrganisationEvent, &AsMessage>;

}  // namespace ctg::partners

#endif  // CTG_SERVICES_PARTNERS_AGGREGATE_H_
