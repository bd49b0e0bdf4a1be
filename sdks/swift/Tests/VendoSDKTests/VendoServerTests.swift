// The control API step against a real Vendo server: scripts/swift/suite.ts starts one on 127.0.0.1
// (SQLite store), creates a tenant and two deployments through its control API, and passes them in
// VENDO_SWIFT_TEST_WORLD (JSON). Skipped when run by hand without it (the runner fails on a skip).
import Foundation
import VendoSDK
import XCTest

private struct World: Decodable {
    struct Deployment: Decodable {
        let id: String
        /// The deployment's bearer for the control API (`vendo_dt_…`).
        let token: String
        /// The `vendo_sk_` key the server minted when openrouter was connected; nil when not connected.
        let apiKey: String?
    }

    /// The server's origin, as `vendo run` injects it as VENDO_API_URL.
    let url: String
    /// The tenant's management key (`vendo_mk_…`).
    let managementKey: String
    /// A deployment with openrouter connected.
    let connected: Deployment
    /// A deployment of the same tenant with nothing connected.
    let bare: Deployment
}

final class VendoServerTests: XCTestCase {
    private var world: World!

    override func setUpWithError() throws {
        guard let json = ProcessInfo.processInfo.environment["VENDO_SWIFT_TEST_WORLD"] else {
            throw XCTSkip("VENDO_SWIFT_TEST_WORLD is not set: run through `node scripts/test.mjs swift`")
        }
        world = try JSONDecoder().decode(World.self, from: Data(json.utf8))
    }

    private func env(_ deployment: World.Deployment, bearer: [String: String]) -> [String: String] {
        ["VENDO_MODE": "vendo", "VENDO_DEPLOYMENT_ID": deployment.id, "VENDO_API_URL": world.url].with(bearer)
    }

    func testTheDeploymentTokenGetsTheMintedKeyAndTheProxyURL() async throws {
        let vendo = Vendo(environment: env(world.connected, bearer: ["VENDO_DEPLOYMENT_TOKEN": world.connected.token]))
        let token = try await vendo.token("openrouter")
        XCTAssertEqual(token, try XCTUnwrap(world.connected.apiKey))
        XCTAssertTrue(token.hasPrefix("vendo_sk_"), token)
        let baseUrl = try await vendo.baseUrl("openrouter")
        XCTAssertEqual(baseUrl, "\(world.url)/proxy/openrouter/v1")
    }

    func testTheTenantsManagementKeyGetsTheSameKey() async throws {
        let vendo = Vendo(environment: env(world.connected, bearer: ["VENDO_MANAGEMENT_KEY": world.managementKey]))
        let token = try await vendo.token("openrouter")
        XCTAssertEqual(token, try XCTUnwrap(world.connected.apiKey))
    }

    func testAWrongBearerIsAnHTTP401WithTheServersMessageAndNotTheBearer() async {
        let wrong = "vendo_dt_not_a_real_token_0123456789"
        let error = await assertThrowsVendoError(.controlApiFailed, "failed: HTTP 401 \\(.+\\)$") {
            try await Vendo(environment: self.env(self.world.connected, bearer: ["VENDO_DEPLOYMENT_TOKEN": wrong])).token("openrouter")
        }
        XCTAssertFalse(String(reflecting: error as Any).contains(wrong))
    }

    func testAnotherDeploymentsTokenMayNotReadThisOne() async {
        let error = await assertThrowsVendoError(.controlApiFailed, "failed: HTTP 403") {
            try await Vendo(environment: self.env(self.world.connected, bearer: ["VENDO_DEPLOYMENT_TOKEN": self.world.bare.token])).token("openrouter")
        }
        XCTAssertFalse(String(reflecting: error as Any).contains(world.bare.token))
    }

    func testADeploymentWithoutTheIntegrationNamesTheVarTheModeAndTheDeployment() async {
        let vendo = Vendo(environment: env(world.bare, bearer: ["VENDO_DEPLOYMENT_TOKEN": world.bare.token]))
        let error = await assertThrowsVendoError(.missingToken, "OPENROUTER_API_KEY", "Vendo mode") { try await vendo.token("openrouter") }
        XCTAssertEqual(error, .missingToken(slug: "openrouter", envVar: "OPENROUTER_API_KEY", mode: .vendo, deploymentId: world.bare.id))
        await assertThrowsVendoError(.missingBaseUrl, "OPENROUTER_BASE_URL", world.bare.id) { try await vendo.baseUrl("openrouter") }
    }
}
