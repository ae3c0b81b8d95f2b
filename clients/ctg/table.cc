#include "clients/ctg/table.h"

#include <algorithm>
#include <cstdint>

namespace ctg::cli {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr absl::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026, one column

// Decodes the code point at `text[*i]` and advances *i. Returns kReplacement (advancing by one
// byte) for an invalid, overlong, surrogate or truncated sequence.
char32_t NextCodePoint(absl::string_view text, size_t* i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t b0 = byte(*i);
  size_t length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (b0 < 0x80) {
    ++*i;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    length = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++*i;
    return kReplacement;
  }
  if (*i + length > text.size()) {
    ++*i;
    return kReplacement;
  }
  for (size_t k = 1; k < length; ++k) {
    if ((byte(*i + k) & 0xC0) != 0x80) {
      ++*i;
      return kReplacement;
    }
    cp = (cp << 6) | (byte(*i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*i;
    return kReplacement;
  }
  *i += length;
  return cp;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The character a terminal can safely show for `cp`.
char32_t SafeCodePoint(char32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r') return ' ';
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) return kReplacement;
  // Bidirectional overrides and isolates could reorder what is shown (CVE-2021-42574).
  if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return kReplacement;
  return cp;
}

// Columns taken by a safe code point (a small wcwidth: the ranges that occur in names).
int CodePointWidth(char32_t cp) {
  if ((cp >= 0x0300 && cp <= 0x036F) ||  // combining diacritical marks (e + ◌́ = é)
      (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
      (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
      (cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 || cp == 0xFEFF ||
      (cp >= 0xFE00 && cp <= 0xFE0F)) {  // zero width, variation selectors
    return 0;
  }
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
      (cp >= 0x3041 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
      (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) ||
      (cp >= 0x1F300 && cp <= 0x1F64F) || (cp >= 0x1F900 && cp <= 0x1F9FF) ||
      (cp >= 0x20000 && cp <= 0x3FFFD)) {
    return 2;
  }
  return 1;
}

std::string Spaces(size_t count) { return std::string(count, ' '); }

}  // namespace

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();)
    width += CodePointWidth(SafeCodePoint(NextCodePoint(text, &i)));
  return width;
}

std::string SanitizeForTerminal(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) AppendUtf8(SafeCodePoint(NextCodePoint(text, &i)), &out);
  return out;
}

std::string TruncateToWidth(absl::string_view text, size_t max_width) {
  std::string safe = SanitizeForTerminal(text);
  if (max_width == 0 || DisplayWidth(safe) <= max_width) return safe;
  // Keep characters while they and the ellipsis fit; zero-width marks that follow a kept
  // character are kept with it.
  std::string out;
  size_t width = 0;
  for (size_t i = 0; i < safe.size();) {
    size_t start = i;
    char32_t cp = NextCodePoint(safe, &i);
    int w = CodePointWidth(cp);
    if (width + w + 1 > max_width) break;
    width += w;
    out.append(safe, start, i - start);
  }
  out.append(kEllipsis.data(), kEllipsis.size());
  return out;
}

std::string PadRight(absl::string_view text, size_t width) {
  size_t have = DisplayWidth(text);
  std::string out(text);
  if (have < width) out += Spaces(width - have);
  return out;
}

std::string PadLeft(absl::string_view text, size_t width) {
  size_t have = DisplayWidth(text);
  return (have < width ? Spaces(width - have) : std::string()) + std::string(text);
}

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

void Table::AddRow(std::vector<std::string> cells) {
  std::vector<std::string> row(columns_.size());
  for (size_t c = 0; c < columns_.size() && c < cells.size(); ++c) {
    row[c] = TruncateToWidth(cells[c], columns_[c].max_width);
  }
  rows_.push_back(std::move(row));
}

std::string Table::Render() const {
  std::vector<size_t> widths(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = DisplayWidth(columns_[c].header);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  const auto render_line = [&](const auto& cell_of) {
    std::string line;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c > 0) line += "  ";
      std::string cell = cell_of(c);
      line += columns_[c].align_right ? PadLeft(cell, widths[c]) : PadRight(cell, widths[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  std::string out = render_line([&](size_t c) { return SanitizeForTerminal(columns_[c].header); });
  for (const auto& row : rows_) {
    out += render_line([&](size_t c) { return row[c]; });
  }
  return out;
}

std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t label_width = 0;
  for (const auto& [label, value] : fields)
    label_width = std::max(label_width, DisplayWidth(label));
  std::string out;
  for (const auto& [label, value] : fields) {
    std::string line =
        PadRight(SanitizeForTerminal(label), label_width) + "  " + SanitizeForTerminal(value);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace ctg::cli
