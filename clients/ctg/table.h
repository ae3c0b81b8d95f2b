// Aligned text tables and field lists for people reading a terminal.
//
// Cells are UTF-8 (names are French, with accents). Widths count what a terminal shows: one
// column per character, none for combining marks, two for East Asian wide characters. Cells
// come from the server, which is not trusted with the terminal: control characters (escape
// sequences, tabs, newlines) and invalid UTF-8 are replaced before printing, so a cell can
// neither move the cursor nor break the alignment.
//
// Thread safety: a Table is not thread-safe; the free functions are.
#ifndef CTG_CLIENTS_CTG_TABLE_H_
#define CTG_CLIENTS_CTG_TABLE_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace ctg::cli {

// How many terminal columns `text` takes once sanitised: combining marks and zero-width
// characters count 0, East Asian wide and fullwidth characters 2, every other character 1.
// An invalid UTF-8 byte counts 1 (it prints as U+FFFD).
size_t DisplayWidth(absl::string_view text);

// `text` made safe to print: tabs, newlines and carriage returns become a space; other C0 and
// C1 control characters, DEL and invalid UTF-8 bytes become U+FFFD.
std::string SanitizeForTerminal(absl::string_view text);

// `text` (sanitised) cut to at most `max_width` columns, ending with "…" when something was
// cut. A character is never split, and combining marks stay with their base character.
// max_width 0 means no limit.
std::string TruncateToWidth(absl::string_view text, size_t max_width);

// `text` padded with spaces to `width` columns (no change if it is already as wide).
std::string PadRight(absl::string_view text, size_t width);
std::string PadLeft(absl::string_view text, size_t width);

// One column of a Table.
struct Column {
  // Printed on the header line as given (by convention upper-case).
  std::string header;
  // Cells wider than this are truncated with an ellipsis; 0 means no limit. The header is
  // never truncated.
  size_t max_width = 0;
  // Numbers read best right-aligned.
  bool align_right = false;
};

// A table printed as a header line and one line per row, columns separated by two spaces,
// each as wide as its widest cell (after truncation), without trailing spaces:
//
//   SIREN      TYPE     NAME
//   249900028  epci     Communauté de communes du Val d'Orbe
class Table {
 public:
  explicit Table(std::vector<Column> columns);

  // Adds a row. Missing cells are empty; cells beyond the columns are ignored.
  void AddRow(std::vector<std::string> cells);

  size_t row_count() const { return rows_.size(); }

  // The header and rows, each line ending in '\n'.
  std::string Render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;  // sanitised and truncated
};

// Labelled fields, one per line, values aligned after the longest label:
//
//   name      organisations/249900028
//   type      epci
//
// Values are sanitised; empty values are kept (an empty line after the label).
std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace ctg::cli

#endif  // CTG_CLIENTS_CTG_TABLE_H_
