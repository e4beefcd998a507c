// swift-tools-version: 6.0
// A package outside VideoMock that tests its own client against VideoMock exactly as a user's
// package would: depending on it and importing only VideoMockTesting.
import PackageDescription

let package = Package(
    name: "ExternalPackage",
    dependencies: [.package(name: "VideoMock", path: "../..")],
    targets: [
        .testTarget(
            name: "ExternalPackageTests",
            dependencies: [.product(name: "VideoMockTesting", package: "VideoMock")]
        )
    ],
    swiftLanguageModes: [.v6]
)
