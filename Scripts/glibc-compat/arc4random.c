/* The shipped binary links Debian's static libevent, built against glibc 2.36, which draws its
 * random bytes from arc4random (new in glibc 2.36). Defined here on getrandom (glibc 2.25), they
 * keep the binary's glibc floor at 2.35 (Ubuntu 22.04), where the static Swift libraries put it.
 * Linked into the release build only (make build). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>

void arc4random_buf(void *buffer, size_t length) {
    unsigned char *next = buffer;
    while (length > 0) {
        ssize_t got = getrandom(next, length, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            abort();
        }
        next += got;
        length -= (size_t)got;
    }
}

uint32_t arc4random(void) {
    uint32_t value;
    arc4random_buf(&value, sizeof value);
    return value;
}
