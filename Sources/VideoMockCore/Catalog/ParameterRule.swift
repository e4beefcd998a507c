import JSON

/// What one request parameter of one model accepts, as the catalog states it.
package struct ParameterRule: Sendable {
    package enum Kind: String, Sendable, CaseIterable {
        case integer, number, string, boolean
        /// `WxH` (or `W*H` when `star` is set), a resolution label such as `720p`, or a ratio such as `16:9`.
        case size
        /// One image: a URL, a `data:` URL, bare base64, a `{"mime_type","data"}` object or an uploaded file.
        case image
        /// A list of images (`max` items at most).
        case images
        /// A list of anything (`max` items at most), passed through.
        case array
        /// An object, passed through.
        case object
    }

    package var name: String
    /// The provider-neutral meaning (`duration`, `size`, `resolution`, `aspect_ratio`, `width`,
    /// `height`, `audio`, `first_frame`, `last_frame`, `reference_images`, ...); defaults to `name`.
    package var role: String
    package var kind: Kind
    /// Allowed values, written as text (`"8"`, `"16:9"`, `"std"`).
    package var values: [String]?
    /// For sizes: the resolution each allowed token actually produces (`16:9` → 1920x1088).
    package var produces: [String: Dimensions]
    /// Allowed numeric range, in addition to `values`.
    package var range: ClosedRange<Double>?
    package var defaultValue: JSON?
    package var required: Bool
    /// Most items of a list; longest string.
    package var max: Int?
    /// Whether `W*H` is accepted for `WxH`.
    package var star: Bool
    /// For image lists: each item must be referred to in the prompt by this marker, `{n}` its 1-based number.
    package var marker: String?
    /// Strings must start with this (Sora remix ids: `video_`).
    package var prefix: String?
    /// For arrays: each item is an object with these fields, and no others (Kling's `video_list`).
    package var fields: [ParameterRule]?
}

/// A width and a height in pixels.
package struct Dimensions: Sendable, Hashable, CustomStringConvertible {
    package var width: Int
    package var height: Int

    package init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Parses `1280x720` (and `1280*720` when `star`).
    package init?(_ text: some StringProtocol, star: Bool = true) {
        let bytes = Array(text.utf8)
        guard let separator = bytes.firstIndex(where: { $0 == UInt8(ascii: "x") || (star && $0 == UInt8(ascii: "*")) }),
            let width = Dimensions.number(bytes[..<separator]), let height = Dimensions.number(bytes[(separator + 1)...]),
            width > 0, height > 0
        else { return nil }
        self.init(width: width, height: height)
    }

    /// A decimal number of at most 6 digits.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 6 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    package var description: String { "\(width)x\(height)" }

    package enum Orientation: String, Sendable, CaseIterable {
        case landscape, portrait, square
    }

    package var orientation: Orientation {
        width > height ? .landscape : width < height ? .portrait : .square
    }

    /// Short sides of the resolution labels the providers use.
    static let labelShortSides: [String: Int] = [
        "360p": 360, "480p": 480, "540p": 540, "720p": 720, "1080p": 1080, "1440p": 1440, "2k": 1440, "4k": 2160,
        "std": 720, "pro": 1080,
    ]

    /// The frame a resolution label (`720p`, `std`) gives at an aspect ratio (`9:16`); nil if either is unknown.
    static func from(label: String, ratio: String) -> Dimensions? {
        guard let short = labelShortSides[label.lowercased()] else { return nil }
        let parts = ratio.split(separator: ":").compactMap { Double($0) }
        let (a, b) = parts.count == 2 && parts[0] > 0 && parts[1] > 0 ? (parts[0], parts[1]) : (16.0, 9.0)
        func even(_ value: Double) -> Int { Int((value / 2).rounded()) * 2 }
        return a >= b
            ? Dimensions(width: even(Double(short) * a / b), height: short)
            : Dimensions(width: short, height: even(Double(short) * b / a))
    }
}
