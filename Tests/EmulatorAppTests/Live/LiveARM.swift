/// ARM paths and request bodies the live suites send over the wire (CONTRACT.md §2, §4).
enum LiveARM {
    static let subscription = "00000000-0000-0000-0000-000000000001"
    static let resourcesVersion = "2024-11-01"
    static let computeVersion = "2025-04-01"

    static func rg(_ name: String) -> String { "/subscriptions/\(subscription)/resourceGroups/\(name)" }
    static func cp(_ group: String) -> String { rg(group) + "/providers/Microsoft.Compute" }
    static func vm(_ group: String, _ name: String) -> String { cp(group) + "/virtualMachines/\(name)" }
    static func rpc(_ group: String, _ name: String) -> String { cp(group) + "/restorePointCollections/\(name)" }

    /// `path` with the api-version of its family appended.
    static func target(_ path: String, api: String? = nil) -> String {
        let version = api ?? (path.contains("/providers/Microsoft.Compute") ? computeVersion : resourcesVersion)
        return path + (path.contains("?") ? "&" : "?") + "api-version=\(version)"
    }

    static func rgBody(location: String = "eastus") -> String {
        #"{"location":"\#(location)","tags":{"suite":"live"}}"#
    }

    /// A Linux VM with a Premium SSD OS disk and one PremiumV2 data disk.
    static func vmBody(_ name: String, location: String = "eastus") -> String {
        #"""
        {"location":"\#(location)","properties":{"hardwareProfile":{"vmSize":"Standard_D2s_v3"},\#
        "storageProfile":{"imageReference":{"publisher":"Canonical","offer":"ubuntu-24_04-lts","sku":"server",\#
        "version":"latest"},"osDisk":{"createOption":"FromImage","managedDisk":{"storageAccountType":"Premium_LRS"}},\#
        "dataDisks":[{"lun":0,"createOption":"Empty","diskSizeGB":32,\#
        "managedDisk":{"storageAccountType":"PremiumV2_LRS"}}]},\#
        "osProfile":{"computerName":"\#(name)","adminUsername":"azureuser","adminPassword":"secret-Pa55!"}}}
        """#
    }

    static func rpcBody(source vmID: String, location: String = "eastus") -> String {
        #"{"location":"\#(location)","properties":{"source":{"id":"\#(vmID)"},"instantAccess":true}}"#
    }

    /// The path and query of an absolute URL, and its `scheme://authority` prefix.
    static func split(_ url: String) -> (base: String, target: String)? {
        guard let scheme = url.firstRange(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        return (String(url[..<slash]), String(rest[slash...]))
    }
}
