// Certificates for TLS tests, made by the real `openssl` in a scratch
// directory: a CA, and leaf certificates it signs (a server's names
// 127.0.0.1 and localhost; a client's is for clientAuth). Each function
// returns "" or openssl's complaint, for ASSERT_EQ(..., "").
// Thread-safety: thread-compatible.
#ifndef DNC_TESTS_TESTING_TEST_CERTS_H_
#define DNC_TESTS_TESTING_TEST_CERTS_H_

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/testing/scratch_dir.h"
#include "tests/testing/subprocess.h"

namespace dnc::test {

inline constexpr char kOpenssl[] = "/usr/bin/openssl";

// Runs openssl with `args`; its output on failure.
inline std::string Openssl(const ScratchDir& dir,
                           std::vector<std::string> args) {
  args.insert(args.begin(), kOpenssl);
  const RunResult run = RunProcess(args, dir.path(), std::chrono::seconds(60));
  return run.exit_code == 0 ? "" : absl::StrCat(run.out, run.err);
}

// A CA (NAME.pem, NAME.key) in `dir`; "" or openssl's complaint.
inline std::string MakeCa(const ScratchDir& dir, const std::string& name) {
  return Openssl(dir, {"req", "-x509", "-newkey", "ec", "-pkeyopt",
                       "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                       dir.Path(name + ".key"), "-out", dir.Path(name + ".pem"),
                       "-days", "2", "-subj", "/CN=" + name});
}

// A certificate NAME.pem with key NAME.key, subject CN=cn, signed by the
// CA `ca`; a server certificate names 127.0.0.1 and localhost.
inline std::string MakeLeaf(const ScratchDir& dir, const std::string& ca,
                            const std::string& name, const std::string& cn,
                            const std::string& serial, bool server) {
  const std::string csr = dir.Path(name + ".csr");
  std::string failed = Openssl(
      dir,
      {"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", dir.Path(name + ".key"), "-out", csr, "-subj", "/CN=" + cn});
  if (!failed.empty()) return failed;
  const std::string ext = dir.Path(name + ".ext");
  FILE* out = std::fopen(ext.c_str(), "w");
  if (out == nullptr) return "cannot write " + ext;
  std::fputs(server ? "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                    : "extendedKeyUsage=clientAuth\n",
             out);
  std::fclose(out);
  return Openssl(
      dir, {"x509", "-req", "-in", csr, "-CA", dir.Path(ca + ".pem"), "-CAkey",
            dir.Path(ca + ".key"), "-set_serial", serial, "-days", "2",
            "-extfile", ext, "-out", dir.Path(name + ".pem")});
}

}  // namespace dnc::test

#endif  // DNC_TESTS_TESTING_TEST_CERTS_H_
