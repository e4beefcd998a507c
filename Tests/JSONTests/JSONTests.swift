import JSON
import Testing

@Suite("JSON")
struct JSONTests {
    @Test("parses every kind of value and keeps object keys in order")
    func parses() throws {
        let value = try JSON.parse(#" {"b": 1, "a": [true, false, null, -2.5e2, "x\u00e9\n"], "c": {}} "#)
        #expect(value.object?.keys == ["b", "a", "c"])
        #expect(value["b"] == 1)
        #expect(value["a"] == [true, false, nil, -250.0, "xé\n"])
        #expect(value["c"] == .object([:]))
    }

    @Test("serializes compactly, escaping what JSON requires")
    func serializes() throws {
        let value: JSON = ["s": "quote \" slash \\ tab \t bell \u{07}", "n": 1.5, "i": -3, "z": 2.0, "l": [nil, true]]
        #expect(value.serialized == #"{"s":"quote \" slash \\ tab \t bell \u0007","n":1.5,"i":-3,"z":2,"l":[null,true]}"#)
        #expect(
            (try JSON.parse(value.serialized)) == [
                "s": "quote \" slash \\ tab \t bell \u{07}", "n": 1.5, "i": -3, "z": 2, "l": [nil, true],
            ])
    }

    @Test("writes integers as their decimal digits, the extremes included")
    func integers() {
        for value in [0, 7, -1, 10, 1_795_256_024, Int.max, Int.min] {
            #expect(JSON.int(value).serialized == String(value))
        }
        #expect(JSON.double(-42).serialized == "-42")
    }

    @Test("decodes surrogate pairs")
    func surrogates() throws {
        #expect(try JSON.parse(#""\ud83c\udfac""#) == "🎬")
    }

    @Test(
        "errors say what and where, by line and column",
        arguments: [
            ("{\"a\": 1,\n \"b\" 2}", "unexpected character '2', expected ':' after key \"b\" at line 2, column 6"),
            ("[1, 2", "unexpected end of input, expected ',' or ']' at line 1, column 6"),
            ("{\"a\": tru}", "invalid literal at line 1, column 7"),
            ("01", "leading zeros are not allowed in numbers at line 1, column 1"),
            ("\"abc", "unterminated string at line 1, column 1"),
            ("\"a\tb\"", "unescaped control character in string (0x9) at line 1, column 3"),
            ("\"\\x\"", "invalid escape sequence '\\x' at line 1, column 2"),
            ("\"\\ud800\"", "unpaired UTF-16 surrogate in \\u escape at line 1, column 8"),
            ("1 2", "unexpected character '2' after the JSON value at line 1, column 3"),
            ("", "empty document, expected a JSON value at line 1, column 1"),
            ("1e999", "number out of range at line 1, column 1"),
        ])
    func errors(_ text: String, _ expected: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
        do { _ = try JSON.parse(text) } catch { #expect(error.description == expected) }
    }

    @Test("rejects invalid UTF-8 inside strings")
    func invalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        do {
            _ = try JSON.parse(bytes)
            Issue.record("accepted invalid UTF-8")
        } catch {
            #expect(error.reason == "string is not valid UTF-8")
        }
    }

    @Test("refuses nesting deeper than the limit instead of overflowing the stack")
    func depth() throws {
        let deep = String(repeating: "[", count: 100_000)
        do {
            _ = try JSON.parse(deep)
            Issue.record("accepted")
        } catch {
            #expect(error.reason == "nesting deeper than 256 levels")
        }
        let ok = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: Never.self) { try JSON.parse(ok) }
    }

    @Test("large integers stay exact, and integers beyond Int become doubles")
    func numbers() throws {
        #expect(try JSON.parse("9007199254740993") == .int(9_007_199_254_740_993))
        #expect(try JSON.parse("92233720368547758070") == .double(Double("92233720368547758070")!))
    }

    @Test("strings read back as written, whatever they hold and wherever (quotes, backslashes, controls, non-ASCII)")
    func stringRoundTrips() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "Z", "0", " ", "\"", "\\", "\n", "\u{1}", "\u{1F}", "é", "🎬", "~", "/", "\u{7F}"]
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in
                Int.random(in: 0..<4, using: &generator) == 0 ? pieces.randomElement(using: &generator)! : "x"
            }.joined()
            #expect(try JSON.parse(JSON.string(text).bytes) == .string(text), "\(Array(text.utf8))")
            let object: JSON = ["k": .string(text), "n": 1]
            #expect(try JSON.parse(object.bytes) == object)
        }
        // A raw control byte inside a string is refused, wherever it lies.
        for position in 0..<20 {
            var bytes = Array(#""abcdefghijklmnopqrstuvwxyz""#.utf8)
            bytes[position + 1] = 0x0A
            #expect(throws: JSONParseError.self) { try JSON.parse(bytes) }
        }
    }
}
