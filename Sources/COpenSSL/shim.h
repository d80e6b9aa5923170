#ifndef SHUNIU_COPENSSL_SHIM_H
#define SHUNIU_COPENSSL_SHIM_H

#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/hmac.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/ec.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>
#include <openssl/cms.h>
#include <openssl/provider.h>

/* Macros and variadic helpers become typed functions here so that Swift can call them. */

static inline unsigned long shuniu_err_get_error(void) {
    return ERR_get_error();
}

static inline unsigned long shuniu_err_peek_last_error(void) {
    return ERR_peek_last_error();
}

static inline int shuniu_err_get_reason(unsigned long code) {
    return ERR_GET_REASON(code);
}

static inline int shuniu_err_get_lib(unsigned long code) {
    return ERR_GET_LIB(code);
}

static inline void shuniu_err_clear(void) {
    ERR_clear_error();
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

/* OPENSSL_free is a macro carrying file and line. */
static inline void shuniu_openssl_free(void *pointer) {
    OPENSSL_free(pointer);
}

/* BIO_get_mem_data is a macro over BIO_ctrl; the bytes stay owned by the BIO. */
static inline long shuniu_bio_get_mem_data(BIO *bio, const unsigned char **data) {
    char *bytes = NULL;
    long length = BIO_get_mem_data(bio, &bytes);
    *data = (const unsigned char *)bytes;
    return length;
}

/* One line, RFC 2253 escaping but UTF-8 kept as UTF-8 ("C = CN, O = 测试, CN = …"). */
static inline int shuniu_x509_name_print_oneline(BIO *bio, const X509_NAME *name) {
    unsigned long flags = (XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) | ASN1_STRFLGS_UTF8_CONVERT;
    return X509_NAME_print_ex(bio, name, 0, flags);
}

/* STACK_OF(X509): the sk_X509_* names are macros in OpenSSL 3. */
static inline STACK_OF(X509) *shuniu_sk_X509_new_null(void) {
    return sk_X509_new_null();
}

static inline int shuniu_sk_X509_push(STACK_OF(X509) *stack, X509 *certificate) {
    return sk_X509_push(stack, certificate);
}

static inline int shuniu_sk_X509_num(const STACK_OF(X509) *stack) {
    return sk_X509_num(stack);
}

static inline X509 *shuniu_sk_X509_value(const STACK_OF(X509) *stack, int index) {
    return sk_X509_value(stack, index);
}

/* Frees the stack only; the certificates are borrowed. */
static inline void shuniu_sk_X509_free(STACK_OF(X509) *stack) {
    sk_X509_free(stack);
}

/* Frees the stack and drops one reference of every certificate in it. */
static inline void shuniu_sk_X509_pop_free(STACK_OF(X509) *stack) {
    sk_X509_pop_free(stack, X509_free);
}

/* STACK_OF(X509_CRL) */
static inline STACK_OF(X509_CRL) *shuniu_sk_X509_CRL_new_null(void) {
    return sk_X509_CRL_new_null();
}

static inline int shuniu_sk_X509_CRL_push(STACK_OF(X509_CRL) *stack, X509_CRL *crl) {
    return sk_X509_CRL_push(stack, crl);
}

/* Frees the stack only; the CRLs are borrowed. */
static inline void shuniu_sk_X509_CRL_free(STACK_OF(X509_CRL) *stack) {
    sk_X509_CRL_free(stack);
}

/* STACK_OF(X509_REVOKED), owned by its CRL. */
static inline int shuniu_sk_X509_REVOKED_num(const STACK_OF(X509_REVOKED) *stack) {
    return sk_X509_REVOKED_num(stack);
}

static inline X509_REVOKED *shuniu_sk_X509_REVOKED_value(const STACK_OF(X509_REVOKED) *stack, int index) {
    return sk_X509_REVOKED_value(stack, index);
}

/* STACK_OF(DIST_POINT) from X509_get_ext_d2i; freed with CRL_DIST_POINTS_free. */
static inline int shuniu_sk_DIST_POINT_num(const STACK_OF(DIST_POINT) *stack) {
    return sk_DIST_POINT_num(stack);
}

static inline DIST_POINT *shuniu_sk_DIST_POINT_value(const STACK_OF(DIST_POINT) *stack, int index) {
    return sk_DIST_POINT_value(stack, index);
}

/* A distribution point's full name (GENERAL_NAMES), or NULL when it is a relative name. */
static inline GENERAL_NAMES *shuniu_dist_point_full_name(const DIST_POINT *point) {
    if (point == NULL || point->distpoint == NULL || point->distpoint->type != 0) return NULL;
    return point->distpoint->name.fullname;
}

static inline int shuniu_sk_GENERAL_NAME_num(const GENERAL_NAMES *stack) {
    return sk_GENERAL_NAME_num(stack);
}

/* The URI of a general name, or NULL when it is another kind of name. */
static inline const ASN1_IA5STRING *shuniu_general_name_uri(const GENERAL_NAMES *stack, int index) {
    const GENERAL_NAME *name = sk_GENERAL_NAME_value(stack, index);
    if (name == NULL || name->type != GEN_URI) return NULL;
    return name->d.uniformResourceIdentifier;
}

/* X509_STORE_CTX app data is a macro over ex_data index 0. */
static inline int shuniu_x509_store_ctx_set_app_data(X509_STORE_CTX *ctx, void *data) {
    return X509_STORE_CTX_set_app_data(ctx, data);
}

static inline void *shuniu_x509_store_ctx_get_app_data(X509_STORE_CTX *ctx) {
    return X509_STORE_CTX_get_app_data(ctx);
}

/* BASIC_CONSTRAINTS fields, read in C so that Swift needs no struct layout. */
static inline int shuniu_basic_constraints(const X509 *certificate, int *is_ca, long *path_length) {
    BASIC_CONSTRAINTS *constraints = X509_get_ext_d2i(certificate, NID_basic_constraints, NULL, NULL);
    if (constraints == NULL) return 0;
    *is_ca = constraints->ca ? 1 : 0;
    *path_length = constraints->pathlen == NULL ? -1 : ASN1_INTEGER_get(constraints->pathlen);
    BASIC_CONSTRAINTS_free(constraints);
    return 1;
}

#endif
