/// ARM resource name rules (CONTRACT.md §2 "Names and ids").
public enum ResourceName {
    public static let maxLength = 80
    private static let forbidden: Set<Character> = ["<", ">", "%", "&", ":", "\\", "?", "/", "#", "*"]

    /// Throws `InvalidResourceName` unless `name` is 1–80 characters, has none of `<>%&:\?/#*` or control
    /// characters, and does not end with `.` or a space.
    public static func validate(_ name: String, type: String) throws(ARMError) {
        guard !name.isEmpty, name.count <= maxLength, !name.hasSuffix("."), !name.hasSuffix(" "),
            !name.contains(where: {
                forbidden.contains($0) || $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
            })
        else { throw .invalidResourceName(name, type: type) }
    }
}
