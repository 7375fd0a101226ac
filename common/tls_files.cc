#include "common/tls_files.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dnc {
namespace {

// A PEM file of certificates and a key is a few KB; a CA bundle (Debian's
// ca-certificates.crt) about 200 KB.
constexpr std::streamoff kMaxPemBytes = 4 << 20;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

// OpenSSL's last error as text, and the queue emptied (it is per thread and
// would otherwise surface in an unrelated later call).
std::string OpenSslError() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "no PEM data";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

absl::StatusOr<std::string> ReadPemFile(const char* what,
                                        const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read the ", what, " file ",
                                            path, ": ", std::strerror(errno)));
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size > kMaxPemBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ", what, " file ", path, " is ", size,
                     " bytes, more than a PEM file's ", kMaxPemBytes));
  }
  in.seekg(0);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

BioPtr MemoryBio(const std::string& bytes) {
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

// Never prompt on the terminal for an encrypted key's passphrase.
int NoPassphrase(char*, int, int, void*) { return 0; }

// The first certificate of `pem`, after checking that every one parses.
absl::StatusOr<X509Ptr> ParseCertificates(const char* what,
                                          const std::string& path,
                                          const std::string& pem) {
  BioPtr bio = MemoryBio(pem);
  X509Ptr first;
  int count = 0;
  while (true) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
    if (cert == nullptr) break;
    if (first == nullptr) first = std::move(cert);
    ++count;
  }
  // The loop ends with "no start line" after the last certificate; any
  // other error is a damaged one.
  const unsigned long error = ERR_peek_last_error();
  if (count > 0 && (ERR_GET_REASON(error) == PEM_R_NO_START_LINE)) {
    ERR_clear_error();
    return first;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "the ", what, " file ", path,
      count == 0 ? " holds no PEM certificate (expected -----BEGIN "
                   "CERTIFICATE-----): "
                 : " holds a damaged PEM certificate: ",
      OpenSslError()));
}

std::string SubjectOf(X509* cert) {
  BioPtr out(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(out.get(), X509_get_subject_name(cert), 0,
                     XN_FLAG_RFC2253);
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, size > 0 ? static_cast<size_t>(size) : 0);
}

std::string SerialOf(X509* cert) {
  BIGNUM* number = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr);
  if (number == nullptr) return "";
  char* hex = BN_bn2hex(number);
  std::string serial = hex != nullptr ? hex : "";
  OPENSSL_free(hex);
  BN_free(number);
  return serial;
}

}  // namespace

absl::StatusOr<TlsPem> ReadTlsFiles(const TlsFiles& files) {
  if (files.cert_file.empty() != files.key_file.empty()) {
    return absl::InvalidArgumentError(
        files.cert_file.empty()
            ? absl::StrCat("the private key ", files.key_file,
                           " was given without its certificate file")
            : absl::StrCat("the certificate ", files.cert_file,
                           " was given without its private key file"));
  }
  TlsPem pem;
  if (!files.cert_file.empty()) {
    absl::StatusOr<std::string> chain =
        ReadPemFile("certificate", files.cert_file);
    if (!chain.ok()) return chain.status();
    absl::StatusOr<X509Ptr> leaf =
        ParseCertificates("certificate", files.cert_file, *chain);
    if (!leaf.ok()) return leaf.status();
    absl::StatusOr<std::string> key_pem =
        ReadPemFile("private key", files.key_file);
    if (!key_pem.ok()) return key_pem.status();
    BioPtr bio = MemoryBio(*key_pem);
    KeyPtr key(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
    if (key == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the private key file ", files.key_file,
          " holds no unencrypted PEM private key (expected -----BEGIN "
          "PRIVATE KEY-----): ",
          OpenSslError()));
    }
    if (X509_check_private_key(leaf->get(), key.get()) != 1) {
      ERR_clear_error();
      return absl::InvalidArgumentError(absl::StrCat(
          "the private key file ", files.key_file,
          " does not belong to the certificate in ", files.cert_file,
          " (subject ", SubjectOf(leaf->get()), ")"));
    }
    pem.subject = SubjectOf(leaf->get());
    pem.serial = SerialOf(leaf->get());
    pem.cert_chain = std::move(*chain);
    pem.private_key = std::move(*key_pem);
  }
  if (!files.ca_file.empty()) {
    absl::StatusOr<std::string> ca =
        ReadPemFile("CA certificate", files.ca_file);
    if (!ca.ok()) return ca.status();
    absl::StatusOr<X509Ptr> first =
        ParseCertificates("CA certificate", files.ca_file, *ca);
    if (!first.ok()) return first.status();
    pem.ca_certs = std::move(*ca);
  }
  return pem;
}

}  // namespace dnc
