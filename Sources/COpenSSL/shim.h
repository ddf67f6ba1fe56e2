#ifndef GATEHOUSE_COPENSSL_SHIM_H
#define GATEHOUSE_COPENSSL_SHIM_H
// OpenSSL 3.0 (libssl-dev), for DTLS-SRTP. Function-like macros Swift cannot import get
// static inline wrappers here.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/hmac.h>

static inline long gh_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) { return SSL_CTX_set_min_proto_version(ctx, version); }
static inline long gh_SSL_CTX_set_options_no_query_mtu(SSL_CTX *ctx) { return (long)SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU); }
static inline long gh_DTLS_set_link_mtu(SSL *ssl, long mtu) { return DTLS_set_link_mtu(ssl, mtu); }
static inline long gh_DTLSv1_handle_timeout(SSL *ssl) { return DTLSv1_handle_timeout(ssl); }
// A P-256 key pair for a DTLS-SRTP certificate (EVP_EC_gen is a macro over a variadic call).
static inline EVP_PKEY *gh_EVP_EC_gen_P256(void) { return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"); }
static const int GH_DTLS1_2_VERSION = DTLS1_2_VERSION;
static const int GH_MBSTRING_ASC = MBSTRING_ASC;
#endif
