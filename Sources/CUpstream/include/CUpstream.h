#ifndef VIDEOMOCK_CUPSTREAM_H
#define VIDEOMOCK_CUPSTREAM_H

// What the upstream client needs from C: TLS (OpenSSL under libevent's bufferevent_openssl),
// SHA-256 and gzip decoding. The libraries' own types stay opaque here.

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct bufferevent;

/// A TLS client context that verifies peers against the system's CA bundle (or SSL_CERT_FILE /
/// SSL_CERT_DIR), plus `ca_file` when given. NULL on failure, with the reason in `error`.
void *vm_tls_context(const char *ca_file, char *error, size_t error_size);

void vm_tls_context_free(void *context);

/// A bufferevent that connects over TLS to `host` (SNI, and the certificate must name it).
struct bufferevent *vm_tls_bufferevent(struct event_base *base, void *context, const char *host, char *error, size_t error_size);

/// Why a TLS bufferevent failed: the certificate check's verdict, or OpenSSL's error queue
/// (1); 0 when neither says (the socket's own error is then the reason).
int vm_tls_failure(struct bufferevent *bev, char *error, size_t error_size);

/// SHA-256, fed in pieces.
void *vm_sha256_new(void);
void vm_sha256_update(void *hash, const void *bytes, size_t count);
/// Writes the 32-byte digest into `digest` and frees the hash.
void vm_sha256_final(void *hash, uint8_t *digest);

/// Decodes a gzip (or zlib) stream of `count` bytes into a buffer the caller frees with free();
/// at most `limit` bytes. Returns the decoded length, or -1 when the stream is damaged or longer.
long vm_gunzip(const uint8_t *bytes, size_t count, size_t limit, uint8_t **decoded);

#endif
