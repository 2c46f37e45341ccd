import EmuCore
import EmuHTTP
import Testing

@testable import EmulatorApp

/// A group, a Linux VM with a 127 GiB Premium SSD OS disk and a 32 GiB PV2 data disk, an IA collection and a
/// restore point with 120 minutes of instant access, on a frozen clock. Creation ends 15 s in; the PV2 copy takes
/// 1310.72 s (32 GiB at 25 MiB/s); instant access ends 120 min in.
struct DiskRestorePointFixture {
    let e: TestEmulator
    static let diskRP = "2026-03-02"

    init(dataDirectory: String? = nil) throws {
        e = try TestEmulator {
            $0.clockFrozen = true
            if let dataDirectory {
                $0.inMemory = false
                $0.dataDirectory = dataDirectory
            }
        }
        e.makeResourceGroup()
        e.makeVM()
        e.makeCollection()
        e.call(.put, rp, body: ["properties": ["instantAccessDurationMinutes": 120]])
    }

    /// Reopens an emulator on an existing data directory.
    init(reopening dataDirectory: String) throws {
        e = try TestEmulator {
            $0.clockFrozen = true
            $0.inMemory = false
            $0.dataDirectory = dataDirectory
        }
    }

    var rp: String { e.cp("rg1") + "/restorePointCollections/rpc1/restorePoints/rp1" }

    /// The DRP names, known from the internal view even while the restore point is `Creating`.
    func drpName(_ prefix: String) -> String {
        let view = e.call(.get, "/_emulator/resources" + rp, api: nil).json
        let names = view["restorePoint"]?["diskRestorePoints"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        return names?.first { $0.hasPrefix(prefix) } ?? "missing-\(prefix)"
    }

    var pv2: String { rp + "/diskRestorePoints/" + drpName("vm1_DataDisk_0_") }
    var premium: String { rp + "/diskRestorePoints/" + drpName("vm1_OsDisk_1_") }

    func advance(_ seconds: Double) {
        e.call(.post, "/_emulator/clock", api: nil, body: ["advanceSeconds": .double(seconds)])
    }

    @discardableResult
    func grant(_ drp: String, access: JSON = "Read", duration: JSON = 3600) -> Reply {
        e.call(
            .post, drp + "/beginGetAccess", api: Self.diskRP,
            body: ["access": access, "durationInSeconds": duration])
    }

    @discardableResult
    func revoke(_ drp: String) -> Reply { e.call(.post, drp + "/endGetAccess", api: Self.diskRP) }

    /// Grants, lets the operation finish and returns the SAS from the monitor URL.
    func sas(_ drp: String, duration: JSON = 3600) -> String {
        let r = grant(drp, duration: duration)
        advance(2)
        return e.follow(r.headers["Location"]).json["accessSAS"]?.stringValue ?? "no SAS: \(r.text)"
    }

    /// A GET or HEAD on a SAS URL, without auth.
    func fetch(_ url: String, _ method: HTTPMethod = .get, headers: [(String, String)] = []) -> Reply {
        guard let scheme = url.firstRange(of: "://"), let slash = url[scheme.upperBound...].firstIndex(of: "/") else {
            return Reply(status: 0, headers: HTTPHeaders(), body: [])
        }
        return e.call(method, String(url[slash...]), api: nil, headers: headers, auth: false)
    }
}

@Suite("Grant and revoke access to disk restore points")
struct AccessTests {
    static let total: Int64 = 32 * 1_073_741_824

    @Test func grantIsGatedByTheSnapshotAccessState() throws {
        let f = try DiskRestorePointFixture()
        let pending = f.grant(f.pv2)
        #expect(pending.status == 409)
        #expect(pending.errorCode == "OperationNotAllowed")
        let message = pending.json["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("'\(f.drpName("vm1_DataDisk_0_"))' is Pending"))
        #expect(message.contains("allows no restore, access or copy yet"))
        f.advance(15)
        let ia = f.grant(f.pv2)
        #expect(ia.status == 409)
        #expect(
            ia.json["error"]?["message"]?.stringValue?.contains("is InstantAccess, which allows fast restore only")
                == true)
        // The Premium SSD disk is Available as soon as the restore point is.
        #expect(f.grant(f.premium).status == 202)
        f.advance(1300)
        #expect(f.grant(f.pv2).status == 409)
        f.advance(11)
        let awia = f.grant(f.pv2)
        #expect(awia.status == 202)
        #expect(
            f.e.call(.get, f.pv2, api: DiskRestorePointFixture.diskRP).json["properties"]?["snapshotAccessState"]
                == "AvailableWithInstantAccess")
        f.advance(7200)
        #expect(
            f.e.call(.get, f.pv2, api: DiskRestorePointFixture.diskRP).json["properties"]?["snapshotAccessState"]
                == "Available")
        #expect(f.grant(f.pv2).status == 202)
    }

    @Test func badGrantRequests() throws {
        let f = try DiskRestorePointFixture()
        f.advance(15)
        let write = f.grant(f.premium, access: "Write")
        #expect(write.status == 400)
        #expect(write.errorCode == "InvalidParameter")
        #expect(write.json["error"]?["target"]?.stringValue == "access")
        #expect(
            f.e.call(
                .post, f.premium + "/beginGetAccess", api: DiskRestorePointFixture.diskRP,
                body: ["durationInSeconds": 60]
            ).json["error"]?["target"] == "access")
        for duration: JSON in [0, -5, "soon", .null, 3_000_000_000] {
            let r = f.grant(f.premium, duration: duration)
            #expect(r.status == 400, "\(duration)")
            #expect(
                r.json["error"]?["target"]?.stringValue == "durationInSeconds"
                    || r.errorCode == "InvalidRequestContent", "\(duration)")
        }
        #expect(f.e.call(.post, f.premium + "/beginGetAccess", api: DiskRestorePointFixture.diskRP).status == 400)
        #expect(f.grant(f.rp + "/diskRestorePoints/nope").errorCode == "ResourceNotFound")
        #expect(f.revoke(f.rp + "/diskRestorePoints/nope").errorCode == "ResourceNotFound")
        // DiskRP api-versions only.
        let crp = f.e.call(
            .post, f.premium + "/beginGetAccess", api: "2025-04-01", body: ["access": "Read", "durationInSeconds": 60])
        #expect(crp.errorCode == "InvalidApiVersionParameter")
    }

    /// The SDK's sequence (reference/clients.md §1.3): POST 202 → status polls → monitor 200 with `accessSAS`.
    @Test func sdkFlowThenRangedDownloads() throws {
        let f = try DiskRestorePointFixture()
        f.advance(15 + 1311)
        let post = f.grant(f.pv2)
        #expect(post.status == 202)
        #expect(post.body.isEmpty)
        #expect(post.headers["Retry-After"] == "1")
        let status = try #require(post.headers["Azure-AsyncOperation"])
        let monitor = try #require(post.headers["Location"])
        #expect(monitor == status + "&monitor=true")
        #expect(f.e.follow(status).json["status"] == "InProgress")
        #expect(f.e.follow(monitor).status == 202)
        f.advance(2)
        #expect(f.e.follow(status).json["status"] == "Succeeded")
        let done = f.e.follow(monitor)
        #expect(done.status == 200)
        let sas = try #require(done.json["accessSAS"]?.stringValue)
        let name = f.drpName("vm1_DataDisk_0_")
        #expect(sas.hasPrefix("https://127.0.0.1:8443/_emulator/sas/"))
        #expect(sas.contains("/\(name).vhd?sv=2018-03-28&sr=b&sp=r&se="))
        #expect(sas.contains("&sig="))

        let first = f.fetch(sas, headers: [("Range", "bytes=0-511")])
        #expect(first.status == 206)
        #expect(first.headers["Content-Range"] == "bytes 0-511/\(Self.total)")
        #expect(first.headers["Content-Length"] == "512")
        #expect(first.headers["Content-Type"] == "application/octet-stream")
        #expect(first.headers["Accept-Ranges"] == "bytes")
        #expect(first.body.count == 512 && first.body.allSatisfy { $0 == 0 })

        let tail = f.fetch(sas, headers: [("Range", "bytes=-1024")])
        #expect(tail.status == 206)
        #expect(tail.headers["Content-Range"] == "bytes \(Self.total - 1024)-\(Self.total - 1)/\(Self.total)")
        #expect(tail.body.count == 1024)

        let clipped = f.fetch(sas, headers: [("Range", "bytes=\(Self.total - 10)-\(Self.total + 100)")])
        #expect(clipped.headers["Content-Range"] == "bytes \(Self.total - 10)-\(Self.total - 1)/\(Self.total)")
        #expect(clipped.body.count == 10)

        // x-ms-range wins over Range, as in Azure Storage.
        let ms = f.fetch(sas, headers: [("Range", "bytes=0-9"), ("x-ms-range", "bytes=100-199")])
        #expect(ms.headers["Content-Range"] == "bytes 100-199/\(Self.total)")

        let head = f.fetch(sas, .head)
        #expect(head.status == 200)
        #expect(head.headers["Content-Length"] == "\(Self.total)")
        #expect(head.body.isEmpty)

        let whole = f.fetch(sas)
        #expect(whole.status == 400)
        #expect(whole.headers["x-ms-error-code"] == "RangeRequired")
        #expect(whole.text.contains("<Code>RangeRequired</Code>"))

        let big = f.fetch(sas, headers: [("Range", "bytes=0-\(SASBlobServer.maxResponseBytes)")])
        #expect(big.headers["x-ms-error-code"] == "RangeTooLarge")

        let beyond = f.fetch(sas, headers: [("Range", "bytes=\(Self.total)-")])
        #expect(beyond.status == 416)
        #expect(beyond.headers["Content-Range"] == "bytes */\(Self.total)")

        #expect(f.fetch(sas.replacingName(name, with: "other")).status == 404)
        let unknown = f.fetch("https://127.0.0.1:8443/_emulator/sas/0123456789abcdef/\(name).vhd?sig=x")
        #expect(unknown.status == 403)
        #expect(unknown.headers["x-ms-error-code"] == "AuthenticationFailed")
    }

    @Test func theSASExpiresOnTheEmulatedClock() throws {
        let f = try DiskRestorePointFixture()
        f.advance(15)
        let sas = f.sas(f.premium, duration: 600)
        #expect(sas.contains("&se="))
        f.advance(597)
        #expect(f.fetch(sas, headers: [("Range", "bytes=0-0")]).status == 206)
        #expect(f.e.call(.delete, f.rp).errorCode == "DiskRestorePointUsedByCustomer")
        f.advance(1)
        let expired = f.fetch(sas, headers: [("Range", "bytes=0-0")])
        #expect(expired.status == 403)
        #expect(expired.headers["Content-Type"] == "application/xml")
        #expect(expired.text.contains("Signature not valid in the specified time frame"))
        #expect(f.fetch(sas, .head).status == 403)
        // An expired SAS no longer holds the restore point.
        #expect(f.e.call(.delete, f.rp).status == 202)
    }

    @Test func revokeStopsTheSASAndUnblocksDelete() throws {
        let f = try DiskRestorePointFixture()
        f.advance(15)
        let sas = f.sas(f.premium)
        #expect(f.fetch(sas, .head).status == 200)
        let refused = f.e.call(.delete, f.rp)
        #expect(refused.status == 409)
        #expect(refused.errorCode == "DiskRestorePointUsedByCustomer")
        #expect(
            refused.json["error"]?["message"]?.stringValue
                == "There is an active shared access signature outstanding for disk restore point. Call EndGetAccess before deleting the restore point."
        )
        #expect(f.e.call(.get, f.rp).json["properties"]?["provisioningState"] == "Succeeded")

        let revoke = f.revoke(f.premium)
        #expect(revoke.status == 202)
        #expect(revoke.headers["Azure-AsyncOperation"] != nil)
        let forbidden = f.fetch(sas, headers: [("Range", "bytes=0-0")])
        #expect(forbidden.status == 403)
        #expect(forbidden.text.contains("revoked"))
        #expect(f.e.follow(revoke.headers["Location"]).status == 202)
        f.advance(2)
        let done = f.e.follow(revoke.headers["Location"])
        #expect(done.status == 200)
        #expect(done.body.isEmpty)
        // Revoking without a grant is fine too.
        #expect(f.revoke(f.pv2).status == 202)
        #expect(f.e.call(.delete, f.rp).status == 202)
        #expect(f.revoke(f.premium).errorCode == "ResourceNotFound")
    }

    @Test func aNewGrantReplacesTheOldToken() throws {
        let f = try DiskRestorePointFixture()
        f.advance(15)
        let old = f.sas(f.premium)
        let new = f.sas(f.premium)
        #expect(old != new)
        #expect(f.fetch(old, .head).status == 403)
        #expect(f.fetch(new, .head).status == 200)
    }

    @Test func deletingTheCollectionTakesTheGrantAlong() throws {
        let f = try DiskRestorePointFixture()
        f.advance(15)
        let sas = f.sas(f.premium)
        let grantID = f.premium + "/accessGrants/current"
        #expect(f.e.call(.get, "/_emulator/resources" + grantID, api: nil).status == 200)
        #expect(f.e.call(.delete, f.e.cp("rg1") + "/restorePointCollections/rpc1").status == 202)
        #expect(f.e.call(.get, "/_emulator/resources" + grantID, api: nil).status == 404)
        #expect(f.fetch(sas, .head).status == 403)
    }

    @Test func grantsSurviveARestart() throws {
        let dir = "/tmp/rpemu-access-\(GUID.make())"
        defer { _ = try? removeTree(dir) }
        var f = try DiskRestorePointFixture(dataDirectory: dir)
        f.advance(15)
        let sas = f.sas(f.premium)
        f.e.emulator.stop()
        f = try DiskRestorePointFixture(reopening: dir)
        #expect(f.fetch(sas, headers: [("Range", "bytes=0-99")]).status == 206)
        #expect(f.e.call(.delete, f.rp).errorCode == "DiskRestorePointUsedByCustomer")
        f.e.emulator.stop()
    }

    // MARK: Range planning, pure

    @Test func rangePlans() {
        typealias P = SASBlobServer.Plan
        let plan = { (h: String?) in SASBlobServer.plan(range: h, total: 1000, cap: 100) }
        #expect(SASBlobServer.plan(range: nil, total: 100, cap: 100) == P.whole)
        #expect(plan(nil) == P.rangeRequired)
        #expect(plan("bytes=0-99") == P.partial(start: 0, end: 99))
        #expect(plan("bytes=0-100") == P.rangeTooLarge(length: 101))
        #expect(plan("bytes=950-") == P.partial(start: 950, end: 999))
        #expect(plan("bytes=-10") == P.partial(start: 990, end: 999))
        #expect(plan("bytes=990-5000") == P.partial(start: 990, end: 999))
        #expect(plan("bytes=1000-1001") == P.unsatisfiable)
        #expect(plan("bytes=-0") == P.unsatisfiable)
        // Not one byte range: ignored (RFC 9110 §14.2), so the whole blob, which is too large here.
        for ignored in ["bytes=5-2", "bytes=0-1,5-6", "items=0-1", "bytes=a-b", "bytes=-"] {
            #expect(plan(ignored) == P.rangeRequired, "\(ignored)")
            #expect(SASBlobServer.plan(range: ignored, total: 10, cap: 100) == P.whole, "\(ignored)")
        }
    }
}

extension String {
    fileprivate func replacingName(_ name: String, with other: String) -> String {
        guard let r = firstRange(of: "/\(name).vhd") else { return self }
        var out = self
        out.replaceSubrange(r, with: "/\(other).vhd")
        return out
    }
}
