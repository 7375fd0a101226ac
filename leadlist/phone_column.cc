#include "leadlist/phone_column.h"

#include <cstdint>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/phone_number.h"
#include "leadlist/spreadsheet_cells.h"

namespace dnc::leadlist {
namespace {

absl::string_view AsAbsl(std::string_view s) { return {s.data(), s.size()}; }

// Normalised header names that mark the phone column, best first: English,
// then the German, French, Spanish, Italian, Portuguese and Dutch names
// lead lists from those markets use (accents fold: "Téléphone" ->
// "telephone").
constexpr const char* kPhoneHeaderNames[] = {"phone",
                                             "phonenumber",
                                             "phoneno",
                                             "phonenum",
                                             "telephone",
                                             "telephonenumber",
                                             "tel",
                                             "telno",
                                             "telnr",
                                             "telefon",
                                             "telefonnummer",
                                             "telefonnr",
                                             "rufnummer",
                                             "numerodetelephone",
                                             "numerotelephone",
                                             "telefono",
                                             "numerodetelefono",
                                             "numerotelefono",
                                             "telefoon",
                                             "telefoonnummer",
                                             "mobile",
                                             "mobilenumber",
                                             "mobilephone",
                                             "mobileno",
                                             "cell",
                                             "cellphone",
                                             "cellnumber",
                                             "cellphonenumber",
                                             "handy",
                                             "handynummer",
                                             "handynr",
                                             "mobil",
                                             "mobilnummer",
                                             "mobiltelefon",
                                             "mobilfunknummer",
                                             "gsm",
                                             "portable",
                                             "telephoneportable",
                                             "cellulaire",
                                             "celular",
                                             "movil",
                                             "telemovel",
                                             "cellulare",
                                             "mobiel",
                                             "mobielnummer",
                                             "number",
                                             "contactnumber",
                                             "contactphone",
                                             "primaryphone",
                                             "phone1",
                                             "homephone",
                                             "workphone",
                                             "businessphone",
                                             "telefonprivat",
                                             "telefongeschaftlich",
                                             "festnetz",
                                             "festnetznummer",
                                             "telephonefixe",
                                             "msisdn",
                                             "e164",
                                             "dialnumber",
                                             "phonee164"};

// ASCII letters for U+00C0-U+00FF and U+0100-U+017F ("" drops the
// character: the multiplication and division signs).
constexpr const char* kLatin1Fold[64] = {
    "a", "a", "a", "a", "a",  "a",  "ae", "c", "e", "e", "e",  "e", "i",
    "i", "i", "i", "d", "n",  "o",  "o",  "o", "o", "o", "",   "o", "u",
    "u", "u", "u", "y", "th", "ss", "a",  "a", "a", "a", "a",  "a", "ae",
    "c", "e", "e", "e", "e",  "i",  "i",  "i", "i", "d", "n",  "o", "o",
    "o", "o", "o", "",  "o",  "u",  "u",  "u", "u", "y", "th", "y"};
constexpr char kLatinExtendedAFold[] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllll"
    "nnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
static_assert(sizeof(kLatinExtendedAFold) == 128 + 1);

// Appends the ASCII letters code point `cp` folds to (none for others).
void AppendFolded(uint32_t cp, std::string* out) {
  if (cp >= 0xC0 && cp <= 0xFF) {
    out->append(kLatin1Fold[cp - 0xC0]);
  } else if (cp >= 0x100 && cp <= 0x17F) {
    if (cp == 0x132 || cp == 0x133) {
      out->append("ij");
    } else if (cp == 0x152 || cp == 0x153) {
      out->append("oe");
    } else {
      out->push_back(kLatinExtendedAFold[cp - 0x100]);
    }
  }
}

// Rank of a normalised header name in kPhoneHeaderNames, or -1.
int PhoneHeaderRank(const std::string& normalized) {
  int rank = 0;
  for (const char* name : kPhoneHeaderNames) {
    if (normalized == name) return rank;
    ++rank;
  }
  return -1;
}

// A cell that holds a number (valid or not), as opposed to text.
bool ReadsAsNumber(const ParsedNumber& parsed) {
  return parsed.number_class != NumberClass::kMalformed && parsed.e164 != 0;
}

std::string QuotedList(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  quoted.reserve(names.size());
  for (const std::string& name : names) {
    quoted.push_back(absl::StrCat("\"", name, "\""));
  }
  return absl::StrJoin(quoted, ", ");
}

std::string ColumnName(const std::vector<std::string>* header, size_t index) {
  return header != nullptr && index < header->size()
             ? (*header)[index]
             : absl::StrCat("column ", index + 1);
}

// --column: a header cell as written, then as normalised, then a 1-based
// index.
absl::StatusOr<PhoneColumn> ColumnFromFlag(
    const std::vector<std::string>* header, std::string_view flag,
    size_t width) {
  if (header != nullptr) {
    for (size_t i = 0; i < header->size(); ++i) {
      if ((*header)[i] == flag) return PhoneColumn{i, (*header)[i], "--column"};
    }
    const std::string wanted = NormalizeHeaderName(flag);
    for (size_t i = 0; i < header->size() && !wanted.empty(); ++i) {
      if (NormalizeHeaderName((*header)[i]) == wanted) {
        return PhoneColumn{i, (*header)[i], "--column"};
      }
    }
  }
  uint64_t index = 0;
  if (absl::SimpleAtoi(AsAbsl(flag), &index)) {
    if (index == 0 || index > width) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--column ", AsAbsl(flag),
          ": column indexes start at 1 and the input has ", width, " columns"));
    }
    const size_t column = static_cast<size_t>(index - 1);
    return PhoneColumn{column, ColumnName(header, column), "--column"};
  }
  if (header == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--column ", AsAbsl(flag),
        ": the input has no header row, so give a 1-based column index"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--column ", AsAbsl(flag),
                   " matches no column; the header is: ", QuotedList(*header)));
}

// The header cell with the best-ranked phone name, if any.
std::optional<PhoneColumn> ColumnByHeaderName(
    const std::vector<std::string>& header) {
  int best_rank = -1;
  size_t best = 0;
  for (size_t i = 0; i < header.size(); ++i) {
    const int rank = PhoneHeaderRank(NormalizeHeaderName(header[i]));
    if (rank >= 0 && (best_rank < 0 || rank < best_rank)) {
      best_rank = rank;
      best = i;
    }
  }
  if (best_rank < 0) return std::nullopt;
  return PhoneColumn{best, header[best], "header name"};
}

// The column where more than half the sampled rows read as numbers (the
// most numbers, then the most valid ones), if any.
std::optional<PhoneColumn> ColumnByContent(
    const std::vector<std::string>* header,
    const std::vector<std::vector<std::string>>& sample, size_t width) {
  size_t best = 0;
  size_t best_numbers = 0;
  size_t best_valid = 0;
  for (size_t c = 0; c < width; ++c) {
    size_t numbers = 0;
    size_t valid = 0;
    for (const std::vector<std::string>& row : sample) {
      if (c >= row.size()) continue;
      const ParsedNumber parsed = ParsePhoneNumber(UnwrapExcelText(row[c]));
      if (!ReadsAsNumber(parsed)) continue;
      ++numbers;
      if (parsed.valid()) ++valid;
    }
    if (numbers > best_numbers ||
        (numbers == best_numbers && valid > best_valid)) {
      best = c;
      best_numbers = numbers;
      best_valid = valid;
    }
  }
  if (sample.empty() || best_numbers * 2 <= sample.size()) return std::nullopt;
  return PhoneColumn{best, ColumnName(header, best), "content"};
}

}  // namespace

bool ParseHeaderMode(std::string_view text, HeaderMode* mode) {
  const std::string value = absl::AsciiStrToLower(AsAbsl(text));
  if (value == "auto") {
    *mode = HeaderMode::kAuto;
  } else if (value == "yes" || value == "true" || value == "1") {
    *mode = HeaderMode::kPresent;
  } else if (value == "no" || value == "false" || value == "0") {
    *mode = HeaderMode::kAbsent;
  } else {
    return false;
  }
  return true;
}

std::string DescribePhoneColumn(const PhoneColumn& column, bool had_header) {
  return absl::StrFormat("Phone column: \"%s\" (column %d, by %s)%s",
                         column.name, column.index + 1, column.how,
                         had_header ? "" : "; no header row");
}

std::string NormalizeHeaderName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size();) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      if (absl::ascii_isalnum(c)) out.push_back(absl::ascii_tolower(c));
      ++i;
      continue;
    }
    // A two-byte UTF-8 sequence covers U+0080-U+07FF, the accented Latin
    // letters among them; anything longer is not a letter we fold.
    if ((c & 0xE0) == 0xC0 && i + 1 < name.size() &&
        (static_cast<unsigned char>(name[i + 1]) & 0xC0) == 0x80) {
      AppendFolded(((c & 0x1Fu) << 6) |
                       (static_cast<unsigned char>(name[i + 1]) & 0x3Fu),
                   &out);
      i += 2;
      continue;
    }
    ++i;
  }
  return out;
}

bool LooksLikeHeader(const std::vector<std::string>& first_row) {
  for (const std::string& cell : first_row) {
    if (PhoneHeaderRank(NormalizeHeaderName(cell)) >= 0) return true;
  }
  for (const std::string& cell : first_row) {
    if (ReadsAsNumber(ParsePhoneNumber(UnwrapExcelText(cell)))) return false;
  }
  return true;
}

absl::StatusOr<PhoneColumn> FindPhoneColumn(
    const std::vector<std::string>* header,
    const std::vector<std::vector<std::string>>& sample,
    std::string_view column_flag, size_t width) {
  if (!column_flag.empty()) return ColumnFromFlag(header, column_flag, width);
  if (header != nullptr) {
    if (std::optional<PhoneColumn> by_name = ColumnByHeaderName(*header)) {
      return *by_name;
    }
  }
  if (std::optional<PhoneColumn> by_content =
          ColumnByContent(header, sample, width)) {
    return *by_content;
  }
  if (header != nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no phone column found: no header is a phone name (phone, "
        "phone_number, telephone, tel, mobile, cell, number, contact number, "
        "Telefon, Handy, Mobil, Rufnummer, GSM, téléphone, portable, "
        "cellulaire, teléfono, ...) "
        "and no column of the first ",
        sample.size(), " rows reads mostly as phone numbers; the header is: ",
        QuotedList(*header), "; pass --column NAME|INDEX"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "no phone column found: the input has no header row and no column of "
      "the first ",
      sample.size(),
      " rows reads mostly as phone numbers; pass --column INDEX (1-based)"));
}

}  // namespace dnc::leadlist
