#include "http/tls_context.h"

#include <openssl/ssl.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dnc::http {

namespace ssl = boost::asio::ssl;

absl::StatusOr<std::shared_ptr<ssl::context>> MakeServerTlsContext(
    const TlsPem& pem) {
  if (pem.cert_chain.empty() || pem.private_key.empty()) {
    return absl::InvalidArgumentError(
        "HTTP TLS needs a certificate and its private key");
  }
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  const auto fail = [&ec](const char* what) {
    return absl::InvalidArgumentError(absl::StrCat(
        "HTTP TLS: OpenSSL refused the ", what, ": ", ec.message()));
  };
  context->set_options(ssl::context::default_workarounds |
                           ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                           ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                           ssl::context::single_dh_use,
                       ec);
  if (ec) return fail("protocol options");
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->use_certificate_chain(
      boost::asio::buffer(pem.cert_chain.data(), pem.cert_chain.size()), ec);
  if (ec) return fail("certificate chain");
  context->use_private_key(
      boost::asio::buffer(pem.private_key.data(), pem.private_key.size()),
      ssl::context::pem, ec);
  if (ec) return fail("private key");
  if (!pem.ca_certs.empty()) {
    context->add_certificate_authority(
        boost::asio::buffer(pem.ca_certs.data(), pem.ca_certs.size()), ec);
    if (ec) return fail("client CA certificates");
    context->set_verify_mode(
        ssl::verify_peer | ssl::verify_fail_if_no_peer_cert, ec);
    if (ec) return fail("client certificate verification");
  }
  return context;
}

}  // namespace dnc::http
