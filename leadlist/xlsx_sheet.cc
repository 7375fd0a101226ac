#include "leadlist/xlsx_sheet.h"

#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace dnc::leadlist {
namespace {

// What every "the file itself is broken" message ends with.
constexpr char kResave[] =
    "open the workbook in Excel (or LibreOffice) and save it again as .xlsx, "
    "or save the sheet as CSV";

// Excel's own limits: a sheet holds at most 1,048,576 rows and 16,384
// columns (A..XFD). More means the file was not written by a spreadsheet;
// the row bound also bounds the per-row bookkeeping below.
constexpr uint64_t kMaxRows = 1048576;
constexpr uint32_t kMaxColumns = 16384;
// Charged per shared string on top of its text (the std::string itself).
constexpr uint64_t kSharedStringOverhead = 32;

// The relationship namespaces of transitional and strict OOXML (r:id).
constexpr char kRelNs[] =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr char kStrictRelNs[] =
    "http://purl.oclc.org/ooxml/officeDocument/relationships";

std::string Quoted(std::string_view text) {
  return absl::StrCat("\"", std::string(text), "\"");
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return absl::ascii_tolower(static_cast<unsigned char>(x)) ==
                  absl::ascii_tolower(static_cast<unsigned char>(y));
         });
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.substr(text.size() - suffix.size()) == suffix;
}

void InitLibxml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

struct ArchiveDeleter {
  void operator()(archive* reader) const { archive_read_free(reader); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

struct XmlReaderDeleter {
  void operator()(xmlTextReader* reader) const { xmlFreeTextReader(reader); }
};
using XmlReaderPtr = std::unique_ptr<xmlTextReader, XmlReaderDeleter>;

// The workbook's zip, opened afresh for each part read (from memory, so
// reopening costs only the central directory).
class Zip {
 public:
  explicit Zip(std::string_view bytes) : bytes_(bytes) {}

  // Checks the bytes are a zip and lists its entries. Errors:
  // InvalidArgument saying what the file looks like instead.
  absl::Status Open() {
    if (bytes_.size() >= 4 && bytes_.substr(0, 4) == "\xD0\xCF\x11\xE0") {
      return absl::InvalidArgumentError(
          "the workbook is not an .xlsx file but an old-style Excel .xls "
          "file or a password-protected workbook; open it in Excel and save "
          "it as .xlsx without a password, or save the sheet as CSV");
    }
    if (bytes_.size() < 4 || bytes_.substr(0, 2) != "PK") {
      return absl::InvalidArgumentError(
          "the workbook is not an .xlsx file: it does not start like a zip "
          "archive, which every .xlsx file is; if it is a CSV or text file, "
          "give it a .csv name, else " +
          std::string(kResave));
    }
    // A zip ends with its central directory's end record (22 bytes plus a
    // comment of up to 64 KiB). Without it the file was cut short: refused,
    // rather than read entry by entry as far as it goes.
    const size_t tail = std::min<size_t>(bytes_.size(), 22 + 65535);
    if (bytes_.substr(bytes_.size() - tail).find("PK\x05\x06") ==
        std::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the workbook is truncated: its zip archive has no end record "
          "(central directory), so the file was cut short while being "
          "copied, downloaded or uploaded; get the whole file again, or ",
          kResave));
    }
    ArchivePtr reader;
    if (absl::Status status = OpenReader(&reader); !status.ok()) return status;
    while (true) {
      archive_entry* entry = nullptr;
      const int result = archive_read_next_header(reader.get(), &entry);
      if (result == ARCHIVE_EOF) break;
      if (result < ARCHIVE_WARN) return Damaged(reader.get(), "");
      const char* name = archive_entry_pathname(entry);
      if (name != nullptr) names_.emplace_back(name);
    }
    return absl::OkStatus();
  }

  // The entry named `part` (case-insensitive, as OPC part names are) or "".
  std::string Find(std::string_view part) const {
    for (const std::string& name : names_) {
      if (EqualsIgnoreCase(name, part)) return name;
    }
    return "";
  }

  // Streams the entry `part` (REQUIRES: listed) through libxml2's reader,
  // calling `on_node` for every node, refusing more than `max_bytes` of
  // expanded XML and any DOCTYPE. Errors: InvalidArgument naming the part
  // and line; whatever `on_node` returns.
  absl::Status ParseXml(
      const std::string& part, uint64_t max_bytes,
      const std::function<absl::Status(xmlTextReader*)>& on_node) const;

  // "the zip is damaged" for `part` ("" = the zip itself).
  static absl::Status Damaged(archive* reader, std::string_view part) {
    const char* message = archive_error_string(reader);
    return absl::InvalidArgumentError(absl::StrCat(
        "the workbook's zip archive is truncated or damaged",
        part.empty() ? "" : absl::StrCat(" (in ", std::string(part), ")"), ": ",
        message != nullptr ? message : "unknown libarchive error",
        "; download or copy the file again, or ", kResave));
  }

 private:
  absl::Status OpenReader(ArchivePtr* out) const {
    ArchivePtr reader(archive_read_new());
    if (reader == nullptr) std::abort();  // Out of memory.
    archive_read_support_format_zip(reader.get());
    if (archive_read_open_memory(reader.get(), bytes_.data(), bytes_.size()) !=
        ARCHIVE_OK) {
      return Damaged(reader.get(), "");
    }
    *out = std::move(reader);
    return absl::OkStatus();
  }

  std::string_view bytes_;
  std::vector<std::string> names_;
};

// libxml2's input: the current zip entry's data, counted against a cap.
struct EntrySource {
  archive* reader = nullptr;
  uint64_t max_bytes = 0;
  uint64_t bytes = 0;
  bool too_big = false;
  bool failed = false;

  static int Read(void* context, char* buffer, int length) {
    auto* source = static_cast<EntrySource*>(context);
    const la_ssize_t got = archive_read_data(source->reader, buffer, length);
    if (got < 0) {
      source->failed = true;
      return -1;
    }
    source->bytes += static_cast<uint64_t>(got);
    if (source->bytes > source->max_bytes) {
      source->too_big = true;
      return -1;
    }
    return static_cast<int>(got);
  }
};

// The first error libxml2 reports, with its line.
struct XmlError {
  std::string message;
  int line = 0;

  static void Handle(void* context, xmlErrorPtr error) {
    auto* first = static_cast<XmlError*>(context);
    if (error == nullptr || error->level < XML_ERR_ERROR ||
        !first->message.empty()) {
      return;
    }
    first->message = error->message != nullptr ? error->message : "error";
    while (!first->message.empty() &&
           absl::ascii_isspace(first->message.back())) {
      first->message.pop_back();
    }
    if (first->message.empty()) first->message = "error";
    first->line = error->line;
  }
};

absl::Status Zip::ParseXml(
    const std::string& part, uint64_t max_bytes,
    const std::function<absl::Status(xmlTextReader*)>& on_node) const {
  ArchivePtr archive_reader;
  if (absl::Status status = OpenReader(&archive_reader); !status.ok()) {
    return status;
  }
  while (true) {
    archive_entry* entry = nullptr;
    const int result = archive_read_next_header(archive_reader.get(), &entry);
    if (result == ARCHIVE_EOF) {
      return absl::InvalidArgumentError(
          absl::StrCat("the workbook's zip has no ", part, "; ", kResave));
    }
    if (result < ARCHIVE_WARN) return Damaged(archive_reader.get(), part);
    const char* name = archive_entry_pathname(entry);
    if (name != nullptr && part == name) break;
  }
  InitLibxml();
  EntrySource source;
  source.reader = archive_reader.get();
  source.max_bytes = max_bytes;
  // No network, no entity substitution, no "huge" mode (libxml2's own
  // bounds on text nodes and entity amplification stay on).
  XmlReaderPtr reader(xmlReaderForIO(&EntrySource::Read, nullptr, &source,
                                     part.c_str(), nullptr, XML_PARSE_NONET));
  if (reader == nullptr) std::abort();  // Out of memory.
  XmlError error;
  xmlTextReaderSetStructuredErrorHandler(reader.get(), &XmlError::Handle,
                                         &error);
  const auto where = [&](int line) {
    return line > 0 ? absl::StrCat(part, " line ", line) : part;
  };
  int result;
  while ((result = xmlTextReaderRead(reader.get())) == 1) {
    if (xmlTextReaderNodeType(reader.get()) == XML_READER_TYPE_DOCUMENT_TYPE) {
      return absl::InvalidArgumentError(absl::StrCat(
          where(xmlTextReaderGetParserLineNumber(reader.get())),
          ": has a DOCTYPE, which no spreadsheet writes; ", kResave));
    }
    if (absl::Status status = on_node(reader.get()); !status.ok()) {
      return status;
    }
  }
  if (source.too_big) {
    return absl::InvalidArgumentError(absl::StrCat(
        part, ": expands to more than ", max_bytes,
        " bytes (a damaged file or a \"zip bomb\"); if the sheet is really "
        "that big, save it as CSV instead"));
  }
  if (source.failed) return Damaged(archive_reader.get(), part);
  if (result != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        where(error.line), ": not well-formed XML (",
        error.message.empty() ? "parse error" : error.message, "); ", kResave));
  }
  return absl::OkStatus();
}

std::string Attribute(xmlTextReader* reader, const char* name) {
  xmlChar* value =
      xmlTextReaderGetAttribute(reader, reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) return "";
  std::string text(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return text;
}

bool HasAttribute(xmlTextReader* reader, const char* name) {
  xmlChar* value =
      xmlTextReaderGetAttribute(reader, reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) return false;
  xmlFree(value);
  return true;
}

std::string AttributeNs(xmlTextReader* reader, const char* name,
                        const char* ns) {
  xmlChar* value = xmlTextReaderGetAttributeNs(
      reader, reinterpret_cast<const xmlChar*>(name),
      reinterpret_cast<const xmlChar*>(ns));
  if (value == nullptr) return "";
  std::string text(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return text;
}

std::string_view LocalName(xmlTextReader* reader) {
  const xmlChar* name = xmlTextReaderConstLocalName(reader);
  return name == nullptr
             ? std::string_view()
             : std::string_view(reinterpret_cast<const char*>(name));
}

bool IsText(int type) {
  return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
         type == XML_READER_TYPE_WHITESPACE ||
         type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

void AppendValue(xmlTextReader* reader, std::string* text) {
  const xmlChar* value = xmlTextReaderConstValue(reader);
  if (value != nullptr) text->append(reinterpret_cast<const char*>(value));
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t code, std::string* out) {
  if (code >= 0xD800 && code <= 0xDFFF) code = 0xFFFD;  // Lone surrogate.
  if (code < 0x80) {
    out->push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code >> 6)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (code >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// Excel writes characters XML cannot hold (CR, other controls) and a literal
// "_x" as _xHHHH_ (a UTF-16 unit); this undoes it, pairing surrogates.
std::string DecodeEscapes(std::string text) {
  if (text.find("_x") == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  const auto unit_at = [&](size_t i, uint32_t* unit) {
    if (i + 7 > text.size() || text[i] != '_' || text[i + 1] != 'x' ||
        text[i + 6] != '_') {
      return false;
    }
    uint32_t value = 0;
    for (size_t k = i + 2; k < i + 6; ++k) {
      const int digit = HexDigit(text[k]);
      if (digit < 0) return false;
      value = value * 16 + static_cast<uint32_t>(digit);
    }
    *unit = value;
    return true;
  };
  size_t i = 0;
  while (i < text.size()) {
    uint32_t unit = 0;
    if (!unit_at(i, &unit)) {
      out.push_back(text[i++]);
      continue;
    }
    i += 7;
    uint32_t low = 0;
    if (unit >= 0xD800 && unit <= 0xDBFF && unit_at(i, &low) && low >= 0xDC00 &&
        low <= 0xDFFF) {
      i += 7;
      const uint32_t code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
      out.push_back(static_cast<char>(0xF0 | (code >> 18)));
      out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
      continue;
    }
    AppendUtf8(unit, &out);
  }
  return out;
}

// A number cell as Excel shows it in General format: exact integers below
// 2^53 as digits (2.025551234E9 -> 2025551234), anything else as stored.
std::string FormatNumber(const std::string& stored) {
  std::string_view text = stored;
  while (!text.empty() && absl::ascii_isspace(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && absl::ascii_isspace(text.back())) {
    text.remove_suffix(1);
  }
  double value = 0;
  if (text.empty() ||
      !absl::SimpleAtod(absl::string_view(text.data(), text.size()), &value) ||
      !std::isfinite(value) || value != std::floor(value) ||
      std::fabs(value) >= 9007199254740992.0) {
    return std::string(text);
  }
  return absl::StrCat(static_cast<int64_t>(value));
}

// "B7" -> column 2 (1-based). False if `ref` is not a cell reference.
bool ParseColumn(std::string_view ref, uint32_t* column) {
  uint32_t value = 0;
  size_t i = 0;
  while (i < ref.size() && absl::ascii_isalpha(ref[i])) {
    value = value * 26 +
            static_cast<uint32_t>(absl::ascii_toupper(ref[i]) - 'A' + 1);
    if (++i > 3) return false;
  }
  if (i == 0 || i == ref.size() || value > kMaxColumns) return false;
  for (; i < ref.size(); ++i) {
    if (!absl::ascii_isdigit(ref[i])) return false;
  }
  *column = value;
  return true;
}

std::string ColumnName(uint32_t column) {
  std::string name;
  while (column > 0) {
    name.insert(name.begin(), static_cast<char>('A' + (column - 1) % 26));
    column = (column - 1) / 26;
  }
  return name;
}

// "xl/" + "worksheets/sheet1.xml", or an absolute "/xl/..." target, with
// "." and ".." resolved.
std::string ResolveTarget(std::string_view base_dir, std::string_view target) {
  std::string joined =
      target.size() > 0 && target[0] == '/'
          ? std::string(target.substr(1))
          : absl::StrCat(std::string(base_dir), std::string(target));
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t end = joined.find('/', start);
    if (end == std::string::npos) end = joined.size();
    const std::string piece = joined.substr(start, end - start);
    if (piece == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!piece.empty() && piece != ".") {
      parts.push_back(piece);
    }
    start = end + 1;
  }
  return absl::StrJoin(parts, "/");
}

struct Relationship {
  std::string id;
  std::string type;
  std::string target;  // Resolved to a part name.
};

absl::StatusOr<std::vector<Relationship>> ReadRelationships(
    const Zip& zip, const std::string& part, std::string_view base_dir,
    const XlsxLimits& limits) {
  std::vector<Relationship> relationships;
  absl::Status status =
      zip.ParseXml(part, limits.max_part_bytes, [&](xmlTextReader* reader) {
        if (xmlTextReaderNodeType(reader) == XML_READER_TYPE_ELEMENT &&
            LocalName(reader) == "Relationship" &&
            Attribute(reader, "TargetMode") != "External") {
          relationships.push_back(
              {Attribute(reader, "Id"), Attribute(reader, "Type"),
               ResolveTarget(base_dir, Attribute(reader, "Target"))});
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return relationships;
}

struct SheetEntry {
  std::string name;
  std::string part;  // "" if its relationship is missing.
  bool worksheet = true;
  bool hidden = false;  // state="hidden" or "veryHidden".
};

struct Workbook {
  std::string part;  // "xl/workbook.xml".
  std::vector<SheetEntry> sheets;
  std::string shared_strings;  // Part name, "" if none.
};

absl::StatusOr<Workbook> ReadWorkbook(const Zip& zip,
                                      const XlsxLimits& limits) {
  Workbook book;
  // The main part is where the package's root relationships say.
  if (std::string root = zip.Find("_rels/.rels"); !root.empty()) {
    absl::StatusOr<std::vector<Relationship>> rels =
        ReadRelationships(zip, root, "", limits);
    if (!rels.ok()) return rels.status();
    for (const Relationship& rel : *rels) {
      if (EndsWith(rel.type, "/officeDocument")) book.part = rel.target;
    }
  }
  if (book.part.empty()) book.part = "xl/workbook.xml";
  const std::string part = zip.Find(book.part);
  if (part.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the zip has no ", book.part,
        ", so it is not an Excel workbook (an .xlsx file holds one); ",
        kResave));
  }
  book.part = part;
  std::vector<std::string> ids;
  absl::Status status =
      zip.ParseXml(part, limits.max_part_bytes, [&](xmlTextReader* reader) {
        if (xmlTextReaderNodeType(reader) != XML_READER_TYPE_ELEMENT ||
            LocalName(reader) != "sheet") {
          return absl::OkStatus();
        }
        std::string id = AttributeNs(reader, "id", kRelNs);
        if (id.empty()) id = AttributeNs(reader, "id", kStrictRelNs);
        const std::string state = Attribute(reader, "state");
        book.sheets.push_back({Attribute(reader, "name"), "", true,
                               state == "hidden" || state == "veryHidden"});
        ids.push_back(std::move(id));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  const size_t slash = part.rfind('/');
  const std::string base_dir =
      slash == std::string::npos ? "" : part.substr(0, slash + 1);
  const std::string rels_part = zip.Find(
      absl::StrCat(base_dir, "_rels/", part.substr(base_dir.size()), ".rels"));
  std::vector<Relationship> rels;
  if (!rels_part.empty()) {
    absl::StatusOr<std::vector<Relationship>> read =
        ReadRelationships(zip, rels_part, base_dir, limits);
    if (!read.ok()) return read.status();
    rels = std::move(*read);
  }
  for (size_t i = 0; i < book.sheets.size(); ++i) {
    for (const Relationship& rel : rels) {
      if (rel.id == ids[i]) {
        book.sheets[i].part = rel.target;
        book.sheets[i].worksheet = EndsWith(rel.type, "/worksheet");
      }
    }
  }
  for (const Relationship& rel : rels) {
    if (EndsWith(rel.type, "/sharedStrings")) {
      book.shared_strings = zip.Find(rel.target);
    }
  }
  if (book.shared_strings.empty() && rels_part.empty()) {
    book.shared_strings = zip.Find(base_dir + "sharedStrings.xml");
  }
  return book;
}

// Picks the sheet asked for. Errors: InvalidArgument listing the sheets.
absl::StatusOr<const SheetEntry*> PickSheet(const Workbook& book,
                                            std::string_view wanted) {
  std::vector<std::string> names;
  for (const SheetEntry& entry : book.sheets)
    names.push_back(Quoted(entry.name));
  const std::string listing =
      names.empty()
          ? "it lists none"
          : absl::StrCat("its sheets are ", absl::StrJoin(names, ", "));
  const SheetEntry* found = nullptr;
  if (wanted.empty()) {
    // The first tab the user sees; a hidden one only if all are hidden.
    for (const SheetEntry& entry : book.sheets) {
      if (found == nullptr && entry.worksheet && !entry.hidden) found = &entry;
    }
    for (const SheetEntry& entry : book.sheets) {
      if (found == nullptr && entry.worksheet) found = &entry;
    }
    if (found == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(book.part, ": the workbook has no sheet of cells (",
                       listing, "); save the sheet with the list as CSV"));
    }
  } else {
    for (const SheetEntry& entry : book.sheets) {
      if (entry.name == wanted) found = &entry;
    }
    for (const SheetEntry& entry : book.sheets) {
      if (found == nullptr && EqualsIgnoreCase(entry.name, wanted)) {
        found = &entry;
      }
    }
    uint64_t index = 0;
    if (found == nullptr &&
        absl::SimpleAtoi(absl::string_view(wanted.data(), wanted.size()),
                         &index) &&
        index >= 1 && index <= book.sheets.size()) {
      found = &book.sheets[index - 1];
    }
    if (found == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the workbook has no sheet ", Quoted(wanted), "; ", listing,
          ": give one of these names or a number from 1 to ",
          book.sheets.size()));
    }
    if (!found->worksheet) {
      return absl::InvalidArgumentError(
          absl::StrCat("sheet ", Quoted(found->name),
                       " is a chart or dialog sheet, not a sheet of cells; ",
                       listing, ": choose the one that holds the list"));
    }
  }
  if (found->part.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        book.part, ": sheet ", Quoted(found->name),
        " has no part in the workbook's relationships; ", kResave));
  }
  return found;
}

absl::StatusOr<std::vector<std::string>> ReadSharedStrings(
    const Zip& zip, const std::string& part, const XlsxLimits& limits) {
  std::vector<std::string> strings;
  uint64_t budget = 0;
  std::string current;
  bool in_si = false;
  int rph_depth = -1;  // Depth of the open <rPh>, whose text is not shown.
  bool in_t = false;
  absl::Status status = zip.ParseXml(
      part, limits.max_xml_bytes, [&](xmlTextReader* reader) -> absl::Status {
        const int type = xmlTextReaderNodeType(reader);
        const int depth = xmlTextReaderDepth(reader);
        if (type == XML_READER_TYPE_ELEMENT) {
          const std::string_view name = LocalName(reader);
          const bool empty = xmlTextReaderIsEmptyElement(reader) == 1;
          if (name == "si") {
            current.clear();
            in_si = !empty;
            if (empty) strings.emplace_back();
          } else if (in_si && name == "rPh" && !empty) {
            rph_depth = depth;
          } else if (in_si && name == "t" && rph_depth < 0) {
            in_t = !empty;
          }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
          const std::string_view name = LocalName(reader);
          if (name == "t") {
            in_t = false;
          } else if (name == "rPh" && depth == rph_depth) {
            rph_depth = -1;
          } else if (name == "si" && in_si) {
            in_si = false;
            budget += current.size() + kSharedStringOverhead;
            if (budget > limits.max_shared_string_bytes) {
              return absl::InvalidArgumentError(absl::StrCat(
                  part, " line ", xmlTextReaderGetParserLineNumber(reader),
                  ": the shared strings exceed ",
                  limits.max_shared_string_bytes,
                  " bytes; save the sheet as CSV instead"));
            }
            strings.push_back(DecodeEscapes(std::move(current)));
            current.clear();
          }
        } else if (in_t && IsText(type)) {
          AppendValue(reader, &current);
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return strings;
}

// Writes the sheet's rows as CSV into *out.
class SheetWriter {
 public:
  SheetWriter(const std::string& part,
              const std::vector<std::string>& shared_strings,
              const XlsxLimits& limits, std::string* out)
      : part_(part), shared_(shared_strings), limits_(limits), out_(out) {}

  absl::Status OnNode(xmlTextReader* reader) {
    const int type = xmlTextReaderNodeType(reader);
    if (type == XML_READER_TYPE_ELEMENT) {
      const std::string_view name = LocalName(reader);
      const bool empty = xmlTextReaderIsEmptyElement(reader) == 1;
      if (name == "row") {
        StartRow(reader);
        if (empty) return EndRow(reader);
      } else if (name == "c" && in_row_) {
        if (absl::Status status = StartCell(reader); !status.ok()) {
          return status;
        }
        if (empty) return EndCell(reader);
      } else if (in_cell_ && name == "v" && !empty) {
        in_v_ = true;
      } else if (in_cell_ && name == "is") {
        in_is_ = !empty;
      } else if (in_is_ && name == "rPh" && !empty) {
        rph_depth_ = xmlTextReaderDepth(reader);
      } else if (in_is_ && name == "t" && rph_depth_ < 0) {
        in_t_ = !empty;
      }
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
      const std::string_view name = LocalName(reader);
      if (name == "row" && in_row_) return EndRow(reader);
      if (name == "c" && in_cell_) return EndCell(reader);
      if (name == "v") in_v_ = false;
      if (name == "is") in_is_ = false;
      if (name == "t") in_t_ = false;
      if (name == "rPh" && xmlTextReaderDepth(reader) == rph_depth_) {
        rph_depth_ = -1;
      }
    } else if (IsText(type)) {
      if (in_v_) AppendValue(reader, &value_);
      if (in_t_) AppendValue(reader, &inline_);
    }
    return absl::OkStatus();
  }

  // Pads every row to the widest one, in place (moving rows back to front,
  // so no second copy of the output exists). Errors: InvalidArgument if the
  // padded output exceeds the limit.
  absl::Status Finish() {
    uint64_t pad_total = 0;
    for (const RowEnd& row : rows_) pad_total += max_width_ - row.width;
    if (pad_total == 0) return absl::OkStatus();
    if (out_->size() + pad_total > limits_.max_output_bytes) return TooBig();
    const size_t old_size = out_->size();
    out_->resize(old_size + pad_total);
    char* data = out_->data();
    uint64_t shift = pad_total;  // How far row i's end moves.
    for (size_t i = rows_.size(); i-- > 0;) {
      const RowEnd& row = rows_[i];
      const uint64_t begin = i == 0 ? 0 : rows_[i - 1].end;
      const uint64_t pad = max_width_ - row.width;
      const uint64_t new_end = row.end + shift;
      // CRLF, then the padding commas, then the row's fields moved.
      std::memcpy(data + new_end - 2, "\r\n", 2);
      std::memset(data + new_end - 2 - pad, ',', pad);
      shift -= pad;
      std::memmove(data + begin + shift, data + begin, row.end - 2 - begin);
    }
    return absl::OkStatus();
  }

 private:
  struct Cell {
    uint32_t column = 0;
    std::string text;
  };
  struct RowEnd {
    uint64_t end = 0;  // Offset just past the row's CRLF in *out_.
    uint32_t width = 0;
  };

  std::string Where(xmlTextReader* reader) const {
    return absl::StrCat(part_, " line ",
                        xmlTextReaderGetParserLineNumber(reader));
  }

  absl::Status TooBig() const {
    return absl::InvalidArgumentError(absl::StrCat(
        part_, ": the sheet as CSV is bigger than ", limits_.max_output_bytes,
        " bytes; split the list into smaller files, or save it as CSV"));
  }

  void StartRow(xmlTextReader* reader) {
    in_row_ = true;
    cells_used_ = 0;
    row_ref_ = Attribute(reader, "r");
  }

  absl::Status StartCell(xmlTextReader* reader) {
    const std::string ref = Attribute(reader, "r");
    const uint32_t last = cells_used_ == 0 ? 0 : cells_[cells_used_ - 1].column;
    uint32_t column = last + 1;
    if (!ref.empty() && !ParseColumn(ref, &column)) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(reader), ": cell reference ", Quoted(ref),
                       " is not a cell like B7; ", kResave));
    }
    if (column <= last || column > kMaxColumns) {
      return absl::InvalidArgumentError(absl::StrCat(
          Where(reader), ": cell ", ref.empty() ? ColumnName(column) : ref,
          " comes after column ", ColumnName(last), " in row ",
          row_ref_.empty() ? "?" : row_ref_,
          "; cells must be in column order: ", kResave));
    }
    in_cell_ = true;
    cell_ref_ = ref.empty() ? ColumnName(column) + row_ref_ : ref;
    cell_type_ = HasAttribute(reader, "t") ? Attribute(reader, "t") : "n";
    column_ = column;
    value_.clear();
    inline_.clear();
    in_v_ = in_is_ = in_t_ = false;
    rph_depth_ = -1;
    return absl::OkStatus();
  }

  absl::Status EndCell(xmlTextReader* reader) {
    in_cell_ = in_v_ = in_is_ = in_t_ = false;
    std::string text;
    if (cell_type_ == "s") {
      uint64_t index = 0;
      if (!absl::SimpleAtoi(value_, &index) || index >= shared_.size()) {
        return absl::InvalidArgumentError(absl::StrCat(
            Where(reader), ": cell ", cell_ref_, " points to shared string ",
            Quoted(value_), " but the workbook has ", shared_.size(), "; ",
            kResave));
      }
      text = shared_[index];
    } else if (cell_type_ == "inlineStr") {
      text = DecodeEscapes(inline_.empty() ? value_ : inline_);
    } else if (cell_type_ == "str") {
      text = DecodeEscapes(value_);
    } else if (cell_type_ == "b") {
      text = value_ == "1" ? "TRUE" : value_ == "0" ? "FALSE" : value_;
    } else if (cell_type_ == "n") {
      text = FormatNumber(value_);
    } else {
      text = value_;  // "e" (#N/A, ...), "d" (ISO date text), unknown.
    }
    if (text.empty()) return absl::OkStatus();
    if (cells_used_ == cells_.size()) cells_.emplace_back();
    cells_[cells_used_].column = column_;
    cells_[cells_used_].text = std::move(text);
    ++cells_used_;
    return absl::OkStatus();
  }

  absl::Status EndRow(xmlTextReader* reader) {
    in_row_ = false;
    if (cells_used_ == 0) return absl::OkStatus();
    if (rows_.size() == kMaxRows) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(reader), ": more than ", kMaxRows,
                       " rows, which no spreadsheet holds; ", kResave));
    }
    // Column k's field is preceded by a comma unless k is 1; the columns
    // without a value are empty fields.
    uint32_t next = 1;
    for (size_t i = 0; i < cells_used_; ++i) {
      for (; next <= cells_[i].column; ++next) {
        if (next > 1) out_->push_back(',');
      }
      AppendField(cells_[i].text);
    }
    out_->append("\r\n");
    const uint32_t width = cells_[cells_used_ - 1].column;
    rows_.push_back({out_->size(), width});
    max_width_ = std::max(max_width_, width);
    if (out_->size() > limits_.max_output_bytes) return TooBig();
    return absl::OkStatus();
  }

  void AppendField(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) {
      out_->append(text);
      return;
    }
    out_->push_back('"');
    for (const char c : text) {
      if (c == '"') out_->push_back('"');
      out_->push_back(c);
    }
    out_->push_back('"');
  }

  const std::string& part_;
  const std::vector<std::string>& shared_;
  const XlsxLimits& limits_;
  std::string* out_;

  std::vector<Cell> cells_;  // The current row's non-empty cells.
  size_t cells_used_ = 0;
  std::vector<RowEnd> rows_;
  uint32_t max_width_ = 0;

  bool in_row_ = false;
  bool in_cell_ = false;
  bool in_v_ = false;
  bool in_is_ = false;
  bool in_t_ = false;
  int rph_depth_ = -1;
  std::string row_ref_;
  std::string cell_ref_;
  std::string cell_type_;
  uint32_t column_ = 0;
  std::string value_;   // <v> text.
  std::string inline_;  // <is><t> text.
};

}  // namespace

absl::StatusOr<std::string> XlsxSheetToCsv(std::string_view workbook,
                                           std::string_view sheet,
                                           std::string* sheet_name) {
  return XlsxSheetToCsv(workbook, sheet, sheet_name, XlsxLimits());
}

absl::StatusOr<std::string> XlsxSheetToCsv(std::string_view workbook,
                                           std::string_view sheet,
                                           std::string* sheet_name,
                                           const XlsxLimits& limits) {
  Zip zip(workbook);
  if (absl::Status status = zip.Open(); !status.ok()) return status;
  absl::StatusOr<Workbook> book = ReadWorkbook(zip, limits);
  if (!book.ok()) return book.status();
  absl::StatusOr<const SheetEntry*> picked = PickSheet(*book, sheet);
  if (!picked.ok()) return picked.status();
  const std::string part = zip.Find((*picked)->part);
  if (part.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sheet ", Quoted((*picked)->name), " should be in ", (*picked)->part,
        " but the zip has no such entry; ", kResave));
  }
  std::vector<std::string> shared;
  if (!book->shared_strings.empty()) {
    absl::StatusOr<std::vector<std::string>> read =
        ReadSharedStrings(zip, book->shared_strings, limits);
    if (!read.ok()) return read.status();
    shared = std::move(*read);
  }
  std::string csv;
  SheetWriter writer(part, shared, limits, &csv);
  absl::Status status = zip.ParseXml(
      part, limits.max_xml_bytes,
      [&](xmlTextReader* reader) { return writer.OnNode(reader); });
  if (!status.ok()) return status;
  if (absl::Status finished = writer.Finish(); !finished.ok()) return finished;
  if (sheet_name != nullptr) *sheet_name = (*picked)->name;
  return csv;
}

}  // namespace dnc::leadlist
