import ARMKit
import Testing

/// CONTRACT.md §2: 1–80 characters, none of `<>%&:\?/#*` or control characters, not ending in `.` or space.
@Suite("ResourceName")
struct ResourceNameTests {
    static func rejects(_ name: String) -> Bool {
        do {
            try ResourceName.validate(name, type: "Microsoft.Compute/restorePointCollections")
            return false
        } catch {
            return error.code == "InvalidResourceName" && error.status == 400
        }
    }

    @Test(
        "valid names pass",
        arguments: [
            "a", "rpc1", "My-RPC_01", "rp.1", ".leading", " leading", "with space", "a(b)[c]{d}", "päckchen",
            "名前", "emoji🚀", "a+b=c", "a,b;c", "a@b!c~d$e'f", String(repeating: "x", count: 80),
            String(repeating: "é", count: 80),
        ])
    func valid(name: String) {
        #expect(!Self.rejects(name))
    }

    @Test("each forbidden character is refused anywhere in the name", arguments: Array("<>%&:\\?/#*"))
    func forbidden(character: Character) {
        #expect(Self.rejects("\(character)"))
        #expect(Self.rejects("a\(character)"))
        #expect(Self.rejects("\(character)a"))
        #expect(Self.rejects("ab\(character)cd"))
    }

    @Test(
        "control characters are refused (C0, DEL and C1)",
        arguments: [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9F] as [UInt32])
    func control(scalar: UInt32) throws {
        let c = Character(try #require(Unicode.Scalar(scalar)))
        #expect(Self.rejects("ab\(c)cd"))
        #expect(Self.rejects("\(c)"))
    }

    @Test("printable neighbours of the control ranges pass", arguments: [0x20, 0x7E, 0xA0, 0xA1] as [UInt32])
    func notControl(scalar: UInt32) throws {
        let c = Character(try #require(Unicode.Scalar(scalar)))
        #expect(!Self.rejects("ab\(c)cd"))
    }

    @Test(
        "a forbidden character hidden in a grapheme with a combining mark is still refused",
        arguments: ["a/\u{301}b", "a%\u{308}", "#\u{20DD}", "a\u{0}\u{301}"])
    func combining(name: String) {
        #expect(Self.rejects(name))
    }

    @Test(
        "a trailing dot or space is refused", arguments: ["a.", "a ", "rpc1.", "rpc1 ", ".", " ", "a. ", "a .", "a.."])
    func trailing(name: String) {
        #expect(Self.rejects(name))
    }

    @Test("empty is refused")
    func empty() {
        #expect(Self.rejects(""))
    }

    @Test("80 characters pass, 81 are refused")
    func length() {
        #expect(ResourceName.maxLength == 80)
        #expect(!Self.rejects(String(repeating: "a", count: 80)))
        #expect(Self.rejects(String(repeating: "a", count: 81)))
        #expect(Self.rejects(String(repeating: "a", count: 200)))
    }

    @Test("the error names the name and the type")
    func message() throws {
        let e = try #require(throws: ARMError.self) {
            try ResourceName.validate("a/b", type: "Microsoft.Compute/restorePointCollections")
        }
        #expect(e.status == 400)
        #expect(e.code == "InvalidResourceName")
        #expect(
            e.message
                == "The resource name 'a/b' is invalid for type 'Microsoft.Compute/restorePointCollections'. "
                + "It must be 1 to 80 characters, must not contain any of <>%&:\\?/#* or control characters, "
                + "and must not end with '.' or a space.")
    }
}
