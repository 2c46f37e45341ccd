import Testing

@testable import EmuHTTP

/// Splitting and decoding request targets (RFC 3986 §3.3–§3.5).
@Suite struct URLComponentsParserTests {
    @Test func aFragmentIsDroppedAndAQuestionMarkInsideItIsNotAQuery() {
        let (path, query) = URLComponentsParser.split("/p/q?x=1#frag?y")
        #expect(path == "/p/q")
        #expect(query == "x=1")
        let (bare, none) = URLComponentsParser.split("/p#f?x")
        #expect(bare == "/p")
        #expect(none.isEmpty)
    }

    @Test func segmentsDropEmptiesAndKeepMalformedEscapesAsSent() {
        #expect(URLComponentsParser.segments("//a//b%zz/%41/") == ["a", "b%zz", "A"])
        #expect(URLComponentsParser.segments("/").isEmpty)
    }

    @Test func queryItemsKeepOrderAndEmptyValues() {
        let items = URLComponentsParser.queryItems("x=1&&y&z=a%3Db&=v&%zz=2")
        #expect(items.map(\.name) == ["x", "y", "z", "", "%zz"])
        #expect(items.map(\.value) == ["1", "", "a=b", "v", "2"])
    }

    @Test func nonASCIITextSurvivesWhole() {
        #expect(URLComponentsParser.segments("/café/€") == ["café", "€"])
        #expect(URLComponentsParser.queryItems("n=é").first?.value == "é")
    }
}
