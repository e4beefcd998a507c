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

    /// What a rule says, in one value the copies of a rule share.
    private struct Fields: Sendable {
        var name: String
        /// The provider-neutral meaning (`duration`, `size`, `resolution`, `aspect_ratio`, `width`,
        /// `height`, `audio`, `first_frame`, `last_frame`, `reference_images`, ...); defaults to `name`.
        var role: String
        var kind: Kind
        /// Allowed values, written as text (`"8"`, `"16:9"`, `"std"`).
        var values: [String]?
        /// For sizes: the resolution each allowed token actually produces (`16:9` → 1920x1088).
        var produces: [String: Dimensions]
        /// Allowed numeric range, in addition to `values`.
        var range: ClosedRange<Double>?
        var defaultValue: JSON?
        var required: Bool
        /// Most items of a list; longest string.
        var max: Int?
        /// Whether `W*H` is accepted for `WxH`.
        var star: Bool
        /// For image lists: each item must be referred to in the prompt by this marker, `{n}` its 1-based number.
        var marker: String?
        /// Strings must start with this (Sora remix ids: `video_`).
        var prefix: String?
        /// For arrays: each item is an object with these fields, and no others (Kling's `video_list`).
        var fields: [ParameterRule]?
    }

    /// A rule is read on every create and copied as it is passed around: its fields live in one
    /// shared, immutable object, so that a copy is a single reference (a change, made only while
    /// catalogs load, replaces the object).
    private final class Storage: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    package init(
        name: String, role: String, kind: Kind, values: [String]?, produces: [String: Dimensions], range: ClosedRange<Double>?,
        defaultValue: JSON?, required: Bool, max: Int?, star: Bool, marker: String?, prefix: String?, fields: [ParameterRule]?
    ) {
        storage = Storage(
            Fields(
                name: name, role: role, kind: kind, values: values, produces: produces, range: range, defaultValue: defaultValue,
                required: required, max: max, star: star, marker: marker, prefix: prefix, fields: fields))
    }

    private mutating func change(_ body: (inout Fields) -> Void) {
        var fields = storage.fields
        body(&fields)
        storage = Storage(fields)
    }

    package var name: String {
        get { storage.fields.name }
        set { change { $0.name = newValue } }
    }
    package var role: String {
        get { storage.fields.role }
        set { change { $0.role = newValue } }
    }
    package var kind: Kind {
        get { storage.fields.kind }
        set { change { $0.kind = newValue } }
    }
    package var values: [String]? {
        get { storage.fields.values }
        set { change { $0.values = newValue } }
    }
    package var produces: [String: Dimensions] {
        get { storage.fields.produces }
        set { change { $0.produces = newValue } }
    }
    package var range: ClosedRange<Double>? {
        get { storage.fields.range }
        set { change { $0.range = newValue } }
    }
    package var defaultValue: JSON? {
        get { storage.fields.defaultValue }
        set { change { $0.defaultValue = newValue } }
    }
    package var required: Bool {
        get { storage.fields.required }
        set { change { $0.required = newValue } }
    }
    package var max: Int? {
        get { storage.fields.max }
        set { change { $0.max = newValue } }
    }
    package var star: Bool {
        get { storage.fields.star }
        set { change { $0.star = newValue } }
    }
    package var marker: String? {
        get { storage.fields.marker }
        set { change { $0.marker = newValue } }
    }
    package var prefix: String? {
        get { storage.fields.prefix }
        set { change { $0.prefix = newValue } }
    }
    package var fields: [ParameterRule]? {
        get { storage.fields.fields }
        set { change { $0.fields = newValue } }
    }
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
