// Which mode: VENDO_MODE, else a deployment id (env or code) means Vendo mode (docs/two-modes.md).
import Foundation
import VendoSDK
import XCTest

final class ModeTests: XCTestCase {
    private func mode(_ environment: [String: String], deploymentId: String? = nil) throws -> Mode {
        try Vendo(environment: environment, deploymentId: deploymentId).mode
    }

    func testOSSModeWithNothingSet() throws {
        XCTAssertEqual(try mode([:]), .oss)
    }

    func testVendoModeWithVendoModeVendo() throws {
        XCTAssertEqual(try mode(["VENDO_MODE": "vendo"]), .vendo)
    }

    func testVendoModeWithADeploymentIdInTheEnvOrInCode() throws {
        XCTAssertEqual(try mode(["VENDO_DEPLOYMENT_ID": "dep_1"]), .vendo)
        XCTAssertEqual(try mode([:], deploymentId: "dep_1"), .vendo)
    }

    func testEmptyValuesCountAsUnset() throws {
        XCTAssertEqual(try mode(["VENDO_MODE": "", "VENDO_DEPLOYMENT_ID": ""], deploymentId: ""), .oss)
    }

    func testVendoModeOSSWinsOverADeploymentId() throws {
        XCTAssertEqual(try mode(["VENDO_MODE": "oss", "VENDO_DEPLOYMENT_ID": "dep_1"]), .oss)
    }

    func testAnyOtherVendoModeIsInvalid() async {
        await assertThrowsVendoError(.invalidMode, "\"Vendo\"") { try self.mode(["VENDO_MODE": "Vendo"]) }
        // Only when the chain needs the mode: a token found in the env wins first, as in TypeScript and Python.
        let vendo = Vendo(environment: ["VENDO_MODE": "prod"])
        await assertThrowsVendoError(.invalidMode, "not \"prod\"") { try await vendo.token("openrouter") }
        let typoWithKey = Vendo(environment: ["VENDO_MODE": "prod", "OPENROUTER_API_KEY": "sk-or-mine"])
        let token = try? await typoWithKey.token("openrouter")
        XCTAssertEqual(token, "sk-or-mine")
    }

    func testReadsTheProcessEnvironmentWhenNoneIsGiven() throws {
        XCTAssertNil(ProcessInfo.processInfo.environment["VENDO_DEPLOYMENT_ID"], "run the tests without VENDO_DEPLOYMENT_ID set")
        let vendo = Vendo()
        XCTAssertEqual(try vendo.mode, .oss)
        setenv("VENDO_DEPLOYMENT_ID", "dep_from_process", 1)
        defer { unsetenv("VENDO_DEPLOYMENT_ID") }
        XCTAssertEqual(try vendo.mode, .vendo, "read at each call, not at init")
    }
}
