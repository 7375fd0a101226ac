// The PEM files of a TLS identity (certificate chain and private key) and of
// the CA certificates a peer is verified by, read and checked together with
// OpenSSL before anything serves or connects with them: dnc-server's gRPC
// and HTTP listeners (at start and on SIGHUP), and the clients' --ca_cert,
// --client_cert and --client_key. Checking here turns a bad file into one
// message naming it, instead of a handshake failure on every connection.
// Thread-safety: thread-safe (free functions).
#ifndef DNC_COMMON_TLS_FILES_H_
#define DNC_COMMON_TLS_FILES_H_

#include <string>

#include "absl/status/statusor.h"

namespace dnc {

// Paths as given; an empty path is "not given".
struct TlsFiles {
  std::string cert_file;  // Certificate chain, leaf first (PEM).
  std::string key_file;   // The leaf's private key (PEM, unencrypted).
  std::string ca_file;    // CA certificates to verify the peer by (PEM).
};

// The bytes of TlsFiles, checked, and what a log line says about them.
struct TlsPem {
  std::string cert_chain;   // Empty when TlsFiles::cert_file was empty.
  std::string private_key;  // Empty when TlsFiles::key_file was empty.
  std::string ca_certs;     // Empty when TlsFiles::ca_file was empty.
  // The leaf certificate's subject ("CN=dnc.example,O=Acme") and serial
  // (hex), for logs; empty without a certificate. Never a secret.
  std::string subject;
  std::string serial;
};

// Reads the files given. cert_file and key_file go together (both or
// neither); the certificate file holds at least one certificate, the key
// parses and belongs to the first certificate; ca_file holds at least one
// certificate. Errors (each naming the file): InvalidArgument (one of cert
// and key without the other; not PEM; key does not match the certificate),
// NotFound (cannot read a file).
absl::StatusOr<TlsPem> ReadTlsFiles(const TlsFiles& files);

}  // namespace dnc

#endif  // DNC_COMMON_TLS_FILES_H_
