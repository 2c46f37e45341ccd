/// Random version-4 GUIDs in Azure's lower-case 8-4-4-4-12 form (`2dc52b0f-8428-4af3-a50a-705867e55c4e`).
public enum GUID {
    public static func make() -> String {
        var g = SystemRandomNumberGenerator()
        return make(using: &g)
    }

    /// A GUID from a given generator (tests and seeded fixtures pass a deterministic one).
    public static func make(using g: inout some RandomNumberGenerator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { b in String(b, radix: 16).count == 1 ? "0" + String(b, radix: 16) : String(b, radix: 16) }
        return hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-"
            + hex[8..<10].joined() + "-" + hex[10..<16].joined()
    }

    /// 32 hex digits without dashes (the suffix of `{vm}_OsDisk_1_{32 hex}`, CONTRACT.md §4.1).
    public static func makeHex32() -> String { String(make().filter { $0 != "-" }) }
}
