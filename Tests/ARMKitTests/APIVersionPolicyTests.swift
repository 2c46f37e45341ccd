import ARMKit
import Testing

/// CONTRACT.md §2 "api-versions", checked against the policy directly.
///
/// Suffixes as implemented: a version is `YYYY-MM-DD` or `YYYY-MM-DD-{word}` with a lower-case alphanumeric word
/// (`-preview`, `-beta1`). A suffixed version is accepted by a listed family only when listed (none are) or when its
/// date is newer than the newest listed (then served as the newest, like a plain date); Microsoft.Resources
/// takes any well-formed one as is. Upper-case suffixes (`-Preview`) are malformed.
@Suite("APIVersionPolicy")
struct APIVersionPolicyTests {
    static let policy = APIVersionPolicy()

    static func resolve(_ v: String?, _ family: APIVersionFamily, strict: Bool = false) throws(ARMError)
        -> ServedAPIVersion
    {
        try APIVersionPolicy(strict: strict).resolve(v, family: family)
    }

    @Test("the families list exactly the CONTRACT.md §2 versions, oldest first")
    func lists() {
        #expect(APIVersionFamily.compute.versions == Contract.computeVersions)
        #expect(APIVersionFamily.disk.versions == Contract.diskVersions)
        #expect(APIVersionFamily.computeOrDisk.versions == Contract.computeOrDiskVersions)
        #expect(APIVersionFamily.any.versions.isEmpty)
        #expect(APIVersionFamily.compute.newest == "2026-04-01")
        #expect(APIVersionFamily.disk.newest == "2026-03-02")
        #expect(APIVersionFamily.computeOrDisk.newest == "2026-04-01")
        #expect(APIVersionFamily.any.newest == nil)
    }

    @Test("operation status URLs accept each version once: no duplicates in the error's list")
    func computeOrDiskHasNoDuplicates() throws {
        let versions = APIVersionFamily.computeOrDisk.versions
        #expect(Set(versions).count == versions.count)
        let e = try #require(throws: ARMError.self) { try Self.resolve("2019-01-01", .computeOrDisk) }
        #expect(e.message.split(separator: ",").count == versions.count)
    }

    @Test("every CRP version is served as asked", arguments: Contract.computeVersions)
    func compute(version: String) throws {
        for family in [APIVersionFamily.compute, .computeOrDisk] {
            let served = try Self.resolve(version, family, strict: true)
            #expect(served == ServedAPIVersion(requested: version, served: version))
            #expect(!served.isSubstituted)
        }
    }

    @Test("every DiskRP version is served as asked", arguments: Contract.diskVersions)
    func disk(version: String) throws {
        for family in [APIVersionFamily.disk, .computeOrDisk] {
            let served = try Self.resolve(version, family, strict: true)
            #expect(served.requested == version)
            #expect(served.served == version)
        }
    }

    @Test(
        "versions observed on the wire for Microsoft.Resources and metadata (clients.md §0.4)",
        arguments: ["2022-12-01", "2022-09-01", "2019-05-01", "2021-04-01", "2018-02-01", "2019-08-01"])
    func resources(version: String) throws {
        let served = try Self.resolve(version, .any, strict: true)
        #expect(served.served == version)
        #expect(!served.isSubstituted)
    }

    @Test("missing or empty → MissingApiVersionParameter", arguments: [nil, ""] as [String?])
    func missing(version: String?) throws {
        let e = try #require(throws: ARMError.self) { try Self.resolve(version, .compute) }
        #expect(e == .missingAPIVersion)
        #expect(e.status == 400)
        #expect(e.code == "MissingApiVersionParameter")
        #expect(e.message == "The api-version query parameter (?api-version=) is required for all requests.")
    }

    @Test(
        "suffixes: a listed family takes a suffixed version only when newer than the newest",
        arguments: [
            ("2025-04-01-preview", nil), ("2026-04-01-preview", nil), ("2020-06-01-preview", nil),
            ("2026-04-02-preview", "2026-04-01"), ("2027-01-01-preview", "2026-04-01"),
            ("2027-01-01-beta1", "2026-04-01"),
        ] as [(String, String?)])
    func suffixedCompute(version: String, served: String?) throws {
        if let served {
            let v = try Self.resolve(version, .compute)
            #expect(v.requested == version)
            #expect(v.served == served)
            #expect(v.isSubstituted)
            #expect(throws: ARMError.self) { try Self.resolve(version, .compute, strict: true) }
        } else {
            let e = try #require(throws: ARMError.self) { try Self.resolve(version, .compute) }
            #expect(e.code == "InvalidApiVersionParameter")
        }
    }

    @Test(
        "on Microsoft.Resources: any real-looking date, with any lower-case alphanumeric suffix word",
        arguments: [
            ("2015-01-01-preview", true), ("2021-04-01-beta1", true), ("2021-04-01-Preview", false),
            ("2021-04-01-", false), ("2021-04-01--preview", false), ("2021-04-01-pre-view", false),
            ("2021-04-01_preview", false), ("2021-04-01preview", false), ("2021-04-01-prévu", false),
            ("2021-12-31", true), ("2021-13-01", false), ("2021-00-10", false), ("2021-04-32", false),
            ("2021-04-00", false), ("2021/04/01", false), ("2021-04-1", false), ("202-04-011", false),
            ("2021-0a-01", false),
        ])
    func suffixedAny(version: String, accepted: Bool) {
        if accepted {
            #expect(throws: Never.self) { try Self.resolve(version, .any) }
        } else {
            #expect(throws: ARMError.self) { try Self.resolve(version, .any) }
        }
    }

    @Test("a newer date on a listed family is substituted unless strict")
    func newer() throws {
        let v = try Self.resolve("2030-01-01", .disk)
        #expect(v == ServedAPIVersion(requested: "2030-01-01", served: "2026-03-02"))
        #expect(v.isSubstituted)
        let e = try #require(throws: ARMError.self) { try Self.resolve("2030-01-01", .disk, strict: true) }
        #expect(e.code == "InvalidApiVersionParameter")
        // Microsoft.Resources never substitutes.
        #expect(try Self.resolve("2030-01-01", .any, strict: true).served == "2030-01-01")
    }

    @Test("the error message lists the family's versions newest first, comma-separated")
    func message() throws {
        let e = try #require(throws: ARMError.self) { try Self.resolve("2021-01-01", .disk) }
        #expect(e.status == 400)
        #expect(
            e.message
                == "The api-version '2021-01-01' is invalid. The supported versions are '2026-03-02,2025-01-02,"
                + "2024-03-02,2023-10-02,2023-04-02,2023-01-02,2022-07-02,2022-03-02,2021-12-01,2021-08-01,"
                + "2021-04-01,2020-12-01'.")
    }

    @Test(
        "isAtLeast compares the served date and ignores a suffix",
        arguments: [
            ("2025-04-01", "2025-04-01", true), ("2025-04-01", "2025-04-02", false),
            ("2025-04-01", "2024-11-01", true), ("2025-04-01-preview", "2025-04-01", true),
            ("2025-03-31-preview", "2025-04-01", false), ("2024-11-01", "2025-04-01", false),
            ("2026-04-01", "2025-04-01", true), ("2025-11-01", "2025-04-01-preview", true),
        ])
    func isAtLeast(served: String, version: String, expected: Bool) {
        #expect(ServedAPIVersion(requested: served, served: served).isAtLeast(version) == expected)
    }

    @Test("isAtLeast uses the served version, not the requested one")
    func isAtLeastServed() throws {
        let v = try Self.resolve("2030-01-01", .compute)
        #expect(v.isAtLeast("2026-04-01"))
        #expect(!v.isAtLeast("2026-04-02"))
        let old = try Self.resolve("2024-11-01", .compute)
        #expect(!old.isAtLeast("2025-04-01"))
    }
}
