#include "clients/ctg/format.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"

namespace ctg::cli {
namespace {

constexpr absl::string_view kOrganisationsPrefix = "organisations/";
constexpr absl::string_view kCtgsPrefix = "ctgs/";
constexpr absl::string_view kEventPackage = "ctg.v1.";

// "ORGANISATION_TYPE_" for OrganisationType: the name of the value 0 without "UNSPECIFIED".
std::string EnumPrefix(const google::protobuf::EnumDescriptor* type) {
  const google::protobuf::EnumValueDescriptor* zero = type->FindValueByNumber(0);
  if (zero == nullptr) return "";
  absl::string_view name = zero->name();
  return absl::ConsumeSuffix(&name, "UNSPECIFIED") ? std::string(name) : "";
}

bool IsUnspecified(const google::protobuf::EnumValueDescriptor* value) {
  return value->number() == 0 && absl::EndsWith(value->name(), "UNSPECIFIED");
}

// A scanner of JSON text, just enough to split a payload's top-level object. It assumes
// nothing about the text: malformed input makes it return false, never read out of bounds.
class JsonScanner {
 public:
  explicit JsonScanner(absl::string_view text) : text_(text) {}

  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }
  // Consumes `c` (after optional white space) if it is next.
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool PeekIs(char c) {
    SkipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  // A string, decoded (escapes, \u surrogate pairs) into UTF-8.
  bool String(std::string* out) {
    if (!Consume('"')) return false;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) return false;
      char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            uint32_t low = 0;
            if (!Hex4(&low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }
  // Skips one value of any kind and returns its text.
  bool RawValue(absl::string_view* raw) {
    SkipSpace();
    size_t start = pos_;
    if (pos_ >= text_.size()) return false;
    char c = text_[pos_];
    if (c == '"') {
      std::string ignored;
      if (!String(&ignored)) return false;
    } else if (c == '{' || c == '[') {
      int depth = 0;
      while (pos_ < text_.size()) {
        char d = text_[pos_];
        if (d == '"') {
          std::string ignored;
          if (!String(&ignored)) return false;
          continue;
        }
        ++pos_;
        if (d == '{' || d == '[') ++depth;
        if (d == '}' || d == ']') --depth;
        if (depth == 0) break;
      }
      if (depth != 0) return false;
    } else {
      while (pos_ < text_.size() && !absl::StrContains(",}] \t\r\n", text_[pos_])) ++pos_;
      if (pos_ == start) return false;
    }
    *raw = text_.substr(start, pos_ - start);
    return true;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && absl::ascii_isspace(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
  }
  bool Hex4(uint32_t* out) {
    if (pos_ + 4 > text_.size()) return false;
    for (int k = 0; k < 4; ++k) {
      char h = text_[pos_++];
      if (!absl::ascii_isxdigit(static_cast<unsigned char>(h))) return false;
      *out = *out * 16 + (absl::ascii_isdigit(static_cast<unsigned char>(h))
                              ? h - '0'
                              : absl::ascii_tolower(static_cast<unsigned char>(h)) - 'a' + 10);
    }
    return true;
  }
  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // a lone surrogate
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

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string EnumShortName(const google::protobuf::EnumDescriptor* type, int value) {
  const google::protobuf::EnumValueDescriptor* descriptor = type->FindValueByNumber(value);
  if (descriptor == nullptr) return absl::StrCat(value);
  if (IsUnspecified(descriptor)) return "";
  absl::string_view name = descriptor->name();
  absl::ConsumePrefix(&name, EnumPrefix(type));
  return absl::AsciiStrToLower(name);
}

absl::StatusOr<int> ParseEnumShortName(const google::protobuf::EnumDescriptor* type,
                                       absl::string_view text) {
  std::string wanted = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  for (char& c : wanted) {
    if (c == '-') c = '_';
  }
  const std::string prefix = EnumPrefix(type);
  for (int i = 0; i < type->value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* value = type->value(i);
    if (IsUnspecified(value)) continue;
    if (value->name() == wanted || value->name() == prefix + wanted) return value->number();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", text, "\" is not a known ", type->name(),
                   "; use one of: ", absl::StrJoin(EnumShortNames(type), ", ")));
}

std::vector<std::string> EnumShortNames(const google::protobuf::EnumDescriptor* type) {
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    if (!IsUnspecified(type->value(i)))
      names.push_back(EnumShortName(type, type->value(i)->number()));
  }
  return names;
}

absl::StatusOr<std::string> OrganisationName(absl::string_view siren) {
  absl::string_view digits = absl::StripAsciiWhitespace(siren);
  absl::ConsumePrefix(&digits, kOrganisationsPrefix);
  bool ok = digits.size() == 9;
  for (char c : digits) ok = ok && absl::ascii_isdigit(static_cast<unsigned char>(c));
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", siren, "\" is not a SIREN: expected 9 digits, e.g. 200000172"));
  }
  return absl::StrCat(kOrganisationsPrefix, digits);
}

std::string SirenOf(absl::string_view organisation_name) {
  absl::ConsumePrefix(&organisation_name, kOrganisationsPrefix);
  return std::string(organisation_name);
}

absl::StatusOr<std::string> CtgName(absl::string_view id) {
  absl::string_view bare = absl::StripAsciiWhitespace(id);
  absl::ConsumePrefix(&bare, kCtgsPrefix);
  if (bare.empty() || absl::StrContains(bare, '/')) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", id, "\" is not a CTG id: expected e.g. val-orbe-2025 or ctgs/val-orbe-2025"));
  }
  return absl::StrCat(kCtgsPrefix, bare);
}

absl::StatusOr<absl::Time> ParseTimeFlag(absl::string_view text) {
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return time;
  if (absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &time, &error)) return time;
  return absl::InvalidArgumentError(
      absl::StrCat("\"", text,
                   "\" is not an RFC 3339 time: expected e.g. 2026-06-01T08:00:00+02:00, "
                   "2026-06-01T06:00:00Z or 2026-06-01"));
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(timestamp.seconds()),
                          absl::UTCTimeZone());
}

std::string FormatTimeMicros(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", time, absl::UTCTimeZone());
}

std::string FormatDate(const google::type::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

std::string ShortEventType(absl::string_view type) {
  absl::ConsumePrefix(&type, kEventPackage);
  return std::string(type);
}

std::string FullEventType(absl::string_view type) {
  return absl::StrContains(type, '.') ? std::string(type) : absl::StrCat(kEventPackage, type);
}

std::string SummarizePayloadJson(absl::string_view json) {
  JsonScanner scanner(json);
  std::vector<std::string> parts;
  if (!scanner.Consume('{')) return std::string(json);
  if (!scanner.Consume('}')) {
    do {
      std::string key;
      if (!scanner.String(&key) || !scanner.Consume(':')) return std::string(json);
      std::string value;
      if (scanner.PeekIs('"')) {
        if (!scanner.String(&value)) return std::string(json);
      } else {
        absl::string_view raw;
        if (!scanner.RawValue(&raw)) return std::string(json);
        value = std::string(raw);
      }
      parts.push_back(absl::StrCat(key, "=", value));
    } while (scanner.Consume(','));
    if (!scanner.Consume('}')) return std::string(json);
  }
  if (!scanner.AtEnd()) return std::string(json);
  return absl::StrJoin(parts, " ");
}

std::string ToJsonLine(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    // Only a message with an Any of an unknown type can fail; say so rather than print nothing.
    return absl::StrCat("{\"error\":\"cannot print ", message.GetTypeName(), " as JSON\"}\n");
  }
  return json + "\n";
}

}  // namespace ctg::cli
