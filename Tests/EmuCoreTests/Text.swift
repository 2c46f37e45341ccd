import Testing

/// A string test argument that names itself escaped (`"a\u{0}b"`), so control characters in arguments never
/// reach the test log raw.
struct Text: Sendable, ExpressibleByStringLiteral, CustomTestStringConvertible {
    let string: String

    init(_ string: String) { self.string = string }
    init(stringLiteral value: String) { string = value }

    var testDescription: String { string.debugDescription }
}
