import EmuCore
import Testing

/// Wire strings in, values out (RFC 8259).
@Suite struct JSONParserTests {
    @Test func parsesEveryKind() throws {
        let json = try JSONParser.parse(
            #" {"n": null, "t": true, "f": false, "i": 42, "d": 1.5, "s": "x", "a": [], "o": {}} "#)
        let expected: JSON = ["n": nil, "t": true, "f": false, "i": 42, "d": 1.5, "s": "x", "a": [], "o": [:]]
        #expect(json == expected)
    }

    @Test func keepsMemberOrder() throws {
        let json = try JSONParser.parse(#"{"zeta":1,"alpha":2,"Mid":3,"beta":{"y":1,"x":2}}"#)
        let object = try #require(json.objectValue)
        #expect(object.keys == ["zeta", "alpha", "Mid", "beta"])
        #expect(json["beta"]?.objectValue?.keys == ["y", "x"])
    }

    @Test(arguments: ["null", "true", "false", "0", "\"\"", "[]", "{}"])
    func acceptsScalarAndEmptyDocuments(text: String) throws {
        _ = try JSONParser.parse(text)
    }

    @Test func allowsTheFourWhitespaceBytesAroundTokens() throws {
        let json = try JSONParser.parse(" \t\r\n[ \t\r\n1 \t\r\n, \t\r\n{ \"a\" \n: \r2 } ] \n")
        #expect(json == [1, ["a": 2]])
    }

    // MARK: Strings

    static let escapes: [(wire: String, value: Text)] = [
        (#""\"""#, "\""), (#""\\""#, "\\"), (#""\/""#, "/"), (#""\b""#, "\u{08}"), (#""\f""#, "\u{0C}"),
        (#""\n""#, "\n"), (#""\r""#, "\r"), (#""\t""#, "\t"), (#""\u0041""#, "A"), (#""\u00e9""#, "é"),
        (#""\u00E9""#, "é"), (#""\u0000""#, "\u{00}"), (#""\u20AC""#, "€"), (#""a\nb\tc""#, "a\nb\tc"),
        (#""\u001F""#, "\u{1F}"), (#""\uFFFF""#, "\u{FFFF}"), (#""x\\\"y""#, "x\\\"y"),
    ]

    @Test(arguments: escapes)
    func decodesEscapes(wire: String, value: Text) throws {
        #expect(try JSONParser.parse(wire) == .string(value.string))
    }

    @Test func decodesSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == "😀")
        #expect(try JSONParser.parse(#""\uD834\uDD1E clef""#) == "𝄞 clef")
        #expect(try JSONParser.parse(#""x\uDBFF\uDFFFy""#) == .string("x\u{10FFFF}y"))
        #expect(try JSONParser.parse(#""\uD800\uDC00""#) == .string("\u{10000}"))
    }

    @Test func keepsRawUnicode() throws {
        #expect(try JSONParser.parse("\"héllo wörld 日本 😀\"") == "héllo wörld 日本 😀")
        #expect(try JSONParser.parse("\"日本\\n😀\"") == "日本\n😀")
        #expect(try JSONParser.parse("{\"ключ\":\"значение\"}")["ключ"] == "значение")
    }

    @Test func allowsDELAndNonControlCharacters() throws {
        #expect(try JSONParser.parse("\"\u{7F}\"") == .string("\u{7F}"))
    }

    // MARK: Numbers

    static let numbers: [(text: String, value: JSON)] = [
        ("0", .int(0)), ("-0", .int(0)), ("7", .int(7)), ("-12", .int(-12)),
        ("9223372036854775807", .int(Int64.max)), ("-9223372036854775808", .int(Int64.min)),
        ("1.5", .double(1.5)), ("-0.25", .double(-0.25)), ("1e3", .double(1000)), ("1E3", .double(1000)),
        ("1e+3", .double(1000)), ("25e-1", .double(2.5)), ("1.0", .double(1)), ("0.0", .double(0)),
        ("0e0", .double(0)), ("-0.5E-2", .double(-0.005)), ("10.010", .double(10.01)),
        ("9223372036854775808", .double(9.223372036854775808e18)),
        ("-9223372036854775809", .double(-9.223372036854775809e18)),
        ("123456789012345678901234567890", .double(1.2345678901234568e29)),
        ("1e308", .double(1e308)), ("1e-400", .double(0)),
    ]

    @Test(arguments: numbers)
    func parsesNumbers(text: String, value: JSON) throws {
        #expect(try JSONParser.parse(text) == value)
    }

    @Test func negativeZeroDoubleKeepsItsSign() throws {
        let value = try #require(try JSONParser.parse("-0.0").doubleValue)
        #expect(value == 0)
        #expect(value.sign == .minus)
    }

    @Test func integerAndDoubleAccessors() {
        #expect(JSON.int(5).intValue == 5)
        #expect(JSON.double(5).intValue == 5)
        #expect(JSON.double(5.5).intValue == nil)
        #expect(JSON.double(1e300).intValue == nil)
        #expect(JSON.int(5).doubleValue == 5)
        #expect(JSON.string("5").intValue == nil)
        #expect(JSON.string("5").doubleValue == nil)
        #expect(JSON.int(1) != JSON.double(1))
    }

    // MARK: Rejections

    @Test(arguments: [
        // Empty and truncated documents.
        "", " ", "\n\t", "[", "{", "[1", "[1,", #"{"a""#, #"{"a":"#, #"{"a":1"#, #"{"a":1,"#,
        // Trailing commas.
        "[1,]", "[1,2,]", #"{"a":1,}"#, "[,]", "[,1]", "{,}",
        // Structure.
        "[1 2]", #"{"a" 1}"#, #"{"a":1 "b":2}"#, "{a:1}", "{'a':1}", "{1:2}", #"{"a"}"#, "[}", "{]", "]", "}",
        // Literals.
        "tru", "nul", "fals", "True", "NULL", "undefined", "NaN", "Infinity", "-Infinity",
        // Numbers: leading zeros, signs, dots, exponents.
        "01", "00", "-01", "012.5", "+1", "-", ".5", "1.", "1.e3", "-.5", "1e", "1e+", "1E-", "0x10", "1_000",
        "- 1", "1 .5",
        // Strings: unterminated, bad escapes, control characters.
        "\"", "\"abc", "\"abc\\\"", "\"\\", "'abc'", #""\x41""#, #""\a""#, #""\U0041""#, #""\u12""#,
        #""\u12G4""#, #""\u""#, #""\ ""#, "\"a\u{00}b\"", "\"a\nb\"", "\"a\tb\"", "\"\u{1F}\"",
        "\"\\n\u{01}\"",
        // Lone and misordered surrogates.
        #""\ud800""#, #""\uD800x""#, #""\ud800\u0041""#, #""\udc00""#, #""\uDFFF\uD800""#,
        #""\ud800\ud800""#, #""\ud800\n""#, #""\ud800\u""#,
        // Trailing garbage.
        "1 2", "{} {}", "[] x", "nullx", "true false", "\"a\" \"b\"", "{}\u{00}", "1,", "[]]",
        // Overflow to infinity.
        "1e400", "-1e400", Text("1" + String(repeating: "0", count: 400)),
    ])
    func rejects(text: Text) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text.string) }
    }

    @Test(
        arguments: [
            [0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xC0, 0xAF, 0x22],
            [0x22, 0x5C, 0x6E, 0xFE, 0x22], [0xEF, 0xBB, 0xBF, 0x7B, 0x7D], [0xFF], [0x80],
        ] as [[UInt8]])
    func rejectsInvalidUTF8(bytes: [UInt8]) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }

    static let failures: [(text: String, message: String, offset: Int)] = [
        ("{} x", "unexpected data after the JSON value", 3), (#"{"a":1,}"#, "expected a member name", 7),
        ("[1,2,01]", "expected ',' or ']'", 6), (#"{"a" 1}"#, "expected ':'", 5), ("[1,", "unexpected end of input", 3),
        (#"["ab"#, "unterminated string", 4), (#"["\q"]"#, "invalid escape", 4), ("-x", "invalid number", 1),
        ("1e999", "number out of range", 0), (#""\udc00""#, "unpaired surrogate", 7),
        (#"{"a":1 "b"}"#, "expected ',' or '}'", 7), ("[tru]", "invalid literal", 4),
    ]

    @Test(arguments: failures)
    func reportsTheReasonAndTheOffsetWhereReadingStopped(text: String, message: String, offset: Int) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        #expect(error?.message == message)
        #expect(error?.offset == offset)
        #expect(error?.description == "\(message) at byte \(offset)")
    }

    // MARK: Depth

    @Test func acceptsNestingUpToMaxDepth() throws {
        let depth = JSONParser.maxDepth
        _ = try JSONParser.parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        let objects = String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        _ = try JSONParser.parse(objects)
        let pairs = depth / 2 - 1
        let mixed = String(repeating: #"[{"a":"#, count: pairs) + "[{}]" + String(repeating: "}]", count: pairs)
        _ = try JSONParser.parse(mixed)
    }

    @Test func rejectsNestingBeyondMaxDepth() {
        let depth = JSONParser.maxDepth + 1
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(arrays) }
        #expect(error?.offset == JSONParser.maxDepth)
        #expect(error?.message == "nesting deeper than \(JSONParser.maxDepth)")
        let objects = String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(objects) }
    }

    @Test func siblingsDoNotAccumulateDepth() throws {
        let depth = JSONParser.maxDepth - 1
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        _ = try JSONParser.parse("[" + Array(repeating: deep, count: 50).joined(separator: ",") + "]")
        let members = (0..<50).map { #""k\#($0)":"# + deep }.joined(separator: ",")
        _ = try JSONParser.parse("{" + members + "}")
    }

    @Test func hostileNestingFailsWithoutExhaustingTheStack() {
        let bomb = String(repeating: "[", count: 1_000_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bomb) }
    }
}
