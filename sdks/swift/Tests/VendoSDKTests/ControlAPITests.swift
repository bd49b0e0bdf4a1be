// Vendo mode's control API step over real loopback HTTP (LoopbackServer), with the same cases as the
// TypeScript and Python SDKs' tests. VendoServerTests asks a real Vendo server the same way.
import Foundation
import VendoSDK
import XCTest

private let injected = """
{"data":[{"name":"OPENROUTER_API_KEY","value":"vendo_sk_from_control_api","secret":true,"integration":"openrouter"},\
{"name":"OPENROUTER_BASE_URL","value":"\(proxyURL)","secret":false,"integration":"openrouter"}]}
"""

final class ControlAPITests: XCTestCase {
    private var api: LoopbackServer!
    private var env: [String: String] = [:]

    override func setUpWithError() throws {
        api = try LoopbackServer(answers: [.json(200, injected)])
        env = vendoMode.with(["VENDO_API_URL": api.url, "VENDO_DEPLOYMENT_TOKEN": "vendo_dt_secret"])
    }

    override func tearDown() {
        api.stop()
    }

    func testGetsTheDeploymentsRevealedEnvWithTheDeploymentToken() async throws {
        let token = try await Vendo(environment: env).token("openrouter")
        XCTAssertEqual(token, "vendo_sk_from_control_api")
        XCTAssertEqual(api.requests.count, 1)
        let request = try XCTUnwrap(api.requests.first)
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.target, "/api/v1/deployments/dep_1/env?reveal=true")
        XCTAssertEqual(request.headers["authorization"], "Bearer vendo_dt_secret")
        XCTAssertEqual(request.headers["accept"], "application/json")
    }

    func testBaseUrlSharesTheOneLookupWithToken() async throws {
        let vendo = Vendo(environment: env)
        let baseUrl = try await vendo.baseUrl("openrouter")
        XCTAssertEqual(baseUrl, proxyURL)
        let token = try await vendo.token("openrouter")
        XCTAssertEqual(token, "vendo_sk_from_control_api")
        XCTAssertEqual(api.requests.count, 1)
    }

    func testConcurrentCallsShareTheOneLookup() async throws {
        let vendo = Vendo(environment: env)
        async let token = vendo.token("openrouter")
        async let baseUrl = vendo.baseUrl("openrouter")
        let (t, b) = try await (token, baseUrl)
        XCTAssertEqual([t, b], ["vendo_sk_from_control_api", proxyURL])
        XCTAssertEqual(api.requests.count, 1)
    }

    func testTheManagementKeyIsTheFallbackBearer() async throws {
        let withKey = env.with(["VENDO_DEPLOYMENT_TOKEN": "", "VENDO_MANAGEMENT_KEY": "vendo_mk_tenant"])
        _ = try await Vendo(environment: withKey).token("openrouter")
        XCTAssertEqual(api.requests.last?.headers["authorization"], "Bearer vendo_mk_tenant")
        _ = try await Vendo(environment: withKey.with(["VENDO_DEPLOYMENT_TOKEN": "vendo_dt_secret"])).token("openrouter")
        XCTAssertEqual(api.requests.last?.headers["authorization"], "Bearer vendo_dt_secret", "the deployment token comes first")
    }

    func testApiUrlAndDeploymentIdFromCodeTrimmingASlashAndEncodingTheId() async throws {
        let vendo = Vendo(environment: ["VENDO_DEPLOYMENT_TOKEN": "t", "VENDO_API_URL": "http://127.0.0.1:1"], apiUrl: api.url + "/", deploymentId: "dep 2/x")
        _ = try await vendo.token("openrouter")
        XCTAssertEqual(api.requests.map(\.target), ["/api/v1/deployments/dep%202%2Fx/env?reveal=true"])
    }

    func testNoRequestWhenTheEnvVarIsSet() async throws {
        let token = try await Vendo(environment: env.with(["OPENROUTER_API_KEY": "vendo_sk_env"])).token("openrouter")
        XCTAssertEqual(token, "vendo_sk_env")
        XCTAssertEqual(api.requests, [])
    }

    func testAVarTheAPIDoesNotListNamesTheVarTheModeAndTheDeployment() async {
        api.answer(.json(200, #"{"data":[{"name":"OPENROUTER_BASE_URL","value":"\#(proxyURL)"}]}"#))
        let error = await assertThrowsVendoError(.missingToken, "^No OPENROUTER_API_KEY for openrouter in Vendo mode", "deployment dep_1\\.") {
            try await Vendo(environment: self.env).token("openrouter")
        }
        XCTAssertEqual(error, .missingToken(slug: "openrouter", envVar: "OPENROUTER_API_KEY", mode: .vendo, deploymentId: "dep_1"))
        api.answer(.json(200, #"{"data":[{"name":"OPENROUTER_API_KEY","value":"vendo_sk_x"}]}"#))
        await assertThrowsVendoError(.missingBaseUrl, "^No OPENROUTER_BASE_URL for openrouter in Vendo mode", "dep_1") {
            try await Vendo(environment: self.env).baseUrl("openrouter")
        }
    }

    func testAnErrorStatusGivesTheStatusAndTheMessageNeverTheBearer() async {
        api.answer(.json(401, #"{"error":{"code":401,"message":"unknown deployment token"}}"#))
        let error = await assertThrowsVendoError(.controlApiFailed, "HTTP 401 \\(unknown deployment token\\)$") {
            try await Vendo(environment: self.env).token("openrouter")
        }
        guard case let .controlApiFailed(url, status, _) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(url, "\(api.url)/api/v1/deployments/dep_1/env?reveal=true")
        XCTAssertEqual(status, 401)
        XCTAssertFalse("\(error!) \(String(reflecting: error!)) \(error!.localizedDescription)".contains("vendo_dt_secret"))
    }

    func testABearerEchoedByTheServerIsRedacted() async {
        api.answer(.json(403, #"{"error":{"code":403,"message":"token vendo_dt_secret may not read this"}}"#))
        let error = await assertThrowsVendoError(.controlApiFailed, "HTTP 403 \\(token \\[redacted\\] may not read this\\)") {
            try await Vendo(environment: self.env).token("openrouter")
        }
        XCTAssertFalse(String(reflecting: error!).contains("vendo_dt_secret"))
    }

    func testABodyOfTheWrongShape() async {
        for body in [#"{"data":[{"name":"OPENROUTER_API_KEY"}]}"#, #"{"data":{}}"#, "<html>", ""] {
            api.answer(.json(200, body))
            await assertThrowsVendoError(.controlApiFailed, "expected a JSON body") { try await Vendo(environment: self.env).token("openrouter") }
        }
    }

    func testAFailedLookupIsNotCachedTheNextCallAsksAgain() async throws {
        api.answer(.json(503, "{}"), .json(200, injected))
        let vendo = Vendo(environment: env)
        await assertThrowsVendoError(.controlApiFailed, "HTTP 503$") { try await vendo.token("openrouter") }
        let token = try await vendo.token("openrouter")
        XCTAssertEqual(token, "vendo_sk_from_control_api")
        XCTAssertEqual(api.requests.count, 2)
    }

    func testASilentServerTimesOut() async {
        api.answer(.silent)
        let started = Date()
        await assertThrowsVendoError(.controlApiFailed, "^Control API GET http://127\\.0\\.0\\.1:\(api.port)/") {
            try await Vendo(environment: self.env, timeout: 0.3).token("openrouter")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "gave up after the timeout, not much later")
        XCTAssertEqual(api.requests.count, 1)
    }

    func testNothingListening() async throws {
        let env = self.env.with(["VENDO_API_URL": try closedURL()])
        await assertThrowsVendoError(.controlApiFailed, "^Control API GET http://127\\.0\\.0\\.1:\\d+/api/v1/deployments/dep_1/env\\?reveal=true failed: ") {
            try await Vendo(environment: env).token("openrouter")
        }
    }

    func testAnApiUrlThatIsNotHTTP() async {
        await assertThrowsVendoError(.controlApiFailed, "not an http\\(s\\) URL") {
            try await Vendo(environment: self.env.with(["VENDO_API_URL": "ftp://127.0.0.1"])).token("openrouter")
        }
        XCTAssertEqual(api.requests, [])
    }
}
