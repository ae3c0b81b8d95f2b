// StaffingService: the queries of the Caf and its commission (research §6): what awaits the
// Caf, and the changes applied with their exchange with the CDT.
#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "services/platform/dates.h"
#include "services/staffing/api/staffing_service.h"
#include "services/staffing/cdt_work_queue.h"

namespace ctg::staffing_api {
namespace {

using api::Fail;
using platform::Permission;

// A date as YYYY-MM-DD, which sorts as the dates do.
std::string DateKey(const google::type::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

}  // namespace

grpc::ServerUnaryReactor* StaffingServiceImpl::ListCdtWorkQueue(
    grpc::CallbackServerContext* call, const v1::ListCdtWorkQueueRequest* request,
    v1::ListCdtWorkQueueResponse* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = api::PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = api::CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  absl::StatusOr<int> page_size =
      api::PageSize(request->page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return Fail(reactor, page_size.status());
  // A CTG the caller may not read is NOT_FOUND before anything else, as everywhere.
  absl::StatusOr<std::string> ctg_id = CtgFilter(module_, *principal, request->ctg(), "ctg");
  if (!ctg_id.ok()) return Fail(reactor, ctg_id.status());
  if (absl::StatusOr<platform::Role> role =
          platform::Authorize(*principal, Permission::kReadCdtWorkQueue, platform::Scope::None());
      !role.ok()) {
    return Fail(reactor, role.status());
  }
  const std::string ctg = ctg_id->empty() ? "" : plans::CtgName(*ctg_id);
  const std::string filter = absl::StrCat("cdt-work-queue|", ctg, "|", request->kind());
  absl::StatusOr<std::string> after = api::DecodePageToken(request->page_token(), filter);
  if (!after.ok()) return Fail(reactor, after.status());

  ReadableCtgs readable(module_, *principal);
  std::vector<std::pair<std::string, v1::CdtTask>> tasks;
  auto add = [&](v1::CdtTask task) {
    if (request->kind() != v1::CDT_TASK_KIND_UNSPECIFIED && task.kind() != request->kind()) {
      return;
    }
    if ((!ctg.empty() && task.ctg() != ctg) || !readable(task.ctg())) return;
    task.set_cdt(readable.CdtOf(task.ctg()));
    std::string key = task.resource();
    tasks.emplace_back(std::move(key), std::move(task));
  };
  module_.recruitments().ForEachAfter("", [&](const std::string&, const auto& snapshot) {
    if (std::optional<v1::CdtTask> task = staffing::CdtTaskOf(snapshot.state)) {
      add(std::move(*task));
    }
    return true;
  });
  module_.replacements().ForEachAfter("", [&](const std::string&, const auto& snapshot) {
    if (std::optional<v1::CdtTask> task = staffing::CdtTaskOf(snapshot.state)) {
      add(std::move(*task));
    }
    return true;
  });
  module_.posts().ForEachAfter("", [&](const std::string&, const auto& snapshot) {
    for (v1::CdtTask& task : staffing::CdtTasksOf(snapshot.state)) add(std::move(task));
    return true;
  });
  std::sort(tasks.begin(), tasks.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string last;
  bool more = false;
  for (auto& [key, task] : tasks) {
    if (!after->empty() && key <= *after) continue;
    if (response->tasks_size() == *page_size) {
      more = true;
      break;
    }
    last = key;
    *response->add_tasks() = std::move(task);
  }
  if (more) response->set_next_page_token(api::EncodePageToken(last, filter));
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListChanges(grpc::CallbackServerContext* call,
                                                           const v1::ListChangesRequest* request,
                                                           v1::ListChangesResponse* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = api::PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = api::CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  absl::StatusOr<int> page_size =
      api::PageSize(request->page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return Fail(reactor, page_size.status());
  platform::BadRequestBuilder bad;
  if (request->has_start_date()) {
    if (std::string problem = platform::DateProblem(request->start_date()); !problem.empty()) {
      bad.Add("start_date", problem);
    }
  }
  if (request->has_end_date()) {
    if (std::string problem = platform::DateProblem(request->end_date()); !problem.empty()) {
      bad.Add("end_date", problem);
    } else if (request->has_start_date() && bad.empty() &&
               staffing::Before(request->end_date(), request->start_date())) {
      bad.Add("end_date", "must not be before start_date");
    }
  }
  if (absl::Status s = bad.Build(); !s.ok()) return Fail(reactor, s);
  absl::StatusOr<std::string> ctg_id = CtgFilter(module_, *principal, request->ctg(), "ctg");
  if (!ctg_id.ok()) return Fail(reactor, ctg_id.status());
  const std::string ctg = ctg_id->empty() ? "" : plans::CtgName(*ctg_id);
  const std::string start = request->has_start_date() ? DateKey(request->start_date()) : "";
  const std::string end = request->has_end_date() ? DateKey(request->end_date()) : "";
  const std::string filter =
      absl::StrCat("changes|", ctg, "|", start, "|", end, "|", request->kind());
  absl::StatusOr<std::string> after = api::DecodePageToken(request->page_token(), filter);
  if (!after.ok()) return Fail(reactor, after.status());

  ReadableCtgs readable(module_, *principal);
  std::vector<std::pair<std::string, v1::AppliedChange>> changes;
  module_.posts().ForEachAfter("", [&](const std::string&, const auto& snapshot) {
    const staffing::PostState& state = snapshot.state;
    if (!state.exists || (!ctg.empty() && state.ctg != ctg)) return true;
    bool readable_checked = false;
    for (const staffing::ChangeRecord& change : state.changes) {
      if (change.status != staffing::ChangeStatus::kApplied) continue;
      if (request->kind() != v1::CHANGE_KIND_UNSPECIFIED &&
          change.proposal.kind() != request->kind()) {
        continue;
      }
      const std::string effective = DateKey(change.effective_date);
      if ((!start.empty() && effective < start) || (!end.empty() && effective > end)) continue;
      if (!readable_checked) {
        if (!readable(state.ctg)) return true;
        readable_checked = true;
      }
      const std::string& change_id = change.proposal.change_id();
      v1::AppliedChange applied;
      applied.set_name(staffing::ChangeName(state.post_id, change_id));
      applied.set_post(staffing::PostName(state.post_id));
      applied.set_ctg(state.ctg);
      applied.set_employer(state.employer);
      *applied.mutable_proposal() = change.proposal;
      *applied.mutable_effective_date() = change.effective_date;
      for (const v1::CdtExchangeRecorded& exchange : change.exchanges) {
        if (exchange.exchange_id() == change.applied_exchange_id) {
          *applied.mutable_exchange() = exchange;
        }
      }
      applied.set_exchange_name(ExchangeName(state.post_id, change_id, change.applied_exchange_id));
      changes.emplace_back(absl::StrCat(effective, "|", state.post_id, "|", change_id),
                           std::move(applied));
    }
    return true;
  });
  std::sort(changes.begin(), changes.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string last;
  bool more = false;
  for (auto& [key, change] : changes) {
    if (!after->empty() && key <= *after) continue;
    if (response->changes_size() == *page_size) {
      more = true;
      break;
    }
    last = key;
    *response->add_changes() = std::move(change);
  }
  if (more) response->set_next_page_token(api::EncodePageToken(last, filter));
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace ctg::staffing_api
