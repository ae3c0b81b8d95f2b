// What enters the CDT's work queue (StaffingService.ListCdtWorkQueue; research §6): the steps of
// the staffing workflows that await the Caf's CDT. One function per aggregate, each turning the
// state into the tasks it sets the CDT, with every field the state knows.
//
// Pure functions only. The caller iterates the read models, filters by kind, CTG and what the
// caller may read, sets the CTG's CDT (CdtTask.cdt, which the staffing context does not know),
// and orders the tasks.
#ifndef CTG_SERVICES_STAFFING_CDT_WORK_QUEUE_H_
#define CTG_SERVICES_STAFFING_CDT_WORK_QUEUE_H_

#include <optional>
#include <vector>

#include "ctg/v1/staffing.pb.h"
#include "services/staffing/post.h"
#include "services/staffing/recruitment.h"
#include "services/staffing/replacement.h"

namespace ctg::staffing {

// The task a recruitment EN_COURS sets the CDT, or nothing: at R0 the cadrage (CADRAGE), after
// R2 the opinion on the fiche de poste (FICHE_DE_POSTE_OPINION, with fiche_version), after the
// choice of R8 the opinion on the candidate (CANDIDATE_OPINION, with person). resource is
// `recruitments/{id}`; post, ctg and employer are the recruitment's; since is its update_time.
std::optional<v1::CdtTask> CdtTaskOf(const RecruitmentState& state);

// The task a replacement DEMANDE sets the CDT, or nothing: its validation
// (REPLACEMENT_VALIDATION, with person, the one who replaces). resource is `replacements/{id}`;
// post, ctg and employer are the request's; since is the replacement's update_time.
std::optional<v1::CdtTask> CdtTaskOf(const ReplacementState& state);

// One CDT_EXCHANGE task per change of the post that is proposed and has no exchange with the
// CDT yet, in the order proposed (with change_kind). resource is
// `posts/{post}/changes/{change}`; post, ctg and employer are the post's; since is the post's
// update_time. None for a post that does not exist.
std::vector<v1::CdtTask> CdtTasksOf(const PostState& state);

}  // namespace ctg::staffing

#endif  // CTG_SERVICES_STAFFING_CDT_WORK_QUEUE_H_
