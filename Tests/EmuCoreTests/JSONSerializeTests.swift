import EmuCore
import Testing

/// Values in, wire strings out; and wire → value → wire round trips.
@Suite struct JSONSerializeTests {
    @Test func serializesCompactlyInMemberOrder() {
        let json: JSON = ["z": 1, "a": [true, false, nil], "m": ["y": "x", "b": [:]], "e": []]
        #expect(json.text == #"{"z":1,"a":[true,false,null],"m":{"y":"x","b":{}},"e":[]}"#)
        #expect(json.serialized() == Array(json.text.utf8))
    }

    @Test(arguments: [
        (JSON.object(["a": [1, "二", nil, true, 1.5, -0.25, 1e300, ["k": 7]]]), true),
        (JSON.double(2), false), (JSON.double(-0.0), false), (JSON.double(.infinity), false),
        (JSON.double(.nan), false), (JSON.array([1, .double(3)]), false),
        (JSON.object(["x": ["y": .double(0)]]), false),
        (JSON.double(1e15), true),
    ])
    func roundTripsExactlyIsWhetherTheParseGivesTheValueBack(json: JSON, exact: Bool) throws {
        #expect(json.roundTripsExactly == exact)
        #expect((try JSONParser.parse(json.serialized()) == json) == exact)
    }

    @Test func writeAppendsToExistingBytes() {
        var out = Array("prefix:".utf8)
        JSON.array([1, "a"]).write(to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"prefix:[1,"a"]"#)
    }

    @Test(
        arguments: [
            ("\"", #""\"""#), ("\\", #""\\""#), ("\n", #""\n""#), ("\r", #""\r""#), ("\t", #""\t""#),
            ("\u{08}", #""\u0008""#), ("\u{0C}", #""\u000c""#), ("\u{00}", #""\u0000""#), ("\u{01}", #""\u0001""#),
            ("\u{1F}", #""\u001f""#), ("\u{1B}[0m", #""\u001b[0m""#), ("/", #""/""#), ("\u{7F}", "\"\u{7F}\""),
            ("é日😀", "\"é日😀\""), ("\u{2028}", "\"\u{2028}\""), ("a\"b\\c\nd", #""a\"b\\c\nd""#), ("", #""""#),
        ] as [(Text, String)])
    func escapesStrings(value: Text, wire: String) {
        #expect(JSON.string(value.string).text == wire)
    }

    @Test func escapesMemberNames() {
        let json: JSON = ["a\"b": 1, "line\nbreak": 2, "\u{01}": 3]
        #expect(json.text == #"{"a\"b":1,"line\nbreak":2,"\u0001":3}"#)
    }

    @Test func everyControlCharacterIsEscaped() throws {
        let all = String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self)
        let wire = JSON.string(all).text
        #expect(!wire.utf8.contains { $0 < 0x20 })
        #expect(try JSONParser.parse(wire) == .string(all))
    }

    @Test(arguments: [
        (JSON.int(0), "0"), (.int(-42), "-42"), (.int(Int64.max), "9223372036854775807"),
        (.int(Int64.min), "-9223372036854775808"), (.double(1.5), "1.5"), (.double(-0.25), "-0.25"),
        (.double(0.1), "0.1"), (.double(2), "2"), (.double(-3), "-3"), (.double(-0.0), "0"),
        (.double(1e14), "100000000000000"), (.double(1e20), "1e+20"), (.double(1.5e-7), "1.5e-07"),
        (.double(.infinity), "null"), (.double(-.infinity), "null"), (.double(.nan), "null"),
        (.bool(true), "true"), (.bool(false), "false"), (.null, "null"),
    ])
    func serializesScalars(value: JSON, wire: String) {
        #expect(value.text == wire)
    }

    @Test(arguments: [
        1.5, 0.1, -2.5e-300, 1.7976931348623157e308, Double.leastNonzeroMagnitude, 123456.789, 1e15, 1e16,
        9.007199254740993e15,
    ])
    func doublesRoundTripExactly(value: Double) throws {
        let back = try #require(try JSONParser.parse(JSON.double(value).text).doubleValue)
        #expect(back == value)
    }

    @Test(arguments: [
        #"{"b":1,"a":{"d":[1,2.5,"x",null,true,false,{}],"c":[]}}"#,
        #"["\u0000\u001f","\"\\/\b\f\n\r\t","é😀日本"]"#,
        #"{"properties":{"instantAccessDurationMinutes":120,"timeCreated":"2026-04-24T10:48:18.0086391+00:00"}}"#,
        #"[-1,0,1,-1.5,1e+30,9223372036854775807,-9223372036854775808,9223372036854775808]"#,
        #"{"tags":{},"zones":[],"sku":null}"#,
        "[[[[[]]]]]",
    ])
    func roundTripsThroughTheWire(wire: String) throws {
        let value = try JSONParser.parse(wire)
        let again = try JSONParser.parse(value.text)
        #expect(again == value)
        #expect(again.text == value.text)
    }

    @Test func reserializesCanonicalInputByteForByte() throws {
        let wire = #"{"name":"rp1","id":"/subscriptions/x","n":[1,-2,3.25],"ok":true,"z":null,"s":"a\nb\u0001"}"#
        #expect(try JSONParser.parse(wire).text == wire)
    }

    @Test func surrogateEscapesSerializeAsRawUTF8() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#).serialized() == [0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22])
    }

    @Test func literalsBuildTheExpectedCases() {
        let json: JSON = ["s": "x", "i": 1, "d": 1.5, "b": true, "n": nil, "a": [1, "2"]]
        #expect(json["s"] == .string("x"))
        #expect(json["i"] == .int(1))
        #expect(json["d"] == .double(1.5))
        #expect(json["b"] == .bool(true))
        #expect(json["n"] == .null)
        #expect(json["a"] == .array([.int(1), .string("2")]))
        #expect(json["missing"] == nil)
    }

    @Test func kindNamesAndAccessors() {
        let cases: [(JSON, String)] = [
            (nil, "null"), (true, "boolean"), (1, "number"), (1.5, "number"), ("s", "string"), ([], "array"),
            ([:], "object"),
        ]
        for (value, name) in cases { #expect(value.kindName == name) }
        #expect(JSON.string("s").stringValue == "s")
        #expect(JSON.int(1).stringValue == nil)
        #expect(JSON.bool(false).boolValue == false)
        #expect(JSON.null.boolValue == nil)
        #expect(JSON.array([1]).arrayValue == [1])
        #expect(JSON.object(JSONObject()).arrayValue == nil)
        #expect(JSON.object(JSONObject()).objectValue?.isEmpty == true)
        #expect(JSON.array([]).objectValue == nil)
        #expect(JSON.array([])["a"] == nil)
        #expect(JSON.string("a")["a"] == nil)
    }
}
