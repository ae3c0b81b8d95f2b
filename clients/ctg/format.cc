#include "clients/ctg/format.h"

#include <algorithm>
#include <cstdint>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
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
        absl::StrCat("\"", siren, "\" is not a SIREN: expected 9 digits, e.g. 249900028"));
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

absl::StatusOr<std::string> ResourceName(absl::string_view collection, absl::string_view id,
                                         absl::string_view what, absl::string_view example) {
  absl::string_view bare = absl::StripAsciiWhitespace(id);
  const std::string prefix = absl::StrCat(collection, "/");
  absl::ConsumePrefix(&bare, prefix);
  if (bare.empty() || absl::StrContains(bare, '/')) {
    return absl::InvalidArgumentError(absl::StrCat("\"", id, "\" is not ", what, ": expected e.g. ",
                                                   example, " or ", prefix, example));
  }
  return absl::StrCat(prefix, bare);
}

absl::StatusOr<std::string> PersonName(absl::string_view id) {
  return ResourceName("persons", id, "a person id", "5c1e0f7a9b2d4e6f8a0b1c2d3e4f5a6b");
}

absl::StatusOr<std::string> RecruitmentName(absl::string_view id) {
  return ResourceName("recruitments", id, "a recruitment id", "rec-val-orbe-2026");
}

absl::StatusOr<std::string> PostName(absl::string_view id) {
  return ResourceName("posts", id, "a post id", "cc-val-orbe-1");
}

std::string IdOf(absl::string_view name) {
  size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

absl::StatusOr<ctg::v1::ErasureBasis> ParseErasureBasis(absl::string_view text) {
  std::string key = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  std::replace(key.begin(), key.end(), '-', '_');
  if (key == "request") return ctg::v1::ERASURE_BASIS_DATA_SUBJECT_REQUEST;
  if (key == "retention") return ctg::v1::ERASURE_BASIS_RETENTION_EXPIRED;
  if (key == "no_longer_needed") return ctg::v1::ERASURE_BASIS_NO_LONGER_NEEDED;
  absl::StatusOr<int> value = ParseEnumShortName(ctg::v1::ErasureBasis_descriptor(), key);
  if (value.ok()) return static_cast<ctg::v1::ErasureBasis>(*value);
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", text,
      "\" is not a basis of erasure; use one of: request (the person asked, RGPD art. 17), "
      "retention (the retention period ended), no-longer-needed"));
}

std::string ErasureBasisText(ctg::v1::ErasureBasis basis) {
  switch (basis) {
    case ctg::v1::ERASURE_BASIS_DATA_SUBJECT_REQUEST:
      return "the person's request (RGPD art. 17)";
    case ctg::v1::ERASURE_BASIS_RETENTION_EXPIRED:
      return "the retention period ended";
    case ctg::v1::ERASURE_BASIS_NO_LONGER_NEEDED:
      return "no longer needed for its purpose";
    case ctg::v1::ERASURE_BASIS_UNSPECIFIED:
      return "";
    default:
      return EnumShortName(ctg::v1::ErasureBasis_descriptor(), basis);
  }
}

std::string NewRequestId() {
  std::random_device device;  // getrandom(2) on Linux
  uint8_t bytes[16];
  for (size_t i = 0; i < sizeof(bytes); i += 4) {
    uint32_t word = device();
    for (size_t j = 0; j < 4; ++j) bytes[i + j] = static_cast<uint8_t>(word >> (8 * j));
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string hex = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
}

bool IsUuid(absl::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !absl::ascii_isxdigit(static_cast<unsigned char>(text[i])))
      return false;
  }
  return true;
}

size_t CharCount(absl::string_view text) {
  size_t count = 0;
  for (char c : text) {
    // Every byte but a UTF-8 continuation byte (10xxxxxx) starts a character.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string RedactValues(absl::string_view text, const std::vector<std::string>& values) {
  // Longest first, so that a value inside another (a given name inside an e-mail address)
  // does not leave the rest of the longer one visible.
  std::vector<absl::string_view> sorted;
  for (const std::string& value : values) {
    if (!value.empty()) sorted.push_back(value);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](absl::string_view a, absl::string_view b) { return a.size() > b.size(); });
  std::string out;
  for (size_t pos = 0; pos < text.size();) {
    bool redacted = false;
    for (absl::string_view value : sorted) {
      // ASCII case is ignored: a server may well echo "Martin" as "martin" in an address.
      if (absl::EqualsIgnoreCase(text.substr(pos, value.size()), value)) {
        out += "[personal data]";
        pos += value.size();
        redacted = true;
        break;
      }
    }
    if (!redacted) out.push_back(text[pos++]);
  }
  return out;
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
