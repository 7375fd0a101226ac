#include "tenant/tenant_store.h"

#include <openssl/crypto.h>
#include <sys/random.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/slice.h"
#include "rocksdb/write_batch.h"
#include "storage/rocksdb_status.h"

// ---------------------------------------------------------------------------
// On-disk layout (one RocksDB database, default column family).
//
// Keys. <name> is the tenant name (IsValidTenantName: no '/'), so
// "t/<name>/" is a prefix no other tenant's key has; integers are fixed-width
// big-endian so keys sort numerically.
//   m/format                               "dnc-tenant-store 1" (layout
//   version) k/<32-byte SHA-256 of the API key>     ApiKey record (tenant,
//   label, ...) t/<name>/cfg                           Config record
//   t/<name>/o/<e164:8>                    OptOut record (internal list)
//   t/<name>/c/<e164:8><seq:8>             Consent record (seq: per tenant,
//                                          increasing; revoked ones are kept)
//   t/<name>/a/<len:2><job><seq:8><time:8><n:8>
//                                          Audit record; <job> is the job id
//                                          (1-256 bytes, any bytes) after its
//                                          length, so one job's records are
//                                          one prefix and sort by (sequence,
//                                          time, n); time is Unix micros with
//                                          the sign bit flipped; n is unique
//                                          per process run
//   t/<name>/f/<len:2><job>                JobFiles record
//
// Values: byte 0 is the record version (1, or 2 where listed); then the
// fields in order, each
// an unsigned LEB128 varint ("u"), a zigzag varint ("s", signed), a byte
// ("b") or a string ("str" = u length + bytes):
//   Config  v1: b purpose, str entitlements (FormatEntitlements text),
//               s created (Unix seconds)
//   OptOut  v1: s added (DayNumber), str note
//   Consent v2: b type, s date, b revoked (0 = in force, 1 = revoked), then
//               s revoked day only when revoked, str note
//   Consent v1 (read only): b type, s date, s revoked (0 = in force), str
//               note. v1 could not tell "in force" from a revocation dated
//               1970-01-01; v2 is written on every change, so a v1 record
//               stays only until its number's consents next change.
//   ApiKey  v1: str tenant, str label, s created (Unix micros),
//               s revoked (Unix micros; 0 = active)
//   Audit   v1: str audit_id, str job_id, str request_id, str method,
//               s time (Unix micros), u sequence, b purpose, u numbers,
//               u count of counts + u each, u count of snapshots + str each,
//               str numbers_sha256, str answers_sha256, str entitlements
//   JobFiles v1: str input_name, str input_sha256, str output_name,
//               str output_sha256, u input_rows, u output_rows
// A value that does not decode (unknown version, truncated, trailing bytes)
// is DataLoss naming the key. Readers ignore nothing: a new field means a new
// version.
//
// Durability: every write of tenant data (config, keys, opt-outs, consents,
// job files) is one WriteBatch with WriteOptions::sync. Audit records with
// sync=false are written to the WAL file at once (manual_wal_flush is off,
// so they survive the process being killed) and a background thread syncs
// the WAL (FlushWAL(true)) about once a second when there are unsynced
// writes; the destructor stops it and syncs once more.
//
// Locking: tenants_mu_ guards the tenant map, keys_mu_ the key map, admin_mu_
// serialises administration (create/update/keys). Per tenant, write_mu_
// serialises writers across "write RocksDB, then update memory"; mu_ guards
// the in-memory maps and is held exclusively only for the memory update, so
// scrubs (reader lock on mu_) never wait for an fsync.
// ---------------------------------------------------------------------------

namespace dnc::tenant {
namespace {

namespace fs = std::filesystem;

constexpr char kFormatKey[] = "m/format";
constexpr char kFormatValue[] = "dnc-tenant-store 1";
constexpr uint8_t kRecordVersion = 1;
constexpr uint8_t kConsentVersion = 2;
constexpr size_t kMaxJobIdBytes = 256;
constexpr size_t kMaxNoteBytes = 256;
constexpr size_t kMaxFileNameBytes = 1024;
constexpr size_t kMaxLabelBytes = 64;
constexpr uint64_t kMaxE164 = 999999999999999ull;  // 15 digits.
constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
constexpr size_t kApiKeyRandomBytes = 25;  // 200 bits = 40 base32 chars.
constexpr char kApiKeyPrefix[] = "dnc_";

// ---- Encoding -------------------------------------------------------------

void PutBigEndian(std::string* out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

uint64_t GetBigEndian(const char* p, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value = (value << 8) | static_cast<uint8_t>(p[i]);
  }
  return value;
}

class Encoder {
 public:
  explicit Encoder(uint8_t version = kRecordVersion) {
    out_.push_back(static_cast<char>(version));
  }
  void Byte(uint8_t value) { out_.push_back(static_cast<char>(value)); }
  void Unsigned(uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<char>(value));
  }
  void Signed(int64_t value) {
    Unsigned((static_cast<uint64_t>(value) << 1) ^
             static_cast<uint64_t>(value >> 63));
  }
  void String(std::string_view value) {
    Unsigned(value.size());
    out_.append(value.data(), value.size());
  }
  std::string Finish() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what Encoder wrote; every getter returns false on truncation, and
// Done() is false unless the version was one of 1..max_version and every
// byte was used.
class Decoder {
 public:
  explicit Decoder(std::string_view in, uint8_t max_version = kRecordVersion)
      : in_(in) {
    version_ = in_.empty() ? 0 : static_cast<uint8_t>(in_[0]);
    ok_ = version_ >= 1 && version_ <= max_version;
    if (ok_) in_.remove_prefix(1);
  }
  uint8_t version() const { return version_; }
  bool Byte(uint8_t* value) {
    if (!ok_ || in_.empty()) return ok_ = false;
    *value = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool Unsigned(uint64_t* value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!ok_ || in_.empty()) return ok_ = false;
      const uint8_t byte = static_cast<uint8_t>(in_[0]);
      in_.remove_prefix(1);
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *value = result;
        return true;
      }
    }
    return ok_ = false;
  }
  bool Signed(int64_t* value) {
    uint64_t raw = 0;
    if (!Unsigned(&raw)) return false;
    *value = static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
    return true;
  }
  bool Day(DayNumber* day) {
    int64_t value = 0;
    if (!Signed(&value) || value < INT32_MIN || value > INT32_MAX) {
      return ok_ = false;
    }
    *day = static_cast<DayNumber>(value);
    return true;
  }
  bool String(std::string* value) {
    uint64_t size = 0;
    if (!Unsigned(&size) || size > in_.size()) return ok_ = false;
    value->assign(in_.data(), size);
    in_.remove_prefix(size);
    return true;
  }
  bool Done() const { return ok_ && in_.empty(); }

 private:
  std::string_view in_;
  uint8_t version_ = 0;
  bool ok_ = false;
};

// A key as text for messages: printable bytes as is, others as \xNN.
std::string PrintableKey(std::string_view key) {
  std::string out;
  for (char c : key) {
    const uint8_t byte = static_cast<uint8_t>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '\\') {
      out.push_back(c);
    } else {
      absl::StrAppend(&out, "\\x", absl::Hex(byte, absl::kZeroPad2));
    }
  }
  return out;
}

// ---- Keys -----------------------------------------------------------------

std::string TenantPrefix(std::string_view name) {
  return absl::StrCat("t/", std::string(name), "/");
}
std::string ConfigKey(std::string_view name) {
  return TenantPrefix(name) + "cfg";
}
std::string OptOutKey(std::string_view name, uint64_t e164) {
  std::string key = TenantPrefix(name) + "o/";
  PutBigEndian(&key, e164, 8);
  return key;
}
std::string ConsentPrefix(std::string_view name, uint64_t e164) {
  std::string key = TenantPrefix(name) + "c/";
  PutBigEndian(&key, e164, 8);
  return key;
}
std::string ConsentKey(std::string_view name, uint64_t e164, uint64_t seq) {
  std::string key = ConsentPrefix(name, e164);
  PutBigEndian(&key, seq, 8);
  return key;
}
std::string JobPart(std::string_view job_id) {
  std::string part;
  PutBigEndian(&part, job_id.size(), 2);
  part.append(job_id.data(), job_id.size());
  return part;
}
std::string AuditPrefix(std::string_view name, std::string_view job_id) {
  return TenantPrefix(name) + "a/" + JobPart(job_id);
}
std::string JobFilesKey(std::string_view name, std::string_view job_id) {
  return TenantPrefix(name) + "f/" + JobPart(job_id);
}
std::string ApiKeyKey(const Sha256Digest& digest) {
  return std::string("k/") +
         std::string(reinterpret_cast<const char*>(digest.data()),
                     digest.size());
}

bool StartsWith(const rocksdb::Slice& key, std::string_view prefix) {
  return key.size() >= prefix.size() &&
         std::memcmp(key.data(), prefix.data(), prefix.size()) == 0;
}

// ---- Record codecs ----------------------------------------------------------

std::string EncodeConfig(const TenantConfig& config, int64_t created) {
  Encoder e;
  e.Byte(static_cast<uint8_t>(config.default_purpose));
  e.String(FormatEntitlements(config.entitlements));
  e.Signed(created);
  return e.Finish();
}

std::string EncodeOptOut(DayNumber added, std::string_view note) {
  Encoder e;
  e.Signed(added);
  e.String(note);
  return e.Finish();
}

std::string EncodeConsent(const StoredConsent& consent) {
  Encoder e(kConsentVersion);
  e.Byte(static_cast<uint8_t>(consent.type));
  e.Signed(consent.date);
  e.Byte(consent.revoked.has_value() ? 1 : 0);
  if (consent.revoked.has_value()) e.Signed(*consent.revoked);
  e.String(consent.note);
  return e.Finish();
}

bool DecodeConsent(std::string_view value, StoredConsent* consent) {
  Decoder d(value, kConsentVersion);
  uint8_t type = 0;
  if (!d.Byte(&type) || !d.Day(&consent->date)) return false;
  consent->revoked.reset();
  if (d.version() == 1) {
    DayNumber revoked = 0;
    if (!d.Day(&revoked)) return false;
    if (revoked != 0) consent->revoked = revoked;
  } else {
    uint8_t is_revoked = 0;
    if (!d.Byte(&is_revoked) || is_revoked > 1) return false;
    if (is_revoked == 1) {
      DayNumber revoked = 0;
      if (!d.Day(&revoked)) return false;
      consent->revoked = revoked;
    }
  }
  if (!d.String(&consent->note) || !d.Done() ||
      type > static_cast<uint8_t>(policy::ConsentType::kWritten)) {
    return false;
  }
  consent->type = static_cast<policy::ConsentType>(type);
  return true;
}

std::string EncodeAudit(const AuditRecord& r) {
  Encoder e;
  e.String(r.audit_id);
  e.String(r.job_id);
  e.String(r.request_id);
  e.String(r.method);
  e.Signed(absl::ToUnixMicros(r.time));
  e.Unsigned(r.sequence);
  e.Byte(static_cast<uint8_t>(r.purpose));
  e.Unsigned(r.numbers);
  e.Unsigned(r.counts.size());
  for (uint64_t count : r.counts) e.Unsigned(count);
  e.Unsigned(r.snapshots.size());
  for (const std::string& snapshot : r.snapshots) e.String(snapshot);
  e.String(r.numbers_sha256);
  e.String(r.answers_sha256);
  e.String(r.entitlements);
  return e.Finish();
}

bool DecodeAudit(std::string_view value, AuditRecord* r) {
  Decoder d(value);
  int64_t micros = 0;
  uint8_t purpose = 0;
  uint64_t n = 0;
  if (!d.String(&r->audit_id) || !d.String(&r->job_id) ||
      !d.String(&r->request_id) || !d.String(&r->method) ||
      !d.Signed(&micros) || !d.Unsigned(&r->sequence) || !d.Byte(&purpose) ||
      !d.Unsigned(&r->numbers) || !d.Unsigned(&n) || n > value.size()) {
    return false;
  }
  r->time = absl::FromUnixMicros(micros);
  r->purpose = static_cast<policy::Purpose>(purpose);
  r->counts.resize(n);
  for (uint64_t& count : r->counts) {
    if (!d.Unsigned(&count)) return false;
  }
  if (!d.Unsigned(&n) || n > value.size()) return false;
  r->snapshots.resize(n);
  for (std::string& snapshot : r->snapshots) {
    if (!d.String(&snapshot)) return false;
  }
  return d.String(&r->numbers_sha256) && d.String(&r->answers_sha256) &&
         d.String(&r->entitlements) && d.Done();
}

std::string EncodeJobFiles(const JobFiles& files) {
  Encoder e;
  e.String(files.input_name);
  e.String(files.input_sha256);
  e.String(files.output_name);
  e.String(files.output_sha256);
  e.Unsigned(files.input_rows);
  e.Unsigned(files.output_rows);
  return e.Finish();
}

bool DecodeJobFiles(std::string_view value, JobFiles* files) {
  Decoder d(value);
  return d.String(&files->input_name) && d.String(&files->input_sha256) &&
         d.String(&files->output_name) && d.String(&files->output_sha256) &&
         d.Unsigned(&files->input_rows) && d.Unsigned(&files->output_rows) &&
         d.Done();
}

struct ApiKeyRecord {
  std::string tenant;
  std::string label;
  int64_t created_micros = 0;
  int64_t revoked_micros = 0;  // 0 = active.
};

std::string EncodeApiKey(const ApiKeyRecord& record) {
  Encoder e;
  e.String(record.tenant);
  e.String(record.label);
  e.Signed(record.created_micros);
  e.Signed(record.revoked_micros);
  return e.Finish();
}

bool DecodeApiKey(std::string_view value, ApiKeyRecord* record) {
  Decoder d(value);
  return d.String(&record->tenant) && d.String(&record->label) &&
         d.Signed(&record->created_micros) &&
         d.Signed(&record->revoked_micros) && d.Done();
}

// ---- Validation -------------------------------------------------------------

bool IsValidSourceId(std::string_view source) {
  if (source.empty() || source.size() > 64) return false;
  for (char c : source) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') {
      return false;
    }
  }
  return absl::ascii_isalnum(source[0]);
}

absl::Status CheckE164(uint64_t e164, std::string_view operation) {
  if (e164 == 0 || e164 > kMaxE164) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(operation), ": ", e164,
                     " is not an E.164 number (1-15 digits)"));
  }
  return absl::OkStatus();
}

absl::Status CheckNote(std::string_view note, std::string_view operation) {
  if (note.size() > kMaxNoteBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(operation), ": note of ", note.size(),
                     " bytes is longer than ", kMaxNoteBytes));
  }
  return absl::OkStatus();
}

absl::Status CheckJobId(std::string_view job_id, std::string_view operation) {
  if (job_id.empty() || job_id.size() > kMaxJobIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(operation), ": job id must be 1-",
                     kMaxJobIdBytes, " bytes, got ", job_id.size()));
  }
  return absl::OkStatus();
}

bool IsValidLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabelBytes) return false;
  for (char c : label) {
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

bool IsHexSha256(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

// Sorted, unique area codes; same source at most once.
absl::Status NormaliseEntitlements(std::vector<Entitlement>* entitlements) {
  absl::flat_hash_set<std::string> sources;
  for (Entitlement& entitlement : *entitlements) {
    if (!IsValidSourceId(entitlement.source)) {
      return absl::InvalidArgumentError(
          absl::StrCat("entitlement source '", entitlement.source,
                       "' is not a source id (a-z, 0-9, '-')"));
    }
    if (!sources.insert(entitlement.source).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "entitlement source '", entitlement.source, "' is given twice"));
    }
    if (entitlement.all_area_codes) {
      entitlement.area_codes.clear();
      continue;
    }
    for (uint32_t npa : entitlement.area_codes) {
      if (npa < 200 || npa > 999) {
        return absl::InvalidArgumentError(
            absl::StrCat("entitlement ", entitlement.source, ": area code ",
                         npa, " is not 200-999"));
      }
    }
    std::sort(entitlement.area_codes.begin(), entitlement.area_codes.end());
    entitlement.area_codes.erase(std::unique(entitlement.area_codes.begin(),
                                             entitlement.area_codes.end()),
                                 entitlement.area_codes.end());
  }
  return absl::OkStatus();
}

absl::Status CheckPurpose(policy::Purpose purpose) {
  switch (purpose) {
    case policy::Purpose::kCommercial:
    case policy::Purpose::kCharity:
    case policy::Purpose::kPolitical:
    case policy::Purpose::kSurvey:
      return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("default purpose ", static_cast<int>(purpose),
                       " is not commercial, charity, political or survey"));
  }
}

// "dnc_" + 40 base32 characters from 200 bits of getrandom().
absl::StatusOr<std::string> NewApiKey() {
  uint8_t random[kApiKeyRandomBytes];
  size_t filled = 0;
  while (filled < sizeof(random)) {
    const ssize_t n = getrandom(random + filled, sizeof(random) - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(absl::StrCat(
          "create api key: getrandom failed: ", std::strerror(errno)));
    }
    filled += static_cast<size_t>(n);
  }
  std::string key = kApiKeyPrefix;
  // 25 bytes = five 40-bit groups of eight 5-bit characters.
  for (size_t group = 0; group < kApiKeyRandomBytes; group += 5) {
    const uint64_t bits =
        GetBigEndian(reinterpret_cast<const char*>(random + group), 5);
    for (int shift = 35; shift >= 0; shift -= 5) {
      key.push_back(kBase32[(bits >> shift) & 31]);
    }
  }
  OPENSSL_cleanse(random, sizeof(random));
  return key;
}

uint64_t DigestPrefix(const Sha256Digest& digest) {
  return GetBigEndian(reinterpret_cast<const char*>(digest.data()), 8);
}

// ---- In-memory tenant -------------------------------------------------------

struct InForceConsent {
  uint64_t seq = 0;
  policy::ConsentType type = policy::ConsentType::kUnspecified;
  DayNumber date = 0;
};

class TenantImpl final : public Tenant {
 public:
  explicit TenantImpl(std::string name) : name_(std::move(name)) {}

  const std::string& name() const override { return name_; }

  policy::Purpose default_purpose() const override {
    absl::ReaderMutexLock lock(&mu_);
    return purpose_;
  }

  bool Entitled(std::string_view source, int npa) const override {
    absl::ReaderMutexLock lock(&mu_);
    for (const Entitlement& entitlement : entitlements_) {
      if (entitlement.source != source) continue;
      if (entitlement.all_area_codes || npa < 0) return true;
      return std::binary_search(entitlement.area_codes.begin(),
                                entitlement.area_codes.end(),
                                static_cast<uint32_t>(npa));
    }
    return false;
  }

  std::vector<Entitlement> entitlements() const override {
    absl::ReaderMutexLock lock(&mu_);
    return entitlements_;
  }

  void LookupOptOuts(
      absl::Span<const uint64_t> e164,
      absl::Span<std::optional<DayNumber>> opted_out_on) const override {
    absl::ReaderMutexLock lock(&mu_);
    const size_t n = std::min(e164.size(), opted_out_on.size());
    for (size_t i = 0; i < n; ++i) {
      auto it = opt_outs_.find(e164[i]);
      if (it == opt_outs_.end()) {
        opted_out_on[i].reset();
      } else {
        opted_out_on[i] = it->second;
      }
    }
  }

  void ConsentsOf(uint64_t e164,
                  std::vector<policy::ConsentRecord>* out) const override {
    absl::ReaderMutexLock lock(&mu_);
    auto it = consents_.find(e164);
    if (it == consents_.end()) return;
    for (const InForceConsent& consent : it->second) {
      out->push_back({consent.type, consent.date});
    }
  }

  uint64_t opt_out_count() const override {
    absl::ReaderMutexLock lock(&mu_);
    return opt_outs_.size();
  }

  uint64_t consent_count() const override {
    absl::ReaderMutexLock lock(&mu_);
    return consent_count_;
  }

  TenantConfig Config() const {
    absl::ReaderMutexLock lock(&mu_);
    return {name_, purpose_, entitlements_};
  }

  const std::string name_;
  // Serialises writers of this tenant across "write RocksDB, update memory".
  absl::Mutex write_mu_;
  uint64_t next_consent_seq_ ABSL_GUARDED_BY(write_mu_) = 1;
  int64_t created_ ABSL_GUARDED_BY(write_mu_) = 0;  // Unix seconds.

  mutable absl::Mutex mu_;
  policy::Purpose purpose_ ABSL_GUARDED_BY(mu_) = policy::Purpose::kCommercial;
  std::vector<Entitlement> entitlements_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, DayNumber> opt_outs_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, std::vector<InForceConsent>> consents_
      ABSL_GUARDED_BY(mu_);
  uint64_t consent_count_ ABSL_GUARDED_BY(mu_) = 0;
};

struct KeyEntry {
  Sha256Digest digest;
  ApiKeyRecord record;
  TenantImpl* tenant = nullptr;
};

// ---- The store --------------------------------------------------------------

class TenantStoreImpl final : public TenantStore {
 public:
  TenantStoreImpl(std::string dir, std::unique_ptr<rocksdb::DB> db)
      : dir_(std::move(dir)), db_(std::move(db)) {}

  ~TenantStoreImpl() override {
    {
      absl::MutexLock lock(&sync_mu_);
      stopping_ = true;
    }
    if (sync_thread_.joinable()) sync_thread_.join();
    if (unsynced_.exchange(false)) {
      db_->FlushWAL(/*sync=*/true).PermitUncheckedError();
    }
    db_->Close().PermitUncheckedError();
  }

  absl::Status Load();
  void StartWalSync() {
    sync_thread_ = std::thread([this] { WalSyncLoop(); });
  }

  absl::Status CreateTenant(const TenantConfig& config) override;
  absl::Status UpdateTenant(const TenantConfig& config) override;
  std::vector<TenantConfig> ListTenants() const override;
  absl::StatusOr<std::string> CreateApiKey(std::string_view tenant,
                                           std::string_view label) override;
  absl::Status RevokeApiKey(std::string_view tenant,
                            std::string_view label) override;
  absl::StatusOr<std::vector<ApiKeyInfo>> ListApiKeys(
      std::string_view tenant) const override;
  const Tenant* Authenticate(std::string_view api_key) const override;
  const Tenant* Find(std::string_view name) const override;
  absl::Status AddOptOuts(const Tenant& tenant, absl::Span<const uint64_t> e164,
                          DayNumber day, std::string_view note,
                          std::vector<bool>* changed) override;
  absl::Status RemoveOptOuts(const Tenant& tenant,
                             absl::Span<const uint64_t> e164,
                             std::vector<bool>* changed) override;
  absl::Status AddConsents(const Tenant& tenant,
                           absl::Span<const StoredConsent> records) override;
  absl::StatusOr<uint64_t> RevokeConsents(const Tenant& tenant,
                                          absl::Span<const uint64_t> e164,
                                          DayNumber day) override;
  std::vector<StoredConsent> ListConsents(
      const Tenant& tenant, absl::Span<const uint64_t> e164) const override;
  absl::StatusOr<std::string> AppendAudit(const Tenant& tenant,
                                          AuditRecord record,
                                          bool sync) override;
  absl::StatusOr<std::vector<AuditRecord>> JobAudit(
      const Tenant& tenant, std::string_view job_id) const override;
  absl::Status RecordJobFiles(const Tenant& tenant, std::string_view job_id,
                              const JobFiles& files) override;
  absl::StatusOr<JobFiles> GetJobFiles(const Tenant& tenant,
                                       std::string_view job_id) const override;

 private:
  // The store's own object for `tenant`: InvalidArgument for a handle from
  // another store (so a handle can only ever reach its own prefix).
  absl::StatusOr<TenantImpl*> Own(const Tenant& tenant) const;
  TenantImpl* FindImpl(std::string_view name) const;
  absl::Status Write(rocksdb::WriteBatch* batch, bool sync,
                     std::string_view operation, std::string_view tenant);
  absl::Status DataLoss(std::string_view key) const {
    return absl::DataLossError(
        absl::StrCat("tenant store ", dir_, ": record ", PrintableKey(key),
                     " cannot be read (unknown version or damaged)"));
  }
  void WalSyncLoop();
  // Adds to `batch` the rewrite (revoked = day) of every in-force consent of
  // `e164` and returns them as (e164, seq). REQUIRES: tenant->write_mu_ held.
  absl::StatusOr<std::vector<std::pair<uint64_t, uint64_t>>> PrepareRevocations(
      TenantImpl* tenant, absl::Span<const uint64_t> e164, DayNumber day,
      rocksdb::WriteBatch* batch);
  // Drops revoked records from memory. REQUIRES: tenant->write_mu_ held and
  // the batch from PrepareRevocations committed.
  static void ApplyRevocations(
      TenantImpl* tenant,
      const std::vector<std::pair<uint64_t, uint64_t>>& ending);

  const std::string dir_;
  const std::unique_ptr<rocksdb::DB> db_;

  absl::Mutex admin_mu_ ABSL_ACQUIRED_BEFORE(tenants_mu_, keys_mu_);
  mutable absl::Mutex tenants_mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<TenantImpl>> tenants_
      ABSL_GUARDED_BY(tenants_mu_);
  mutable absl::Mutex keys_mu_;
  // By the first 8 bytes of the digest; entries in creation order.
  absl::flat_hash_map<uint64_t, std::vector<KeyEntry>> keys_
      ABSL_GUARDED_BY(keys_mu_);
  std::vector<std::pair<uint64_t, size_t>> key_order_ ABSL_GUARDED_BY(keys_mu_);

  std::atomic<uint64_t> audit_counter_{0};
  std::atomic<bool> unsynced_{false};
  absl::Mutex sync_mu_;
  bool stopping_ ABSL_GUARDED_BY(sync_mu_) = false;
  std::thread sync_thread_;
};

void TenantStoreImpl::WalSyncLoop() {
  while (true) {
    {
      absl::MutexLock lock(&sync_mu_);
      sync_mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Seconds(1));
      if (stopping_) return;
    }
    if (unsynced_.exchange(false)) {
      rocksdb::Status status = db_->FlushWAL(/*sync=*/true);
      if (!status.ok()) unsynced_ = true;  // Try again next time.
    }
  }
}

absl::Status TenantStoreImpl::Write(rocksdb::WriteBatch* batch, bool sync,
                                    std::string_view operation,
                                    std::string_view tenant) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  rocksdb::Status status = db_->Write(options, batch);
  if (status.ok() && !sync) unsynced_ = true;
  return storage::FromRocksDbStatus(
      status,
      absl::StrCat(std::string(operation), " for tenant ", std::string(tenant),
                   " in tenant store"),
      dir_);
}

TenantImpl* TenantStoreImpl::FindImpl(std::string_view name) const {
  absl::ReaderMutexLock lock(&tenants_mu_);
  auto it = tenants_.find(absl::string_view(name.data(), name.size()));
  return it == tenants_.end() ? nullptr : it->second.get();
}

absl::StatusOr<TenantImpl*> TenantStoreImpl::Own(const Tenant& tenant) const {
  TenantImpl* impl = FindImpl(tenant.name());
  if (impl == nullptr || impl != &tenant) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tenant ", tenant.name(), " is not a tenant of the store ", dir_));
  }
  return impl;
}

// What Load() gathers for one tenant before it is published (unlocked: no
// other thread sees it yet).
struct LoadingTenant {
  bool configured = false;
  policy::Purpose purpose = policy::Purpose::kCommercial;
  std::vector<Entitlement> entitlements;
  int64_t created = 0;
  absl::flat_hash_map<uint64_t, DayNumber> opt_outs;
  absl::flat_hash_map<uint64_t, std::vector<InForceConsent>> consents;
  uint64_t consent_count = 0;
  uint64_t next_consent_seq = 1;
};

// Loads every tenant's config, opt-outs, in-force consents and API keys;
// skips audit records and job files (not needed for serving).
absl::Status TenantStoreImpl::Load() {
  absl::flat_hash_map<std::string, LoadingTenant> loaded;
  std::vector<std::pair<Sha256Digest, ApiKeyRecord>> keys;
  rocksdb::ReadOptions read_options;
  read_options.fill_cache = false;
  read_options.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options));
  // The tenant of the previous key: keys of one tenant are contiguous.
  std::string prefix;  // "t/<name>/"
  LoadingTenant* t = nullptr;
  std::string note;
  for (it->SeekToFirst(); it->Valid();) {
    const std::string_view key(it->key().data(), it->key().size());
    const std::string_view value(it->value().data(), it->value().size());
    if (t == nullptr || key.size() < prefix.size() ||
        key.compare(0, prefix.size(), prefix) != 0) {
      t = nullptr;
      if (key == kFormatKey) {
        if (value != kFormatValue) {
          return absl::FailedPreconditionError(absl::StrCat(
              "open tenant store ", dir_, ": layout '", std::string(value),
              "' is not '", kFormatValue, "' (written by another version)"));
        }
        it->Next();
        continue;
      }
      if (key.substr(0, 2) == "k/" && key.size() == 2 + kSha256Bytes) {
        Sha256Digest digest;
        std::memcpy(digest.data(), key.data() + 2, kSha256Bytes);
        ApiKeyRecord record;
        if (!DecodeApiKey(value, &record)) return DataLoss(key);
        keys.emplace_back(digest, std::move(record));
        it->Next();
        continue;
      }
      if (key.substr(0, 2) != "t/") return DataLoss(key);
      const size_t slash = key.find('/', 2);
      if (slash == std::string_view::npos) return DataLoss(key);
      const std::string name(key.substr(2, slash - 2));
      if (!IsValidTenantName(name)) return DataLoss(key);
      prefix = TenantPrefix(name);
      t = &loaded[name];
    }
    const std::string_view rest = key.substr(prefix.size());
    if (rest.size() == 10 && rest.substr(0, 2) == "o/") {
      Decoder d(value);
      DayNumber added = 0;
      if (!d.Day(&added) || !d.String(&note) || !d.Done()) {
        return DataLoss(key);
      }
      t->opt_outs[GetBigEndian(rest.data() + 2, 8)] = added;
    } else if (rest.size() == 18 && rest.substr(0, 2) == "c/") {
      StoredConsent consent;
      if (!DecodeConsent(value, &consent)) return DataLoss(key);
      const uint64_t e164 = GetBigEndian(rest.data() + 2, 8);
      const uint64_t seq = GetBigEndian(rest.data() + 10, 8);
      t->next_consent_seq = std::max(t->next_consent_seq, seq + 1);
      if (!consent.revoked.has_value()) {
        t->consents[e164].push_back({seq, consent.type, consent.date});
        ++t->consent_count;
      }
    } else if (rest == "cfg") {
      Decoder d(value);
      uint8_t purpose = 0;
      std::string entitlements;
      if (!d.Byte(&purpose) || !d.String(&entitlements) ||
          !d.Signed(&t->created) || !d.Done()) {
        return DataLoss(key);
      }
      absl::StatusOr<std::vector<Entitlement>> parsed =
          ParseEntitlements(entitlements);
      if (!parsed.ok()) return DataLoss(key);
      t->purpose = static_cast<policy::Purpose>(purpose);
      t->entitlements = std::move(*parsed);
      t->configured = true;
    } else if (rest.substr(0, 2) == "a/" || rest.substr(0, 2) == "f/") {
      // Skip the tenant's whole audit (or job-files) range: "x0" sorts
      // right after every "x/..." key.
      it->Seek(prefix + std::string(rest.substr(0, 1)) + "0");
      continue;
    } else {
      return DataLoss(key);
    }
    it->Next();
  }
  DNC_RETURN_IF_ERROR(
      storage::FromRocksDbStatus(it->status(), "read tenant store", dir_));

  absl::flat_hash_map<std::string, std::unique_ptr<TenantImpl>> tenants;
  for (auto& [name, loading] : loaded) {
    if (!loading.configured) return DataLoss(ConfigKey(name));
    auto tenant = std::make_unique<TenantImpl>(name);
    absl::MutexLock write_lock(&tenant->write_mu_);
    absl::MutexLock lock(&tenant->mu_);
    tenant->created_ = loading.created;
    tenant->next_consent_seq_ = loading.next_consent_seq;
    tenant->purpose_ = loading.purpose;
    tenant->entitlements_ = std::move(loading.entitlements);
    tenant->opt_outs_ = std::move(loading.opt_outs);
    tenant->consents_ = std::move(loading.consents);
    tenant->consent_count_ = loading.consent_count;
    tenants[name] = std::move(tenant);
  }
  absl::MutexLock tenants_lock(&tenants_mu_);
  absl::MutexLock keys_lock(&keys_mu_);
  tenants_ = std::move(tenants);
  // Keys in creation order (ListApiKeys shows oldest first).
  std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    return a.second.created_micros < b.second.created_micros;
  });
  for (auto& [digest, record] : keys) {
    auto tenant = tenants_.find(record.tenant);
    if (tenant == tenants_.end()) return DataLoss(ApiKeyKey(digest));
    std::vector<KeyEntry>& bucket = keys_[DigestPrefix(digest)];
    key_order_.emplace_back(DigestPrefix(digest), bucket.size());
    bucket.push_back({digest, std::move(record), tenant->second.get()});
  }
  return absl::OkStatus();
}

absl::Status TenantStoreImpl::CreateTenant(const TenantConfig& config) {
  if (!IsValidTenantName(config.name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "create tenant '", config.name,
        "': a name is 1-64 of a-z, 0-9, '.', '_', '-', starting with a "
        "letter or digit"));
  }
  TenantConfig normalised = config;
  absl::Status valid = CheckPurpose(normalised.default_purpose);
  if (valid.ok()) valid = NormaliseEntitlements(&normalised.entitlements);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("create tenant ", config.name, ": ", valid.message()));
  }
  absl::MutexLock admin(&admin_mu_);
  if (FindImpl(config.name) != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat(
        "create tenant ", config.name, ": it already exists in ", dir_));
  }
  const int64_t created = absl::ToUnixSeconds(absl::Now());
  rocksdb::WriteBatch batch;
  batch.Put(ConfigKey(config.name), EncodeConfig(normalised, created));
  DNC_RETURN_IF_ERROR(Write(&batch, /*sync=*/true, "create", config.name));
  auto tenant = std::make_unique<TenantImpl>(config.name);
  {
    absl::MutexLock write_lock(&tenant->write_mu_);
    tenant->created_ = created;
    absl::MutexLock lock(&tenant->mu_);
    tenant->purpose_ = normalised.default_purpose;
    tenant->entitlements_ = std::move(normalised.entitlements);
  }
  absl::MutexLock lock(&tenants_mu_);
  tenants_[config.name] = std::move(tenant);
  return absl::OkStatus();
}

absl::Status TenantStoreImpl::UpdateTenant(const TenantConfig& config) {
  TenantImpl* tenant = FindImpl(config.name);
  if (tenant == nullptr) {
    return absl::NotFoundError(absl::StrCat("update tenant ", config.name,
                                            ": no such tenant in ", dir_));
  }
  TenantConfig normalised = config;
  absl::Status valid = CheckPurpose(normalised.default_purpose);
  if (valid.ok()) valid = NormaliseEntitlements(&normalised.entitlements);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("update tenant ", config.name, ": ", valid.message()));
  }
  absl::MutexLock admin(&admin_mu_);
  absl::MutexLock write_lock(&tenant->write_mu_);
  rocksdb::WriteBatch batch;
  batch.Put(ConfigKey(config.name), EncodeConfig(normalised, tenant->created_));
  DNC_RETURN_IF_ERROR(Write(&batch, /*sync=*/true, "update", config.name));
  absl::MutexLock lock(&tenant->mu_);
  tenant->purpose_ = normalised.default_purpose;
  tenant->entitlements_ = std::move(normalised.entitlements);
  return absl::OkStatus();
}

std::vector<TenantConfig> TenantStoreImpl::ListTenants() const {
  std::vector<TenantConfig> configs;
  {
    absl::ReaderMutexLock lock(&tenants_mu_);
    for (const auto& [name, tenant] : tenants_) {
      configs.push_back(tenant->Config());
    }
  }
  std::sort(configs.begin(), configs.end(),
            [](const TenantConfig& a, const TenantConfig& b) {
              return a.name < b.name;
            });
  return configs;
}

absl::StatusOr<std::string> TenantStoreImpl::CreateApiKey(
    std::string_view tenant_name, std::string_view label_in) {
  TenantImpl* tenant = FindImpl(tenant_name);
  if (tenant == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "create api key: no tenant ", std::string(tenant_name), " in ", dir_));
  }
  absl::MutexLock admin(&admin_mu_);
  std::string label(label_in);
  {
    absl::ReaderMutexLock lock(&keys_mu_);
    absl::flat_hash_set<std::string> active;
    size_t count = 0;
    for (const auto& [prefix, bucket] : keys_) {
      for (const KeyEntry& entry : bucket) {
        if (entry.tenant != tenant) continue;
        ++count;
        if (entry.record.revoked_micros == 0) active.insert(entry.record.label);
      }
    }
    if (label.empty()) {
      for (size_t n = count + 1; label.empty() || active.contains(label); ++n) {
        label = absl::StrCat("key-", n);
      }
    }
    if (!IsValidLabel(label)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "create api key for tenant ", tenant->name(), ": label '", label,
          "' must be 1-", kMaxLabelBytes, " printable ASCII characters"));
    }
    if (active.contains(label)) {
      return absl::AlreadyExistsError(
          absl::StrCat("create api key for tenant ", tenant->name(),
                       ": an active key is already labelled '", label, "'"));
    }
  }
  DNC_ASSIGN_OR_RETURN(std::string key, NewApiKey());
  const Sha256Digest digest = Sha256Of(key);
  ApiKeyRecord record{tenant->name(), label, absl::ToUnixMicros(absl::Now()),
                      0};
  rocksdb::WriteBatch batch;
  batch.Put(ApiKeyKey(digest), EncodeApiKey(record));
  DNC_RETURN_IF_ERROR(
      Write(&batch, /*sync=*/true, "create api key", tenant->name()));
  absl::MutexLock lock(&keys_mu_);
  std::vector<KeyEntry>& bucket = keys_[DigestPrefix(digest)];
  key_order_.emplace_back(DigestPrefix(digest), bucket.size());
  bucket.push_back({digest, std::move(record), tenant});
  return key;
}

absl::Status TenantStoreImpl::RevokeApiKey(std::string_view tenant_name,
                                           std::string_view label) {
  TenantImpl* tenant = FindImpl(tenant_name);
  if (tenant == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "revoke api key: no tenant ", std::string(tenant_name), " in ", dir_));
  }
  absl::MutexLock admin(&admin_mu_);
  const int64_t now = absl::ToUnixMicros(absl::Now());
  rocksdb::WriteBatch batch;
  std::vector<KeyEntry*> revoked;
  {
    absl::ReaderMutexLock lock(&keys_mu_);
    for (auto& [prefix, bucket] : keys_) {
      for (KeyEntry& entry : bucket) {
        if (entry.tenant != tenant || entry.record.label != label ||
            entry.record.revoked_micros != 0) {
          continue;
        }
        ApiKeyRecord record = entry.record;
        record.revoked_micros = now;
        batch.Put(ApiKeyKey(entry.digest), EncodeApiKey(record));
        revoked.push_back(&entry);
      }
    }
  }
  if (revoked.empty()) {
    return absl::NotFoundError(
        absl::StrCat("revoke api key: tenant ", tenant->name(),
                     " has no active key labelled '", std::string(label), "'"));
  }
  DNC_RETURN_IF_ERROR(
      Write(&batch, /*sync=*/true, "revoke api key", tenant->name()));
  // Entries stay where they are (buckets only grow under admin_mu_).
  absl::MutexLock lock(&keys_mu_);
  for (KeyEntry* entry : revoked) entry->record.revoked_micros = now;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ApiKeyInfo>> TenantStoreImpl::ListApiKeys(
    std::string_view tenant_name) const {
  TenantImpl* tenant = FindImpl(tenant_name);
  if (tenant == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "list api keys: no tenant ", std::string(tenant_name), " in ", dir_));
  }
  std::vector<ApiKeyInfo> infos;
  absl::ReaderMutexLock lock(&keys_mu_);
  for (const auto& [prefix, index] : key_order_) {
    const KeyEntry& entry = keys_.at(prefix)[index];
    if (entry.tenant != tenant) continue;
    ApiKeyInfo info;
    info.label = entry.record.label;
    info.created = absl::FromUnixMicros(entry.record.created_micros);
    info.revoked = entry.record.revoked_micros != 0;
    if (info.revoked) {
      info.revoked_at = absl::FromUnixMicros(entry.record.revoked_micros);
    }
    infos.push_back(std::move(info));
  }
  return infos;
}

const Tenant* TenantStoreImpl::Authenticate(std::string_view api_key) const {
  if (api_key.empty()) return nullptr;
  const Sha256Digest digest = Sha256Of(api_key);
  absl::ReaderMutexLock lock(&keys_mu_);
  auto bucket = keys_.find(DigestPrefix(digest));
  if (bucket == keys_.end()) return nullptr;
  const Tenant* found = nullptr;
  for (const KeyEntry& entry : bucket->second) {
    if (CRYPTO_memcmp(entry.digest.data(), digest.data(), kSha256Bytes) == 0 &&
        entry.record.revoked_micros == 0) {
      found = entry.tenant;
    }
  }
  return found;
}

const Tenant* TenantStoreImpl::Find(std::string_view name) const {
  return FindImpl(name);
}

absl::Status TenantStoreImpl::AddOptOuts(const Tenant& handle,
                                         absl::Span<const uint64_t> e164,
                                         DayNumber day, std::string_view note,
                                         std::vector<bool>* changed) {
  DNC_ASSIGN_OR_RETURN(TenantImpl * tenant, Own(handle));
  for (uint64_t number : e164) {
    DNC_RETURN_IF_ERROR(CheckE164(number, "add opt-outs"));
  }
  DNC_RETURN_IF_ERROR(CheckNote(note, "add opt-outs"));
  std::vector<bool> added(e164.size(), false);
  absl::MutexLock write_lock(&tenant->write_mu_);
  std::vector<uint64_t> fresh;
  {
    absl::ReaderMutexLock lock(&tenant->mu_);
    absl::flat_hash_set<uint64_t> in_batch;
    for (size_t i = 0; i < e164.size(); ++i) {
      if (tenant->opt_outs_.contains(e164[i])) continue;
      if (!in_batch.insert(e164[i]).second) continue;
      added[i] = true;
      fresh.push_back(e164[i]);
    }
  }
  // A company-specific do-not-call request ends every EBR and consent of
  // the number: revoked in the same batch, so both or neither happen.
  rocksdb::WriteBatch batch;
  DNC_ASSIGN_OR_RETURN(auto ending,
                       PrepareRevocations(tenant, e164, day, &batch));
  if (!fresh.empty() || !ending.empty()) {
    const std::string value = EncodeOptOut(day, note);
    for (uint64_t number : fresh) {
      batch.Put(OptOutKey(tenant->name(), number), value);
    }
    DNC_RETURN_IF_ERROR(
        Write(&batch, /*sync=*/true, "add opt-outs", tenant->name()));
    ApplyRevocations(tenant, ending);
    absl::MutexLock lock(&tenant->mu_);
    for (uint64_t number : fresh) tenant->opt_outs_[number] = day;
  }
  if (changed != nullptr) *changed = std::move(added);
  return absl::OkStatus();
}

absl::Status TenantStoreImpl::RemoveOptOuts(const Tenant& handle,
                                            absl::Span<const uint64_t> e164,
                                            std::vector<bool>* changed) {
  DNC_ASSIGN_OR_RETURN(TenantImpl * tenant, Own(handle));
  std::vector<bool> removed(e164.size(), false);
  absl::MutexLock write_lock(&tenant->write_mu_);
  std::vector<uint64_t> gone;
  {
    absl::ReaderMutexLock lock(&tenant->mu_);
    absl::flat_hash_set<uint64_t> in_batch;
    for (size_t i = 0; i < e164.size(); ++i) {
      if (!tenant->opt_outs_.contains(e164[i])) continue;
      if (!in_batch.insert(e164[i]).second) continue;
      removed[i] = true;
      gone.push_back(e164[i]);
    }
  }
  if (!gone.empty()) {
    rocksdb::WriteBatch batch;
    for (uint64_t number : gone) {
      batch.Delete(OptOutKey(tenant->name(), number));
    }
    DNC_RETURN_IF_ERROR(
        Write(&batch, /*sync=*/true, "remove opt-outs", tenant->name()));
    absl::MutexLock lock(&tenant->mu_);
    for (uint64_t number : gone) tenant->opt_outs_.erase(number);
  }
  if (changed != nullptr) *changed = std::move(removed);
  return absl::OkStatus();
}

absl::Status TenantStoreImpl::AddConsents(
    const Tenant& handle, absl::Span<const StoredConsent> records) {
  DNC_ASSIGN_OR_RETURN(TenantImpl * tenant, Own(handle));
  for (const StoredConsent& record : records) {
    DNC_RETURN_IF_ERROR(CheckE164(record.e164, "add consents"));
    DNC_RETURN_IF_ERROR(CheckNote(record.note, "add consents"));
    if (record.type == policy::ConsentType::kUnspecified ||
        record.type > policy::ConsentType::kWritten) {
      return absl::InvalidArgumentError(
          absl::StrCat("add consents: +", record.e164, ": consent type ",
                       static_cast<int>(record.type), " is not known"));
    }
  }
  if (records.empty()) return absl::OkStatus();
  absl::MutexLock write_lock(&tenant->write_mu_);
  uint64_t seq = tenant->next_consent_seq_;
  rocksdb::WriteBatch batch;
  for (const StoredConsent& record : records) {
    batch.Put(ConsentKey(tenant->name(), record.e164, seq++),
              EncodeConsent(record));
  }
  DNC_RETURN_IF_ERROR(
      Write(&batch, /*sync=*/true, "add consents", tenant->name()));
  seq = tenant->next_consent_seq_;
  tenant->next_consent_seq_ += records.size();
  absl::MutexLock lock(&tenant->mu_);
  for (const StoredConsent& record : records) {
    const uint64_t this_seq = seq++;
    if (record.revoked.has_value()) continue;
    tenant->consents_[record.e164].push_back(
        {this_seq, record.type, record.date});
    ++tenant->consent_count_;
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> TenantStoreImpl::RevokeConsents(
    const Tenant& handle, absl::Span<const uint64_t> e164, DayNumber day) {
  DNC_ASSIGN_OR_RETURN(TenantImpl * tenant, Own(handle));
  absl::MutexLock write_lock(&tenant->write_mu_);
  rocksdb::WriteBatch batch;
  DNC_ASSIGN_OR_RETURN(auto ending,
                       PrepareRevocations(tenant, e164, day, &batch));
  if (ending.empty()) return 0;
  DNC_RETURN_IF_ERROR(
      Write(&batch, /*sync=*/true, "revoke consents", tenant->name()));
  ApplyRevocations(tenant, ending);
  return ending.size();
}

absl::StatusOr<std::vector<std::pair<uint64_t, uint64_t>>>
TenantStoreImpl::PrepareRevocations(TenantImpl* tenant,
                                    absl::Span<const uint64_t> e164,
                                    DayNumber day, rocksdb::WriteBatch* batch) {
  std::vector<std::pair<uint64_t, uint64_t>> ending;  // (e164, seq)
  {
    absl::ReaderMutexLock lock(&tenant->mu_);
    if (tenant->consents_.empty()) return ending;
    absl::flat_hash_set<uint64_t> seen;
    for (uint64_t number : e164) {
      auto it = tenant->consents_.find(number);
      if (it == tenant->consents_.end()) continue;
      if (!seen.insert(number).second) continue;
      for (const InForceConsent& consent : it->second) {
        ending.emplace_back(number, consent.seq);
      }
    }
  }
  for (const auto& [number, seq] : ending) {
    const std::string key = ConsentKey(tenant->name(), number, seq);
    std::string value;
    rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), key, &value);
    if (status.IsNotFound()) return DataLoss(key);
    DNC_RETURN_IF_ERROR(storage::FromRocksDbStatus(
        status,
        absl::StrCat("revoke consents for tenant ", tenant->name(),
                     " in tenant store"),
        dir_));
    StoredConsent consent;
    if (!DecodeConsent(value, &consent)) return DataLoss(key);
    consent.revoked = day;
    batch->Put(key, EncodeConsent(consent));
  }
  return ending;
}

void TenantStoreImpl::ApplyRevocations(
    TenantImpl* tenant,
    const std::vector<std::pair<uint64_t, uint64_t>>& ending) {
  if (ending.empty()) return;
  absl::MutexLock lock(&tenant->mu_);
  for (const auto& [number, seq] : ending) {
    auto it = tenant->consents_.find(number);
    if (it == tenant->consents_.end()) continue;
    tenant->consent_count_ -= it->second.size();
    tenant->consents_.erase(it);
  }
}

std::vector<StoredConsent> TenantStoreImpl::ListConsents(
    const Tenant& handle, absl::Span<const uint64_t> e164) const {
  std::vector<StoredConsent> out;
  absl::StatusOr<TenantImpl*> tenant = Own(handle);
  if (!tenant.ok()) return out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  absl::flat_hash_set<uint64_t> seen;
  for (uint64_t number : e164) {
    if (!seen.insert(number).second) continue;
    const std::string prefix = ConsentPrefix((*tenant)->name(), number);
    for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix);
         it->Next()) {
      StoredConsent consent;
      if (!DecodeConsent(
              std::string_view(it->value().data(), it->value().size()),
              &consent)) {
        continue;  // Load() already refused damaged records.
      }
      consent.e164 = number;
      out.push_back(std::move(consent));
    }
  }
  return out;
}

absl::StatusOr<std::string> TenantStoreImpl::AppendAudit(const Tenant& handle,
                                                         AuditRecord record,
                                                         bool sync) {
  DNC_ASSIGN_OR_RETURN(TenantImpl * tenant, Own(handle));
  if (record.time == absl::UnixEpoch()) record.time = absl::Now();
  const uint64_t counter = ++audit_counter_;
  record.audit_id = absl::StrCat(
      absl::FormatTime("%Y%m%dT%H%M%E6SZ", record.time, absl::UTCTimeZone()),
      "-", counter);
  if (record.job_id.empty()) record.job_id = record.audit_id;
  DNC_RETURN_IF_ERROR(CheckJobId(record.job_id, "append audit"));
  std::string key = AuditPrefix(tenant->name(), record.job_id);
  PutBigEndian(&key, record.sequence, 8);
  PutBigEndian(&key,
               static_cast<uint64_t>(absl::ToUnixMicros(record.time)) ^
                   (uint64_t{1} << 63),
               8);
  PutBigEndian(&key, counter, 8);
  rocksdb::WriteBatch batch;
  batch.Put(key, EncodeAudit(record));
  DNC_RETURN_IF_ERROR(Write(&batch, sync, "append audit", tenant->name()));
  return record.audit_id;
}

absl::StatusOr<std::vector<AuditRecord>> TenantStoreImpl::JobAudit(
    const Tenant& handle, std::string_view job_id) const {
  DNC_ASSIGN_OR_RETURN(TenantImpl * tenant, Own(handle));
  DNC_RETURN_IF_ERROR(CheckJobId(job_id, "read job audit"));
  std::vector<AuditRecord> records;
  const std::string prefix = AuditPrefix(tenant->name(), job_id);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && StartsWith(it->key(), prefix);
       it->Next()) {
    AuditRecord record;
    if (!DecodeAudit(std::string_view(it->value().data(), it->value().size()),
                     &record)) {
      return DataLoss(std::string_view(it->key().data(), it->key().size()));
    }
    records.push_back(std::move(record));
  }
  DNC_RETURN_IF_ERROR(storage::FromRocksDbStatus(
      it->status(), absl::StrCat("read job audit of tenant ", tenant->name()),
      dir_));
  return records;
}

absl::Status TenantStoreImpl::RecordJobFiles(const Tenant& handle,
                                             std::string_view job_id,
                                             const JobFiles& files) {
  DNC_ASSIGN_OR_RETURN(TenantImpl * tenant, Own(handle));
  DNC_RETURN_IF_ERROR(CheckJobId(job_id, "record job files"));
  for (std::string_view digest : {files.input_sha256, files.output_sha256}) {
    if (!digest.empty() && !IsHexSha256(digest)) {
      return absl::InvalidArgumentError(
          absl::StrCat("record job files: '", std::string(digest),
                       "' is not 64 lowercase hex digits"));
    }
  }
  for (std::string_view name : {files.input_name, files.output_name}) {
    if (name.size() > kMaxFileNameBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "record job files: file name longer than ", kMaxFileNameBytes));
    }
  }
  absl::MutexLock write_lock(&tenant->write_mu_);
  {
    const std::string prefix = AuditPrefix(tenant->name(), job_id);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions()));
    it->Seek(prefix);
    DNC_RETURN_IF_ERROR(storage::FromRocksDbStatus(
        it->status(), "record job files in tenant store", dir_));
    if (!it->Valid() || !StartsWith(it->key(), prefix)) {
      return absl::NotFoundError(absl::StrCat("record job files: tenant ",
                                              tenant->name(), " has no job '",
                                              std::string(job_id), "'"));
    }
  }
  rocksdb::WriteBatch batch;
  batch.Put(JobFilesKey(tenant->name(), job_id), EncodeJobFiles(files));
  return Write(&batch, /*sync=*/true, "record job files", tenant->name());
}

absl::StatusOr<JobFiles> TenantStoreImpl::GetJobFiles(
    const Tenant& handle, std::string_view job_id) const {
  DNC_ASSIGN_OR_RETURN(TenantImpl * tenant, Own(handle));
  DNC_RETURN_IF_ERROR(CheckJobId(job_id, "get job files"));
  const std::string key = JobFilesKey(tenant->name(), job_id);
  std::string value;
  rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (status.IsNotFound()) {
    return absl::NotFoundError(
        absl::StrCat("get job files: tenant ", tenant->name(),
                     " recorded no files for job '", std::string(job_id), "'"));
  }
  DNC_RETURN_IF_ERROR(storage::FromRocksDbStatus(
      status, "get job files in tenant store", dir_));
  JobFiles files;
  if (!DecodeJobFiles(value, &files)) return DataLoss(key);
  return files;
}

}  // namespace

bool IsValidTenantName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '.' &&
        c != '_' && c != '-') {
      return false;
    }
  }
  return absl::ascii_islower(name[0]) || absl::ascii_isdigit(name[0]);
}

std::string FormatEntitlements(absl::Span<const Entitlement> entitlements) {
  std::vector<std::string> parts;
  for (const Entitlement& entitlement : entitlements) {
    parts.push_back(
        absl::StrCat(entitlement.source, ":",
                     entitlement.all_area_codes
                         ? "all"
                         : absl::StrJoin(entitlement.area_codes, ",")));
  }
  return absl::StrJoin(parts, "; ");
}

absl::StatusOr<std::vector<Entitlement>> ParseEntitlements(
    std::string_view text) {
  std::vector<Entitlement> entitlements;
  for (absl::string_view part_view :
       absl::StrSplit(absl::string_view(text.data(), text.size()), ';')) {
    const std::string part(absl::StripAsciiWhitespace(part_view));
    if (part.empty()) continue;
    const size_t colon = part.find(':');
    if (colon == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("entitlement '", part,
                       "': expected SOURCE:all or SOURCE:NPA,NPA,... (e.g. "
                       "us-ftc:212,646)"));
    }
    Entitlement entitlement;
    entitlement.source =
        std::string(absl::StripAsciiWhitespace(part.substr(0, colon)));
    if (!IsValidSourceId(entitlement.source)) {
      return absl::InvalidArgumentError(
          absl::StrCat("entitlement '", part, "': source '", entitlement.source,
                       "' is not a source id (a-z, 0-9, '-')"));
    }
    const std::string spec(absl::StripAsciiWhitespace(part.substr(colon + 1)));
    if (spec == "all") {
      entitlement.all_area_codes = true;
    } else {
      for (absl::string_view code_view : absl::StrSplit(spec, ',')) {
        const absl::string_view code = absl::StripAsciiWhitespace(code_view);
        uint32_t npa = 0;
        if (code.size() != 3 || !absl::SimpleAtoi(code, &npa) || npa < 200) {
          return absl::InvalidArgumentError(absl::StrCat(
              "entitlement '", part, "': '", code,
              "' is not an area code (three digits, 200-999) or 'all'"));
        }
        entitlement.area_codes.push_back(npa);
      }
    }
    entitlements.push_back(std::move(entitlement));
  }
  DNC_RETURN_IF_ERROR(NormaliseEntitlements(&entitlements));
  return entitlements;
}

absl::StatusOr<std::unique_ptr<TenantStore>> TenantStore::Open(
    const std::string& dir, bool create_if_missing) {
  std::error_code ec;
  if (!create_if_missing && !fs::exists(fs::path(dir) / "CURRENT", ec)) {
    return absl::NotFoundError(
        absl::StrCat("open tenant store ", dir,
                     ": no tenant store there (create one with "
                     "'dnc-tenant --tenants ",
                     dir, " create NAME ...')"));
  }
  if (create_if_missing) {
    fs::create_directories(dir, ec);
    if (ec) {
      return absl::InternalError(absl::StrCat(
          "open tenant store ", dir, ": cannot create it: ", ec.message()));
    }
  }
  rocksdb::Options options;
  options.create_if_missing = create_if_missing;
  options.keep_log_file_num = 5;
  options.max_manifest_file_size = 64 << 20;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options, dir, &raw_db);
  if (status.IsIOError() &&
      absl::StrContains(absl::AsciiStrToLower(status.ToString()), "lock")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "open tenant store ", dir,
        ": the directory is in use by another process (a dnc-server may be "
        "running on it; stop it first): ",
        status.ToString()));
  }
  DNC_RETURN_IF_ERROR(
      storage::FromRocksDbStatus(status, "open tenant store", dir));
  std::unique_ptr<rocksdb::DB> db(raw_db);
  std::string format;
  status = db->Get(rocksdb::ReadOptions(), kFormatKey, &format);
  if (status.IsNotFound()) {
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    status = db->Put(write_options, kFormatKey, kFormatValue);
  }
  DNC_RETURN_IF_ERROR(
      storage::FromRocksDbStatus(status, "open tenant store", dir));
  auto store = std::make_unique<TenantStoreImpl>(dir, std::move(db));
  DNC_RETURN_IF_ERROR(store->Load());
  store->StartWalSync();
  return store;
}

}  // namespace dnc::tenant
