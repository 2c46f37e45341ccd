#ifndef RPEMU_COPENSSL_SHIM_H
#define RPEMU_COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

// Macros Swift cannot import, wrapped as functions (prefix copenssl_).
static inline int copenssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
static inline long copenssl_ctx_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline long copenssl_bio_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
static inline void copenssl_free(void *p) { OPENSSL_free(p); }
static inline int copenssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}
// SSL_OP_* are `SSL_OP_BIT(n)` casts, which Swift does not import.
static inline uint64_t copenssl_op_no_renegotiation(void) { return SSL_OP_NO_RENEGOTIATION; }
static inline uint64_t copenssl_op_no_compression(void) { return SSL_OP_NO_COMPRESSION; }
// EVP_EC_gen expands to the variadic EVP_PKEY_Q_keygen, which Swift cannot call.
static inline EVP_PKEY *copenssl_ec_p256_generate(void) { return EVP_EC_gen("P-256"); }

#endif
