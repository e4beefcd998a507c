/// Writes ISO BMFF boxes (ISO/IEC 14496-12): big-endian fields, and boxes whose 32-bit size is
/// filled in once their contents are written.
struct BoxWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) { bytes.append(contentsOf: [UInt8(value >> 8), UInt8(value & 0xFF)]) }
    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((value >> UInt64(shift)) & 0xFF)) }
    }
    mutating func i16(_ value: Int16) { u16(UInt16(bitPattern: value)) }
    mutating func fourCC(_ code: String) { bytes.append(contentsOf: code.utf8.prefix(4)) }
    mutating func raw(_ data: [UInt8]) { bytes.append(contentsOf: data) }
    mutating func zeros(_ count: Int) { bytes.append(contentsOf: repeatElement(0, count: count)) }

    /// A box of `type`: its contents written by `body`, its size filled in after.
    mutating func box(_ type: String, _ body: (inout BoxWriter) -> Void) {
        let start = bytes.count
        u32(0)
        fourCC(type)
        body(&self)
        let size = UInt32(bytes.count - start)
        for (offset, shift) in [24, 16, 8, 0].enumerated() { bytes[start + offset] = UInt8((size >> UInt32(shift)) & 0xFF) }
    }

    /// A full box: a box with a version and flags.
    mutating func fullBox(_ type: String, version: UInt8 = 0, flags: UInt32 = 0, _ body: (inout BoxWriter) -> Void) {
        box(type) { writer in
            writer.u8(version)
            writer.u8(UInt8((flags >> 16) & 0xFF))
            writer.u16(UInt16(flags & 0xFFFF))
            body(&writer)
        }
    }

    /// The unity transformation matrix of mvhd and tkhd.
    mutating func unityMatrix() {
        for value: UInt32 in [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] { u32(value) }
    }
}
