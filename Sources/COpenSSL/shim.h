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
#include <openssl/core_names.h>

static inline long gh_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) { return SSL_CTX_set_min_proto_version(ctx, version); }
static inline long gh_SSL_CTX_set_options_no_query_mtu(SSL_CTX *ctx) { return (long)SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU); }
static inline long gh_DTLS_set_link_mtu(SSL *ssl, long mtu) { return DTLS_set_link_mtu(ssl, mtu); }
static inline long gh_DTLSv1_handle_timeout(SSL *ssl) { return DTLSv1_handle_timeout(ssl); }
// A P-256 key pair for a DTLS-SRTP certificate (EVP_EC_gen is a macro over a variadic call).
static inline EVP_PKEY *gh_EVP_EC_gen_P256(void) { return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"); }
// SRTP on OpenSSL (SecureRTP's AES-CM + HMAC-SHA1 backend): contexts keyed once per session
// and reused for every packet. A keyed HMAC-SHA1 (EVP_MAC with an OSSL_PARAM list).
static inline EVP_MAC_CTX *gh_hmac_sha1_new(const unsigned char *key, size_t length) {
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) return NULL;
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (ctx == NULL) return NULL;
    OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA1", 0), OSSL_PARAM_construct_end() };
    if (EVP_MAC_init(ctx, key, length, params) != 1) { EVP_MAC_CTX_free(ctx); return NULL; }
    return ctx;
}
// HMAC-SHA1 of `a` then `b` with the context's key into `out` (20 octets); 1 on success.
static inline int gh_hmac_sha1_2(EVP_MAC_CTX *ctx, const unsigned char *a, size_t alength,
                                 const unsigned char *b, size_t blength, unsigned char *out) {
    size_t written = 0;
    return EVP_MAC_init(ctx, NULL, 0, NULL) == 1 && EVP_MAC_update(ctx, a, alength) == 1
        && (blength == 0 || EVP_MAC_update(ctx, b, blength) == 1)
        && EVP_MAC_final(ctx, out, &written, 20) == 1 && written == 20;
}
// An AES-128-CTR context keyed with `key` (16 octets).
static inline EVP_CIPHER_CTX *gh_aes128_ctr_new(const unsigned char *key) {
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) return NULL;
    if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), NULL, key, NULL) != 1) { EVP_CIPHER_CTX_free(ctx); return NULL; }
    return ctx;
}
// XORs `length` octets at `data`, in place, with the key stream starting at counter block `iv`.
static inline int gh_aes128_ctr_xor(EVP_CIPHER_CTX *ctx, const unsigned char *iv, unsigned char *data, int length) {
    int written = 0;
    if (length == 0) return EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv) == 1;
    return EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv) == 1 && EVP_EncryptUpdate(ctx, data, &written, data, length) == 1
        && written == length;
}
static const int GH_DTLS1_2_VERSION = DTLS1_2_VERSION;
static const int GH_MBSTRING_ASC = MBSTRING_ASC;
#endif
