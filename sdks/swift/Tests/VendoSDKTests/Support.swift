// Shared by the tests: the env of a Vendo-mode deployment and a check for the error a call throws.
import Foundation
import VendoSDK
import XCTest

let vendoMode = ["VENDO_MODE": "vendo", "VENDO_DEPLOYMENT_ID": "dep_1"]
let proxyURL = "https://openrouter-proxy.vendo.run/v1"

extension Dictionary where Key == String, Value == String {
    /// This env with `other`'s variables added or replaced.
    func with(_ other: [String: String]) -> [String: String] { merging(other) { $1 } }
}

/// Runs `body`, which must throw a ``VendoError`` with `code` whose description matches every
/// regular expression in `patterns`; returns the error for further checks.
@discardableResult
func assertThrowsVendoError<T>(
    _ code: VendoError.Code,
    _ patterns: String...,
    file: StaticString = #filePath,
    line: UInt = #line,
    _ body: () async throws -> T
) async -> VendoError? {
    do {
        let value = try await body()
        XCTFail("expected VendoError \(code.rawValue), got the value \(value)", file: file, line: line)
    } catch let error as VendoError {
        XCTAssertEqual(error.code, code, error.description, file: file, line: line)
        for pattern in patterns {
            XCTAssertNotNil(error.description.range(of: pattern, options: .regularExpression), "\"\(error.description)\" does not match /\(pattern)/", file: file, line: line)
        }
        return error
    } catch {
        XCTFail("expected VendoError \(code.rawValue), got \(error)", file: file, line: line)
    }
    return nil
}

/// The repository's root, from this file's place in it (sdks/swift/Tests/VendoSDKTests/).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
