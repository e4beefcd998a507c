import CUpstream

/// The TLS settings every upstream connection shares: the system's CA bundle (or
/// `SSL_CERT_FILE`), and an extra CA file when given.
package final class TLSContext: @unchecked Sendable {
    // Safe to share: the OpenSSL context is only read after `init` (each connection makes its own
    // session from it with SSL_new, which OpenSSL allows from any thread), and freed in deinit.
    let context: UnsafeMutableRawPointer

    package init(caFile: String?) throws(UpstreamFailure) {
        var error = [CChar](repeating: 0, count: 256)
        guard let context = vm_tls_context(caFile, &error, error.count) else {
            throw UpstreamFailure(kind: .tls, reason: text(error))
        }
        self.context = context
    }

    deinit { vm_tls_context_free(context) }
}

/// Why an upstream exchange did not complete.
package struct UpstreamFailure: Error, Sendable, CustomStringConvertible {
    package enum Kind: String, Sendable {
        case connect, tls, timeout, protocolError = "protocol"
    }

    package let kind: Kind
    package let reason: String

    package init(kind: Kind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    package var description: String { reason }
}
