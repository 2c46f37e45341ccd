import Testing

@testable import EmuHTTP

/// Field names compare case-insensitively, ASCII letters only (RFC 9110 §5.1).
@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    @Test(
        "names equal ignoring the case of ASCII letters, and nothing else",
        arguments: [
            ("Content-Type", "content-type", true), ("X-MS-Request-ID", "x-ms-request-id", true), ("a", "A", true),
            ("", "", true), ("Host", "Hos", false), ("Host", "Hose", false),
            // Bytes that differ only in bit 0x20 but are not letters: @ `, [ {, ] }, ^ ~, and two non-ASCII.
            ("a@", "a`", false), ("x[", "x{", false), ("]", "}", false), ("^", "~", false), ("É", "é", false),
            ("é", "é", true),
        ])
    func equalNames(a: String, b: String, equal: Bool) {
        #expect(HTTPHeaders.equalNames(a, b) == equal)
        #expect(HTTPHeaders.equalNames(b, a) == equal)
    }

    @Test("subscript and values find every spelling, in order")
    func lookup() {
        let headers = HTTPHeaders([("Accept", "a"), ("x-one", "1"), ("ACCEPT", "b")])
        #expect(headers["accept"] == "a")
        #expect(headers.values("Accept") == ["a", "b"])
        #expect(headers["X-One"] == "1")
        #expect(headers["x-two"] == nil)
        #expect(headers.values("x-two").isEmpty)
    }

    @Test("set replaces every spelling of the name with one field at the end; an absent name is appended")
    func set() {
        var headers = HTTPHeaders([("Accept", "a"), ("x-one", "1"), ("ACCEPT", "b")])
        headers.set("accept", "c")
        #expect(headers.fields.map(\.name) == ["x-one", "accept"])
        #expect(headers.fields.map(\.value) == ["1", "c"])
        headers.set("X-Two", "2")
        #expect(headers.fields.map(\.name) == ["x-one", "accept", "X-Two"])
        headers.remove("X-ONE")
        #expect(headers.fields.map(\.name) == ["accept", "X-Two"])
    }

    @Test("set of several fields ends as set of each in turn: the same fields in the same order")
    func setSeveral() {
        let start = HTTPHeaders([("Content-Type", "a"), ("cache-control", "x"), ("Location", "l"), ("PRAGMA", "y")])
        let new = [("Cache-Control", "no-cache"), ("x-new", "1"), ("Pragma", "no-cache")]
        var oneByOne = start
        for (name, value) in new { oneByOne.set(name, value) }
        var together = start
        together.set(new.map { (name: $0.0, value: $0.1) })
        #expect(together == oneByOne)
        #expect(together.fields.map(\.name) == ["Content-Type", "Location", "Cache-Control", "x-new", "Pragma"])
    }

    @Test("query values are found ignoring the case of the name, decoded")
    func queryValue() {
        let request = HTTPRequest(method: .get, target: "/x?api-version=1&%24Expand=instanceView&a=%2F")
        #expect(request.queryValue("$expand") == "instanceView")
        #expect(request.queryValue("API-VERSION") == "1")
        #expect(request.queryValue("A") == "/")
        #expect(request.queryValue("b") == nil)
    }
}
