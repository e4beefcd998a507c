#include "CUpstream.h"

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void last_openssl_error(char *error, size_t size, const char *fallback) {
    unsigned long code = ERR_get_error();
    if (code == 0) {
        snprintf(error, size, "%s", fallback);
    } else {
        ERR_error_string_n(code, error, size);
    }
    ERR_clear_error();
}

void *vm_tls_context(const char *ca_file, char *error, size_t error_size) {
    SSL_CTX *context = SSL_CTX_new(TLS_client_method());
    if (context == NULL) {
        last_openssl_error(error, error_size, "cannot make a TLS context");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, NULL);
    // Reads SSL_CERT_FILE and SSL_CERT_DIR when set, else OpenSSL's own directory.
    SSL_CTX_set_default_verify_paths(context);
    // Debian's and most distributions' bundle, when OpenSSL was built to look elsewhere.
    static const char *bundles[] = {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                                    "/etc/ssl/cert.pem", NULL};
    if (getenv("SSL_CERT_FILE") == NULL) {
        for (const char **bundle = bundles; *bundle != NULL; bundle++) {
            FILE *file = fopen(*bundle, "r");
            if (file == NULL) continue;
            fclose(file);
            SSL_CTX_load_verify_locations(context, *bundle, NULL);
            break;
        }
    }
    ERR_clear_error();
    if (ca_file != NULL && SSL_CTX_load_verify_locations(context, ca_file, NULL) != 1) {
        char reason[200];
        last_openssl_error(reason, sizeof reason, "unreadable");
        snprintf(error, error_size, "cannot load the CA file %s: %s", ca_file, reason);
        SSL_CTX_free(context);
        return NULL;
    }
    return context;
}

struct bufferevent *vm_tls_bufferevent(struct event_base *base, void *context, const char *host, char *error, size_t error_size) {
    SSL *ssl = SSL_new((SSL_CTX *)context);
    if (ssl == NULL) {
        last_openssl_error(error, error_size, "cannot start a TLS session");
        return NULL;
    }
    unsigned char address[16];
    if (inet_pton(AF_INET, host, address) == 1 || inet_pton(AF_INET6, host, address) == 1) {
        // An address: the certificate must list it (no SNI for addresses).
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
    } else {
        SSL_set_tlsext_host_name(ssl, host);
        SSL_set1_host(ssl, host);
    }
    struct bufferevent *bev =
        bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
    if (bev == NULL) {
        SSL_free(ssl);
        snprintf(error, error_size, "cannot make a TLS bufferevent");
    }
    return bev;
}

int vm_tls_failure(struct bufferevent *bev, char *error, size_t error_size) {
    SSL *ssl = bufferevent_openssl_get_ssl(bev);
    long verdict = ssl != NULL ? SSL_get_verify_result(ssl) : X509_V_OK;
    if (verdict != X509_V_OK) {
        snprintf(error, error_size, "certificate verify failed: %s", X509_verify_cert_error_string(verdict));
        return 1;
    }
    unsigned long code = bufferevent_get_openssl_error(bev);
    if (code != 0) {
        ERR_error_string_n(code, error, error_size);
        return 1;
    }
    snprintf(error, error_size, "the TLS handshake failed");
    return 0;
}

void *vm_sha256_new(void) {
    EVP_MD_CTX *hash = EVP_MD_CTX_new();
    if (hash != NULL) EVP_DigestInit_ex(hash, EVP_sha256(), NULL);
    return hash;
}

void vm_sha256_update(void *hash, const void *bytes, size_t count) {
    EVP_DigestUpdate((EVP_MD_CTX *)hash, bytes, count);
}

void vm_sha256_final(void *hash, uint8_t *digest) {
    unsigned int length = 32;
    EVP_DigestFinal_ex((EVP_MD_CTX *)hash, digest, &length);
    EVP_MD_CTX_free((EVP_MD_CTX *)hash);
}

long vm_gunzip(const uint8_t *bytes, size_t count, size_t limit, uint8_t **decoded) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    // 15 + 32: a zlib or gzip header, detected.
    if (inflateInit2(&stream, 15 + 32) != Z_OK) return -1;
    size_t capacity = count * 4 + 1024;
    if (capacity > limit + 1) capacity = limit + 1;
    uint8_t *out = malloc(capacity);
    size_t length = 0;
    stream.next_in = (Bytef *)bytes;
    stream.avail_in = (uInt)count;
    int status = Z_OK;
    while (out != NULL && status == Z_OK) {
        if (length == capacity) {
            if (capacity > limit) break;
            capacity = capacity * 2 > limit + 1 ? limit + 1 : capacity * 2;
            uint8_t *grown = realloc(out, capacity);
            if (grown == NULL) break;
            out = grown;
        }
        stream.next_out = out + length;
        stream.avail_out = (uInt)(capacity - length);
        status = inflate(&stream, Z_NO_FLUSH);
        length = capacity - stream.avail_out;
    }
    inflateEnd(&stream);
    if (status != Z_STREAM_END || length > limit) {
        free(out);
        return -1;
    }
    *decoded = out;
    return (long)length;
}

void vm_tls_context_free(void *context) { SSL_CTX_free((SSL_CTX *)context); }
