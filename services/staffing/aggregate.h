// The staffing context's aggregates as the platform's command handler and repositories see
// them (services/platform/aggregate.h).
#ifndef CTG_SERVICES_STAFFING_AGGREGATE_H_
#define CTG_SERVICES_STAFFING_AGGREGATE_H_

#include "services/platform/aggregate.h"
#include "services/staffing/post.h"
#include "services/staffing/recruitment.h"
#include "services/staffing/replacement.h"

namespace ctg::staffing {

// Post streams `post-{id}`.
using PostAggregate =
    platform::Aggregate<PostState, PostEvent, kPostStreamPrefix, &ParsePostEvent, &AsMessage>;
// Recruitment streams `recruitment-{id}`.
using RecruitmentAggregate =
    platform::Aggregate<RecruitmentState, RecruitmentEvent, kRecruitmentStreamPrefix,
                        &ParseRecruitmentEvent, &AsMessage>;
// Replacement streams `replacement-{id}`.
using ReplacementAggregate =
    platform::Aggregate<ReplacementState, ReplacementEvent, kReplacementStreamPrefix,
                        &ParseReplacementEvent, &AsMessage>;

}  // namespace ctg::staffing

#endif  // CTG_SERVICES_STAFFING_AGGREGATE_H_
