// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "VideoMock",
    products: [
        .executable(name: "videomock", targets: ["VideoMockCLI"]),
        .library(name: "VideoMock", targets: ["VideoMock"]),
        .library(name: "VideoMockTesting", targets: ["VideoMockTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibevent",
            pkgConfig: "libevent_pthreads",
            providers: [.apt(["libevent-dev"]), .brew(["libevent"])]
        ),
        // OpenSSL (through libevent's bufferevent_openssl) and zlib, for the upstream client.
        .target(
            name: "CUpstream",
            linkerSettings: [.linkedLibrary("event_openssl"), .linkedLibrary("ssl"), .linkedLibrary("crypto"), .linkedLibrary("z")]
        ),
        .target(name: "JSON"),
        .target(name: "Locking"),
        .target(name: "Media"),
        .target(name: "AdminContract", dependencies: ["JSON"]),
        .target(name: "HTTPServer", dependencies: ["CLibevent", "JSON", "Locking"]),
        .target(name: "Upstream", dependencies: ["CLibevent", "CUpstream", "HTTPServer"]),
        .target(name: "Recording", dependencies: ["AdminContract", "HTTPServer", "JSON", "Locking", "Media", "Upstream", "VideoMockCore"]),
        .target(
            name: "VideoMockCore", dependencies: ["AdminContract", "JSON", "Locking", "Media", .product(name: "Yams", package: "Yams")]),
        .target(name: "Providers", dependencies: ["VideoMockCore", "HTTPServer", "JSON"]),
        .target(name: "Admin", dependencies: ["AdminContract", "VideoMockCore", "HTTPServer", "JSON", "Locking"]),
        .target(
            name: "VideoMock",
            dependencies: ["AdminContract", "Providers", "Admin", "HTTPServer", "Recording", "Upstream", "VideoMockCore"]),
        .target(name: "VideoMockTesting", dependencies: ["AdminContract", "VideoMock", "HTTPServer"]),
        .executableTarget(
            name: "VideoMockCLI",
            dependencies: [
                "VideoMock", "VideoMockCore", "JSON", "Recording", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "MediaTests", dependencies: ["Media"]),
        .testTarget(name: "RecordingTests", dependencies: ["Recording", "JSON", "Upstream", "VideoMockCore"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(name: "VideoMockCoreTests", dependencies: ["VideoMockCore", "JSON"]),
        .testTarget(name: "ProvidersTests", dependencies: ["Providers", "VideoMockCore", "HTTPServer", "JSON"]),
        .testTarget(name: "AdminTests", dependencies: ["Admin", "VideoMockCore", "HTTPServer", "JSON"]),
        .testTarget(name: "VideoMockTestingTests", dependencies: ["VideoMockTesting"]),
        .testTarget(name: "VideoMockTests", dependencies: ["VideoMock", "HTTPServer", "JSON", "VideoMockCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["JSON", "VideoMockCLI", "VideoMock", "VideoMockCore", "VideoMockTesting"]),
    ],
    swiftLanguageModes: [.v6]
)
