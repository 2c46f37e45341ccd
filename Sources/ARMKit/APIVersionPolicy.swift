/// Which api-versions a family of routes accepts (CONTRACT.md §2 "api-versions").
public struct APIVersionFamily: Sendable, Equatable {
    public let name: String
    /// Known versions, oldest first; empty means "any well-formed `YYYY-MM-DD[-preview]`".
    public let versions: [String]

    public init(name: String, versions: [String]) {
        self.name = name
        self.versions = versions
    }

    public var newest: String? { versions.last }

    /// Microsoft.Compute versions for VMs, collections and restore points.
    public static let compute = APIVersionFamily(
        name: "Microsoft.Compute",
        versions: [
            "2020-06-01", "2020-12-01", "2021-03-01", "2021-04-01", "2021-07-01", "2021-11-01", "2022-03-01",
            "2022-08-01", "2022-11-01", "2023-03-01", "2023-07-01", "2023-09-01", "2024-03-01", "2024-07-01",
            "2024-11-01", "2025-04-01", "2025-11-01", "2026-04-01",
        ])

    /// Microsoft.Compute (DiskRP) versions for disks and disk restore points.
    public static let disk = APIVersionFamily(
        name: "Microsoft.Compute (disks)",
        versions: [
            "2020-12-01", "2021-04-01", "2021-08-01", "2021-12-01", "2022-03-02", "2022-07-02", "2023-01-02",
            "2023-04-02", "2023-10-02", "2024-03-02", "2025-01-02", "2026-03-02",
        ])

    /// Microsoft.Resources and the identity plane: any well-formed version.
    public static let any = APIVersionFamily(name: "Microsoft.Resources", versions: [])

    /// Operation status URLs carry the version of the call that started them, CRP or DiskRP.
    public static let computeOrDisk = APIVersionFamily(
        name: "Microsoft.Compute (operations)",
        versions: Array(Set(compute.versions + disk.versions)).sorted())
}

/// The version a request is served with.
public struct ServedAPIVersion: Sendable, Equatable {
    /// What the client asked for.
    public let requested: String
    /// What the emulator serves: the same, or the newest known when the client asked for a newer one.
    public let served: String

    public init(requested: String, served: String) {
        self.requested = requested
        self.served = served
    }

    public var isSubstituted: Bool { requested != served }

    /// Compares the served version with a `YYYY-MM-DD` date, ignoring any `-preview` suffix.
    public func isAtLeast(_ version: String) -> Bool { served.prefix(10) >= version.prefix(10) }
}

/// Validates api-versions. Newer-than-known dates are served as the newest (so an SDK upgrade never breaks a
/// test suite) unless `strict` (CONTRACT.md §2, `--strict-api-versions`).
public struct APIVersionPolicy: Sendable {
    public var strict: Bool

    public init(strict: Bool = false) { self.strict = strict }

    public func resolve(_ version: String?, family: APIVersionFamily) throws(ARMError) -> ServedAPIVersion {
        guard let version, !version.isEmpty else { throw .missingAPIVersion }
        guard Self.isWellFormed(version) else {
            throw .invalidAPIVersion(version, supported: family.versions.reversed())
        }
        guard let newest = family.newest else { return ServedAPIVersion(requested: version, served: version) }
        if family.versions.contains(version) { return ServedAPIVersion(requested: version, served: version) }
        if !strict, version.prefix(10) > newest.prefix(10) {
            return ServedAPIVersion(requested: version, served: newest)
        }
        throw .invalidAPIVersion(version, supported: family.versions.reversed())
    }

    /// `YYYY-MM-DD` or `YYYY-MM-DD-preview` (any lower-case suffix word). On the UTF-8 in place: this runs for
    /// every request.
    static func isWellFormed(_ v: String) -> Bool {
        let check = { (b: UnsafeBufferPointer<UInt8>) -> Bool in
            guard b.count >= 10 else { return false }
            for i in 0..<10 {
                if i == 4 || i == 7 {
                    guard b[i] == UInt8(ascii: "-") else { return false }
                } else {
                    guard b[i] >= 48, b[i] <= 57 else { return false }
                }
            }
            let month = Int(b[5] - 48) * 10 + Int(b[6] - 48)
            let day = Int(b[8] - 48) * 10 + Int(b[9] - 48)
            guard (1...12).contains(month), (1...31).contains(day) else { return false }
            if b.count == 10 { return true }
            guard b[10] == UInt8(ascii: "-"), b.count > 11 else { return false }
            return b[11...].allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) }
        }
        return v.utf8.withContiguousStorageIfAvailable(check) ?? Array(v.utf8).withUnsafeBufferPointer(check)
    }
}
