/// A family of models that behave alike whoever sells them (`sora`, `veo`, `kling`, ...).
/// Open: a user's catalog may name a family VideoMock has not heard of.
package struct ModelFamily: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package let rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }

    package static let sora = ModelFamily(rawValue: "sora")
    package static let veo = ModelFamily(rawValue: "veo")
    package static let wan = ModelFamily(rawValue: "wan")
    package static let jimeng = ModelFamily(rawValue: "jimeng")
    package static let seedance = ModelFamily(rawValue: "seedance")
    package static let kling = ModelFamily(rawValue: "kling")

    package var description: String { rawValue }
}
