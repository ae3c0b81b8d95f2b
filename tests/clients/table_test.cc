#include "clients/ctg/table.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctg::cli {
namespace {

using ::testing::ElementsAre;

constexpr char kEllipsis[] = "\xE2\x80\xA6";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  EXPECT_EQ(lines.back(), "") << "output must end with a newline";
  lines.pop_back();
  return lines;
}

TEST(DisplayWidthTest, CountsCharactersNotBytes) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("Valmont"), 7u);
  EXPECT_EQ(DisplayWidth("Communauté"), 10u);  // é is 2 bytes, 1 column
  EXPECT_EQ(DisplayWidth("Écully-le-Haut"), 14u);
  EXPECT_EQ(DisplayWidth("n\xC2\xB0 2025-041"), 11u);  // n° 2025-041
  EXPECT_EQ(DisplayWidth("\xE2\x86\x92"), 1u);         // →
  EXPECT_EQ(DisplayWidth("\xF0\x9F\x8C\x8D"), 2u);     // 🌍, 4 bytes, wide
}

TEST(DisplayWidthTest, CombiningMarksTakeNoColumn) {
  // "é" written as e + U+0301 COMBINING ACUTE ACCENT, as some systems store it (NFD).
  EXPECT_EQ(DisplayWidth("Communaute\xCC\x81"), 10u);
  EXPECT_EQ(DisplayWidth("a\xE2\x80\x8B"
                         "b"),
            2u);  // zero width space
}

TEST(DisplayWidthTest, EastAsianWideCharactersTakeTwoColumns) {
  EXPECT_EQ(DisplayWidth("\xE6\x97\xA5\xE6\x9C\xAC"), 4u);  // 日本
  EXPECT_EQ(DisplayWidth("\xEF\xBC\xA1"), 2u);              // fullwidth A
}

TEST(DisplayWidthTest, InvalidBytesCountOneEach) {
  EXPECT_EQ(DisplayWidth("\xFF\xFE"), 2u);
  EXPECT_EQ(DisplayWidth("a\xC3"), 2u);         // truncated sequence
  EXPECT_EQ(DisplayWidth("\xC0\xAF"), 2u);      // overlong '/'
  EXPECT_EQ(DisplayWidth("\xED\xA0\x80"), 3u);  // a UTF-16 surrogate
}

TEST(SanitizeTest, ControlCharactersCannotReachTheTerminal) {
  EXPECT_EQ(SanitizeForTerminal("a\tb\nc\rd"), "a b c d");
  // ESC [ 2 J would clear the screen; ESC and the C1 CSI become U+FFFD.
  EXPECT_EQ(SanitizeForTerminal("\x1b[2Jx"), "\xEF\xBF\xBD[2Jx");
  EXPECT_EQ(SanitizeForTerminal("\xC2\x9B"
                                "2J"),
            "\xEF\xBF\xBD"
            "2J");
  EXPECT_EQ(SanitizeForTerminal(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(SanitizeForTerminal("\x7f"), "\xEF\xBF\xBD");
  // A right-to-left override could make "exe.txt" read as "txt.exe".
  EXPECT_EQ(SanitizeForTerminal("a\xE2\x80\xAE"
                                "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(SanitizeForTerminal("\xFF"), "\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeForTerminal("Saint-Éloi-sur-Orbe"), "Saint-Éloi-sur-Orbe");
}

TEST(TruncateTest, KeepsShortTextAndCutsLongTextWithAnEllipsis) {
  EXPECT_EQ(TruncateToWidth("Valmont", 7), "Valmont");
  EXPECT_EQ(TruncateToWidth("Valmont", 0), "Valmont");
  EXPECT_EQ(TruncateToWidth("Valmont", 6), std::string("Valmo") + kEllipsis);
  EXPECT_EQ(TruncateToWidth("Valmont", 1), kEllipsis);
  for (size_t width = 1; width < 40; ++width) {
    std::string cut = TruncateToWidth("Communauté de communes du Val d'Orbe", width);
    EXPECT_LE(DisplayWidth(cut), width) << cut;
  }
}

TEST(TruncateTest, NeverSplitsACharacter) {
  // Cutting "Communauté de…" at 10 columns keeps 9 characters and the ellipsis; the é is
  // either whole or absent, never half of its two bytes.
  EXPECT_EQ(TruncateToWidth("Communauté de communes", 10), std::string("Communaut") + kEllipsis);
  EXPECT_EQ(TruncateToWidth("Communauté de communes", 11), std::string("Communauté") + kEllipsis);
  // A combining accent stays with its letter.
  EXPECT_EQ(TruncateToWidth("Communaute\xCC\x81 de communes", 11),
            std::string("Communaute\xCC\x81") + kEllipsis);
  // A wide character that does not fit is dropped whole.
  EXPECT_EQ(TruncateToWidth("ab\xE6\x97\xA5\xE6\x9C\xAC", 4), std::string("ab") + kEllipsis);
}

TEST(TableTest, AlignsColumnsOnTheWidestCellCountingAccentsAsOneColumn) {
  Table table({{"SIREN"}, {"TYPE"}, {"NAME"}});
  table.AddRow({"200000172", "epci", "Communauté de communes du Val d'Orbe"});
  table.AddRow({"210000018", "commune", "Saint-Éloi-sur-Orbe"});
  EXPECT_THAT(Lines(table.Render()),
              ElementsAre("SIREN      TYPE     NAME",
                          "200000172  epci     Communauté de communes du Val d'Orbe",
                          "210000018  commune  Saint-Éloi-sur-Orbe"));
}

TEST(TableTest, EveryLineHasTheSameColumnOffsetsWithAccentsAndCombiningMarks) {
  Table table({{"NAME"}, {"DEP"}});
  table.AddRow({"Écully-le-Haut", "73"});
  table.AddRow({"Ecully-le-Haut", "73"});
  table.AddRow(
      {"E\xCC\x81"
       "cully-le-Haut",
       "73"});  // NFD
  std::vector<std::string> lines = Lines(table.Render());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "NAME            DEP");
  for (size_t i = 1; i < lines.size(); ++i) {
    // The second column starts at the same display column on every line.
    EXPECT_EQ(DisplayWidth(lines[i]), std::string("Ecully-le-Haut  73").size()) << lines[i];
  }
}

TEST(TableTest, TruncatesLongCellsButNeverHeaders) {
  Table table({{"NAME", 12}, {"N", 2, true}});
  table.AddRow({"Communauté de communes du Val d'Orbe", "123"});
  table.AddRow({"Caf", "7"});
  EXPECT_THAT(
      Lines(table.Render()),
      ElementsAre("NAME           N", std::string("Communauté ") + kEllipsis + "  1" + kEllipsis,
                  "Caf            7"));
}

TEST(TableTest, RightAlignsNumbersAndLeavesNoTrailingSpaces) {
  Table table({{"POS", 0, true}, {"TYPE"}, {"NOTE"}});
  table.AddRow({"7", "CtgDrafted", ""});
  table.AddRow({"1024", "CtgSignatoryAdded", "x"});
  EXPECT_THAT(Lines(table.Render()), ElementsAre(" POS  TYPE               NOTE",
                                                 "   7  CtgDrafted", "1024  CtgSignatoryAdded  x"));
}

TEST(TableTest, MissingCellsAreEmptyAndExtraCellsIgnored) {
  Table table({{"A"}, {"B"}});
  table.AddRow({"1"});
  table.AddRow({"2", "3", "ignored"});
  EXPECT_EQ(table.row_count(), 2u);
  EXPECT_THAT(Lines(table.Render()), ElementsAre("A  B", "1", "2  3"));
}

TEST(TableTest, SanitisesCellsSoTheyCannotBreakTheLayout) {
  Table table({{"A"}, {"B"}});
  table.AddRow({"x\ny", "\x1b[31mred"});
  EXPECT_THAT(Lines(table.Render()), ElementsAre("A    B", "x y  \xEF\xBF\xBD[31mred"));
}

TEST(RenderFieldsTest, AlignsValuesAfterTheLongestLabel) {
  EXPECT_EQ(
      RenderFields({{"name", "organisations/200000172"}, {"département", "73"}, {"epci", ""}}),
      "name         organisations/200000172\n"
      "département  73\n"
      "epci\n");
}

}  // namespace
}  // namespace ctg::cli
