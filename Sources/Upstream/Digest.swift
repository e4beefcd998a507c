import CUpstream
import Glibc

/// SHA-256 of bytes fed in pieces, as lowercase hex.
package struct SHA256Digest: ~Copyable {
    private let hash: UnsafeMutableRawPointer

    package init() { hash = vm_sha256_new() }

    package func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        vm_sha256_update(hash, base, bytes.count)
    }

    package consuming func finish() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        vm_sha256_final(hash, &digest)
        discard self
        return digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    deinit { var unused = [UInt8](repeating: 0, count: 32); vm_sha256_final(hash, &unused) }

    package static func hex(_ bytes: [UInt8]) -> String {
        let digest = SHA256Digest()
        bytes.withUnsafeBytes { digest.update($0) }
        return digest.finish()
    }
}

/// A gzip- or zlib-coded body decoded, when it is at most `limit` bytes decoded.
package func gunzip(_ bytes: [UInt8], limit: Int = 64 << 20) -> [UInt8]? {
    var decoded: UnsafeMutablePointer<UInt8>?
    let count = bytes.withUnsafeBufferPointer { vm_gunzip($0.baseAddress, $0.count, limit, &decoded) }
    guard count >= 0, let decoded else { return nil }
    defer { free(decoded) }
    return Array(UnsafeBufferPointer(start: decoded, count: count))
}
