// swift-tools-version:5.9
// VendoSDK: `try await Vendo().token("openrouter")` in Vendo mode and in OSS mode.
// Foundation only (FoundationNetworking on Linux), no dependencies. See README.md.
import PackageDescription

let package = Package(
    name: "VendoSDK",
    platforms: [.macOS(.v12), .iOS(.v15), .tvOS(.v15), .watchOS(.v8)],
    products: [
        .library(name: "VendoSDK", targets: ["VendoSDK"]),
    ],
    targets: [
        .target(name: "VendoSDK"),
        .testTarget(name: "VendoSDKTests", dependencies: ["VendoSDK"]),
    ]
)
