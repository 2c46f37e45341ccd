#if canImport(Glibc)
import Glibc
#endif

/// A whole file's bytes, or nil.
func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        if n == 0 { return out }
        out.append(contentsOf: chunk[0..<n])
    }
}

/// `rm -rf` for a test's temporary directory.
func removeTree(_ path: String) throws {
    guard path.hasPrefix("/tmp/") else { return }
    _ = system("rm -rf '\(path)'")
}
