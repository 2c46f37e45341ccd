import RestorePointEngine
import Testing

/// VM sizes instant access restore points do not support (CONTRACT.md §7 rule 2): Intel v6+ and AMD v7+.
@Suite struct VMSizeTests {
    @Test(arguments: [
        ("Standard_D2s_v6", true),
        ("Standard_E4ds_v6", true),
        ("Standard_D2as_v7", true),
        ("Standard_F4alds_v7", true),
        ("Standard_D2as_v6", false),
        ("Standard_D2als_v6", false),
        ("Standard_D2s_v5", false),
        ("Standard_E4-2ds_v6", true),
        ("Standard_E4-2as_v6", false),
        ("Standard_M416ms_v2", false),
        ("Standard_D8ds_v7", true),
        ("Standard_D16ads_v8", true),
        ("Standard_NC24ads_A100_v4", false),
        ("Standard_DS2_v2", false),
        ("standard_d2s_v6", true),
        ("STANDARD_D2AS_V7", true),
        ("D2s_v6", true),
        ("Basic_A1", false),
        ("Standard_A1", false),
        ("Standard_M128", false),
        ("Standard_DS1", false),
        ("Standard_D2s_vNext", false),
        ("", false),
    ])
    func instantAccessSupportBySize(size: String, unsupported: Bool) {
        #expect(VMSize.isUnsupportedForInstantAccess(size) == unsupported)
    }
}
