// swift-tools-version: 6.1
import PackageDescription

// No package dependencies by design (docs/architecture.md): the toolchain, libsqlite3 and OpenSSL only.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "rpemu",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rpemu", targets: ["rpemu"])
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL",
            providers: [.apt(["libssl-dev"])]),
        // epoll(7), eventfd(2), accept4(2), malloc_trim(3): libc only, nothing to link.
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .target(name: "EmuCore", swiftSettings: strict),
        .target(name: "EmuHTTP", dependencies: ["CLinux", "COpenSSL", "EmuCore"], swiftSettings: strict),
        .target(name: "ARMKit", dependencies: ["EmuHTTP", "EmuCore"], swiftSettings: strict),
        .target(name: "RestorePointEngine", dependencies: ["EmuCore"], swiftSettings: strict),
        .target(
            name: "EmulatorStore", dependencies: ["CSQLite", "EmuCore", "RestorePointEngine"],
            swiftSettings: strict),
        .target(
            name: "EmulatorApp",
            dependencies: [
                "EmuHTTP", "ARMKit", "EmuCore", "RestorePointEngine", "EmulatorStore", "COpenSSL", "CLinux",
            ],
            swiftSettings: strict),
        .executableTarget(name: "rpemu", dependencies: ["EmulatorApp"], swiftSettings: strict),
        .testTarget(name: "EmuCoreTests", dependencies: ["EmuCore"], swiftSettings: strict),
        .testTarget(name: "EmuHTTPTests", dependencies: ["EmuHTTP", "COpenSSL"], swiftSettings: strict),
        .testTarget(name: "ARMKitTests", dependencies: ["ARMKit", "EmuHTTP", "EmuCore"], swiftSettings: strict),
        .testTarget(
            name: "RestorePointEngineTests", dependencies: ["RestorePointEngine", "EmuCore"],
            swiftSettings: strict),
        .testTarget(
            name: "EmulatorStoreTests", dependencies: ["EmulatorStore", "RestorePointEngine", "EmuCore"],
            swiftSettings: strict),
        .testTarget(
            name: "EmulatorAppTests",
            dependencies: ["EmulatorApp", "EmuHTTP", "ARMKit", "EmuCore", "EmulatorStore", "RestorePointEngine"],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
