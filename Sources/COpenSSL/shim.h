#ifndef SHUNIU_COPENSSL_SHIM_H
#define SHUNIU_COPENSSL_SHIM_H

#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/hmac.h>

/* Macros and variadic helpers become typed functions here so that Swift can call them. */

static inline unsigned long shuniu_err_get_error(void) {
    return ERR_get_error();
}

static inline void shuniu_err_error_string(unsigned long code, char *buffer, size_t length) {
    ERR_error_string_n(code, buffer, length);
}

static inline OSSL_PARAM shuniu_param_digest(const char *name) {
    return OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)name, 0);
}

static inline OSSL_PARAM shuniu_param_end(void) {
    return OSSL_PARAM_construct_end();
}

#endif
