/// Draws in [0, 1) for `chance:`, from SplitMix64: the same seed gives the same draws in the same
/// order, whatever else the server does.
struct SeededDraws: Sendable {
    private var state: UInt64
    private(set) var draws = 0

    init(seed: UInt64) { state = seed }

    mutating func next() -> Double {
        draws += 1
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
}
