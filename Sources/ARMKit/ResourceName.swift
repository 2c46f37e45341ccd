/// ARM resource name rules (CONTRACT.md §2 "Names and ids").
public enum ResourceName {
    public static let maxLength = 80
    private static let forbidden: Set<Unicode.Scalar> = ["<", ">", "%", "&", ":", "\\", "?", "/", "#", "*"]

    /// Throws `InvalidResourceName` unless `name` is 1–80 characters, has none of `<>%&:\?/#*` or control
    /// characters, and does not end with `.` or a space.
    ///
    /// Checked per Unicode scalar, not per `Character`: `/` followed by a combining mark is one grapheme that
    /// differs from `/`, yet still a `/` on the wire. Control characters are .NET's `char.IsControl`
    /// (U+0000–U+001F, U+007F–U+009F).
    public static func validate(_ name: String, type: String) throws(ARMError) {
        guard !name.isEmpty, name.count <= maxLength, !name.hasSuffix("."), !name.hasSuffix(" "),
            !name.unicodeScalars.contains(where: {
                forbidden.contains($0) || $0.value < 0x20 || (0x7F...0x9F).contains($0.value)
            })
        else { throw .invalidResourceName(name, type: type) }
    }
}
