// Following next_page_token (AIP-158) for the list commands. Internal to clients/ctg.
#ifndef CTG_CLIENTS_CTG_PAGING_H_
#define CTG_CLIENTS_CTG_PAGING_H_

#include <set>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "clients/ctg/commands.h"
#include "clients/ctg/table.h"

namespace ctg::cli {

// Fetches the page at `first_token` into *merged, then, if `all`, every following page,
// appending their repeated fields (Message::MergeFrom); *merged ends with the last page's
// next_page_token. `fetch(token, &page)` makes one call and returns its absl::Status.
// DATA_LOSS if the server hands back a token it already gave (which would loop forever).
template <typename Response, typename Fetch>
absl::Status FetchPages(const std::string& first_token, bool all, Fetch fetch, Response* merged) {
  std::set<std::string> seen;
  std::string token = first_token;
  for (bool first = true;; first = false) {
    Response page;
    if (absl::Status status = fetch(token, &page); !status.ok()) return status;
    if (first) {
      *merged = std::move(page);
    } else {
      merged->MergeFrom(page);
      merged->set_next_page_token(page.next_page_token());
    }
    if (!all || merged->next_page_token().empty()) return absl::OkStatus();
    token = merged->next_page_token();
    if (!seen.insert(token).second) {
      return absl::DataLossError(absl::StrCat("the server returned the page token \"", token,
                                              "\" twice; stopping to avoid a loop"));
    }
  }
}

// After a table, tells how to get the rest when the server has more `what`. The token comes
// from the server: sanitised like every other server string before reaching a terminal.
inline void MoreHint(Output& output, absl::string_view what, const std::string& next_page_token) {
  if (output.json || next_page_token.empty()) return;
  *output.err << "more " << what
              << ": rerun with --all, or with --page_token=" << SanitizeForTerminal(next_page_token)
              << "\n";
}

}  // namespace ctg::cli

#endif  // CTG_CLIENTS_CTG_PAGING_H_
