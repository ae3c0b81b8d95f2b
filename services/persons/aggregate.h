// The persons context's aggregates as the platform's command handler and repositories see
// them (services/platform/aggregate.h).
#ifndef CTG_SERVICES_PERSONS_AGGREGATE_H_
#define CTG_SERVICES_PERSONS_AGGREGATE_H_

#include "services/persons/person.h"
#include "services/platform/aggregate.h"

namespace ctg::persons {

// Person streams `person-{id}`: sealed identities only.
using PersonAggregate =
    platform::Aggregate<PersonState, PersonEvent, kStreamPrefix, &ParsePersonEvent, &AsMessage>;

}  // namespace ctg::persons

#endif  // CTG_SERVICES_PERSONS_AGGREGATE_H_
