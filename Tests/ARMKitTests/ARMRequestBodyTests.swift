import ARMKit
import EmuCore
import EmuHTTP
import Testing

/// `ARMRequest.body()`: what a PUT/PATCH handler gets, and the 400 for anything that is not a JSON object
/// (CONTRACT.md §7 "body not JSON, wrong types").
@Suite("ARMRequest.body")
struct ARMRequestBodyTests {
    static func invalid(_ detail: String) -> String {
        "The request content was invalid and could not be deserialized: '\(detail)'."
    }

    static func bodyError(_ text: String) throws -> ARMError {
        let request = Fixture.armRequest(.put, "/x", body: text)
        return try #require(throws: ARMError.self) { try request.body() }
    }

    @Test("a JSON object parses, members in order")
    func object() throws {
        let body = try Fixture.armRequest(.put, "/x", body: #" {"location":"eastus","tags":{"a":"b"}} "#).body()
        #expect(body.object.keys == ["location", "tags"])
        #expect(try body.string("location") == "eastus")
    }

    @Test("an empty body → 400 InvalidRequestContent")
    func empty() throws {
        let e = try Self.bodyError("")
        #expect(e.status == 400)
        #expect(e.code == "InvalidRequestContent")
        #expect(e.message == Self.invalid("The request body is empty; a JSON object is required."))
        #expect(e.target == nil)
    }

    @Test(
        "a JSON value that is not an object → 400 naming its kind",
        arguments: [
            ("[1,2]", "array"), ("\"text\"", "string"), ("42", "number"), ("-1.5", "number"), ("null", "null"),
            ("true", "boolean"), ("  []", "array"),
        ])
    func notAnObject(text: String, kind: String) throws {
        let e = try Self.bodyError(text)
        #expect(e.status == 400)
        #expect(e.code == "InvalidRequestContent")
        #expect(e.message == Self.invalid("Expected a JSON object but found \(kind). Path '', line 1, position 1."))
    }

    @Test(
        "bytes that are not JSON → 400 with the parser's reason, line and position",
        arguments: [
            ("hello", "unexpected character 'h'", 1, 1),
            ("   ", "unexpected end of input", 1, 4),
            (#"{"location": "eastus","#, "expected a member name", 1, 23),
            (#"{"location": "eas"#, "unterminated string", 1, 18),
            (#"{"a":1}x"#, "unexpected data after the JSON value", 1, 8),
            (#"{"a":1,}"#, "expected a member name", 1, 8),
            ("{\n  \"a\": 1,\n  \"b\": tru\n}", "invalid literal", 3, 11),
            ("{\n\n\"b\" 1}", "expected ':'", 3, 5),
            ("{\"é\": x}", "unexpected character 'x'", 1, 7),
        ])
    func notJSON(text: String, reason: String, line: Int, position: Int) throws {
        let e = try Self.bodyError(text)
        #expect(e.status == 400)
        #expect(e.code == "InvalidRequestContent")
        #expect(e.message == Self.invalid("\(reason). Path '', line \(line), position \(position)."))
    }

    @Test("parseBody without a request gives the same errors")
    func parseBody() throws {
        #expect(try ARMRequest.parseBody(Array(#"{"a":1}"#.utf8)).object.keys == ["a"])
        let e = try #require(throws: ARMError.self) { try ARMRequest.parseBody(Array("[]".utf8)) }
        #expect(e.message == Self.invalid("Expected a JSON object but found array. Path '', line 1, position 1."))
        let empty = try #require(throws: ARMError.self) { try ARMRequest.parseBody([]) }
        #expect(empty.message == Self.invalid("The request body is empty; a JSON object is required."))
    }

    @Test("optionalBody: absent or blank → nil; an object → the body; anything else → 400")
    func optionalBody() throws {
        #expect(try Fixture.armRequest(.post, "/x").optionalBody() == nil)
        #expect(try Fixture.armRequest(.post, "/x", body: " \r\n\t").optionalBody() == nil)
        #expect(try Fixture.armRequest(.post, "/x", body: "{}").optionalBody()?.object.isEmpty == true)
        let request = Fixture.armRequest(.post, "/x", body: "[]")
        #expect(throws: ARMError.self) { try request.optionalBody() }
    }

    @Test("the error renders as an ARM envelope through the pipeline")
    func throughPipeline() {
        var router = ARMRouter()
        router.add(.put, "/subscriptions/{s}", family: .any) { r throws(ARMError) in
            _ = try r.body()
            return ARMResponse(status: 200)
        }
        let r = Fixture.pipeline(router: router).handle(
            Fixture.http(.put, "/subscriptions/s?api-version=2022-12-01", body: "[1]"))
        #expect(r.status == 400)
        #expect(
            r.text
                == envelope(
                    "InvalidRequestContent",
                    Self.invalid("Expected a JSON object but found array. Path '', line 1, position 1.")))
    }
}

/// Typed getters on a parsed body: a member of the wrong kind names its path.
@Suite("ARMBody")
struct ARMBodyTests {
    static func body(_ text: String) throws -> ARMBody {
        try Fixture.armRequest(.put, "/x", body: text).body()
    }

    static func mismatch(_ value: String, _ kind: String, _ type: String, _ path: String) -> String {
        ARMRequestBodyTests.invalid(
            "Error converting value \(value) of type '\(kind)' to type '\(type)'. Path '\(path)'")
    }

    @Test("dotted paths reach nested members; missing and null read as nil; names are case-insensitive")
    func paths() throws {
        let b = try Self.body(
            #"{"Location":"eastus","properties":{"source":{"id":"/s/x"},"gone":null},"n":null}"#)
        #expect(try b.string("location") == "eastus")
        #expect(try b.string("properties.source.id") == "/s/x")
        #expect(try b.string("properties.source.missing") == nil)
        #expect(try b.string("properties.gone") == nil)
        #expect(try b.string("properties.gone.deeper") == nil)
        #expect(try b.object("n") == nil)
        #expect(try b.string("nothing.at.all") == nil)
        #expect(b.value("properties.source") == ["id": "/s/x"])
    }

    @Test("string: a non-string → 400 naming the path")
    func stringMismatch() throws {
        let b = try Self.body(#"{"location":5,"properties":{"name":true}}"#)
        var e = try #require(throws: ARMError.self) { try b.string("location") }
        #expect(e.status == 400)
        #expect(e.code == "InvalidRequestContent")
        #expect(e.message == Self.mismatch("5", "number", "String", "location"))
        e = try #require(throws: ARMError.self) { try b.string("properties.name") }
        #expect(e.message == Self.mismatch("true", "boolean", "String", "properties.name"))
    }

    @Test("a non-object in the middle of a path → 400 naming that member, not a silent nil")
    func intermediateMismatch() throws {
        let b = try Self.body(#"{"properties":"oops","list":[1]}"#)
        var e = try #require(throws: ARMError.self) { try b.string("properties.source.id") }
        #expect(e.message == Self.mismatch(#""oops""#, "string", "Object", "properties"))
        e = try #require(throws: ARMError.self) { try b.int("list.count") }
        #expect(e.message == Self.mismatch("[1]", "array", "Object", "list"))
        e = try #require(throws: ARMError.self) { try b.tags("list.tags") }
        #expect(e.code == "InvalidRequestContent")
    }

    @Test("bool: booleans and the strings true/false in any case; anything else → 400")
    func bool() throws {
        let b = try Self.body(#"{"a":true,"b":false,"c":"True","d":"FALSE","e":1,"f":"yes"}"#)
        #expect(try b.bool("a") == true)
        #expect(try b.bool("b") == false)
        #expect(try b.bool("c") == true)
        #expect(try b.bool("d") == false)
        let e = try #require(throws: ARMError.self) { try b.bool("e") }
        #expect(e.message == Self.mismatch("1", "number", "Boolean", "e"))
        let f = try #require(throws: ARMError.self) { try b.bool("f") }
        #expect(f.message == Self.mismatch(#""yes""#, "string", "Boolean", "f"))
    }

    @Test("int: integers, whole doubles and numeric strings; fractions, words and booleans → 400")
    func int() throws {
        let b = try Self.body(#"{"a":120,"b":120.0,"c":"120","d":-5,"e":1.5,"f":"abc","g":true,"h":"1.5"}"#)
        #expect(try b.int("a") == 120)
        #expect(try b.int("b") == 120)
        #expect(try b.int("c") == 120)
        #expect(try b.int("d") == -5)
        for (path, value, kind) in [
            ("e", "1.5", "number"), ("f", #""abc""#, "string"), ("g", "true", "boolean"),
            ("h", #""1.5""#, "string"),
        ] {
            let e = try #require(throws: ARMError.self) { try b.int(path) }
            #expect(e.message == Self.mismatch(value, kind, "Int32", path))
        }
    }

    @Test("object and array: the right kind or 400")
    func objectAndArray() throws {
        let b = try Self.body(#"{"o":{"k":1},"a":[1,"x"]}"#)
        #expect(try b.object("o") == JSONObject([("k", 1)]))
        #expect(try b.array("a") == [1, "x"])
        let e = try #require(throws: ARMError.self) { try b.object("a") }
        #expect(e.message == Self.mismatch(#"[1,"x"]"#, "array", "Object", "a"))
        let f = try #require(throws: ARMError.self) { try b.array("o") }
        #expect(f.message == Self.mismatch(#"{"k":1}"#, "object", "Array", "o"))
    }

    @Test("tags: string values only, the error names tags.{key}")
    func tags() throws {
        #expect(
            try Self.body(#"{"tags":{"env":"test","empty":""}}"#).tags()
                == JSONObject([("env", "test"), ("empty", "")]))
        #expect(try Self.body(#"{"tags":{}}"#).tags() == JSONObject())
        #expect(try Self.body(#"{"location":"x"}"#).tags() == nil)
        #expect(try Self.body(#"{"tags":null}"#).tags() == nil)
        for (text, message) in [
            (#"{"tags":{"env":"test","n":1}}"#, Self.mismatch("1", "number", "String", "tags.n")),
            (#"{"tags":{"b":false}}"#, Self.mismatch("false", "boolean", "String", "tags.b")),
            (#"{"tags":{"o":{}}}"#, Self.mismatch("{}", "object", "String", "tags.o")),
            (#"{"tags":{"z":null}}"#, Self.mismatch("null", "null", "String", "tags.z")),
            (#"{"tags":["a"]}"#, Self.mismatch(#"["a"]"#, "array", "Object", "tags")),
            (#"{"tags":"a=b"}"#, Self.mismatch(#""a=b""#, "string", "Object", "tags")),
        ] {
            let b = try Self.body(text)
            let e = try #require(throws: ARMError.self) { try b.tags() }
            #expect(e.status == 400, "\(text)")
            #expect(e.code == "InvalidRequestContent", "\(text)")
            #expect(e.message == message, "\(text)")
        }
        let nested = try Self.body(#"{"properties":{"labels":{"a":2}}}"#)
        let e = try #require(throws: ARMError.self) { try nested.tags("properties.labels") }
        #expect(e.message == Self.mismatch("2", "number", "String", "properties.labels.a"))
    }
}
