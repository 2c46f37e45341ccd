import EmuCore
import Testing

/// A generator with a fixed sequence (SplitMix64), so tests can name the GUIDs they expect.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A generator that returns the same word forever: every random byte has the same value.
private struct ConstantGenerator: RandomNumberGenerator {
    let word: UInt64
    mutating func next() -> UInt64 { word }
}

private let lowerHex = Set("0123456789abcdef")

/// Azure's lower-case 8-4-4-4-12 version-4 GUIDs.
@Suite struct GUIDTests {
    /// Checks the shape, the version nibble and the RFC 9562 variant bits.
    private func expectVersion4(_ guid: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let groups = guid.split(separator: "-", omittingEmptySubsequences: false)
        #expect(groups.map(\.count) == [8, 4, 4, 4, 12], "\(guid)", sourceLocation: sourceLocation)
        #expect(guid.count == 36, sourceLocation: sourceLocation)
        #expect(guid.allSatisfy { $0 == "-" || lowerHex.contains($0) }, "\(guid)", sourceLocation: sourceLocation)
        guard groups.count == 5 else { return }
        #expect(groups[2].first == "4", "version nibble of \(guid)", sourceLocation: sourceLocation)
        #expect(
            groups[3].first.map { "89ab".contains($0) } == true, "variant bits of \(guid)",
            sourceLocation: sourceLocation)
    }

    @Test func randomGUIDsAreVersion4AndDistinct() {
        var seen = Set<String>()
        for _ in 0..<500 {
            let guid = GUID.make()
            expectVersion4(guid)
            seen.insert(guid)
        }
        #expect(seen.count == 500)
    }

    @Test func seededGeneratorIsDeterministic() {
        var a = SeededGenerator(state: 42)
        var b = SeededGenerator(state: 42)
        var c = SeededGenerator(state: 43)
        let first = GUID.make(using: &a)
        #expect(first == GUID.make(using: &b))
        #expect(first != GUID.make(using: &c))
        #expect(GUID.make(using: &a) != first)
        expectVersion4(first)
    }

    @Test(arguments: [UInt64.min, UInt64.max, 0x0F0F_0F0F_0F0F_0F0F, 0xF0F0_F0F0_F0F0_F0F0, 0x0102_0304_0506_0708])
    func versionAndVariantBitsAreForcedWhateverTheBytes(word: UInt64) {
        var g = ConstantGenerator(word: word)
        let guid = GUID.make(using: &g)
        expectVersion4(guid)
    }

    @Test func extremeBytesKeepLeadingZerosAndMaskedBits() {
        var zeros = ConstantGenerator(word: 0)
        #expect(GUID.make(using: &zeros) == "00000000-0000-4000-8000-000000000000")
        var ones = ConstantGenerator(word: .max)
        #expect(GUID.make(using: &ones) == "ffffffff-ffff-4fff-bfff-ffffffffffff")
    }

    @Test func hex32IsThirtyTwoLowerCaseHexDigits() {
        var seen = Set<String>()
        for _ in 0..<200 {
            let hex = GUID.makeHex32()
            #expect(hex.count == 32)
            #expect(hex.allSatisfy { lowerHex.contains($0) }, "\(hex)")
            #expect(Array(hex)[12] == "4")
            seen.insert(hex)
        }
        #expect(seen.count == 200)
    }
}

@Suite struct RequestIDTests {
    @Test func idsAreVersion7AndInCreationOrder() {
        var previous = ""
        let before = Timestamp.wallClock().ticks / 10_000
        for _ in 0..<5_000 {
            let id = GUID.makeID()
            let groups = id.split(separator: "-", omittingEmptySubsequences: false)
            #expect(groups.map(\.count) == [8, 4, 4, 4, 12], "\(id)")
            #expect(groups[2].first == "7" && groups[3].first.map { "89ab".contains($0) } == true, "\(id)")
            // Byte order is creation order: the operations table appends.
            #expect(id > previous, "\(id) after \(previous)")
            previous = id
        }
        // The first 48 bits are the Unix time in milliseconds (RFC 9562 §5.7).
        let millisecond = Int64(previous.filter { $0 != "-" }.prefix(12), radix: 16) ?? 0
        #expect(millisecond >= before && millisecond <= Timestamp.wallClock().ticks / 10_000 + 5_000 / 4_096 + 1)
    }

    @Test func xoshiroMatchesTheReferenceImplementation() {
        // xoshiro256starstar.c from the state {1, 2, 3, 4}.
        var g = Xoshiro256(state: (1, 2, 3, 4))
        #expect([g.next(), g.next(), g.next()] == [11_520, 0, 1_509_978_240])
    }
}
