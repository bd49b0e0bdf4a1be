// vendo.token(slug) without the network: the value in code, the env var in either mode, the errors.
import Foundation
import VendoSDK
import XCTest

final class TokenTests: XCTestCase {
    func testStep1TheValueInCodeWinsInEitherMode() async throws {
        let tokens = ["openrouter": "from-code"]
        let oss = try await Vendo(tokens: tokens, environment: ["OPENROUTER_API_KEY": "from-env"]).token("openrouter")
        XCTAssertEqual(oss, "from-code")
        let vendo = try await Vendo(tokens: tokens, environment: vendoMode.with(["OPENROUTER_API_KEY": "vendo_sk_env"])).token("openrouter")
        XCTAssertEqual(vendo, "from-code")
    }

    func testStep1AnEmptyValueInCodeIsIgnored() async throws {
        let token = try await Vendo(tokens: ["openrouter": ""], environment: ["OPENROUTER_API_KEY": "sk-or-mine"]).token("openrouter")
        XCTAssertEqual(token, "sk-or-mine")
    }

    func testStep2VendoModeReadsTheInjectedEnvVar() async throws {
        let token = try await Vendo(environment: vendoMode.with(["OPENROUTER_API_KEY": "vendo_sk_injected"])).token("openrouter")
        XCTAssertEqual(token, "vendo_sk_injected")
    }

    func testStep3OSSModeReadsTheUsersEnvVar() async throws {
        let token = try await Vendo(environment: ["OPENROUTER_API_KEY": "sk-or-mine"]).token("openrouter")
        XCTAssertEqual(token, "sk-or-mine")
    }

    func testStep4OSSModeWithNothingSetNamesTheEnvVarAndTheMode() async {
        for environment in [[:], ["OPENROUTER_API_KEY": ""]] {
            let error = await assertThrowsVendoError(.missingToken, "OPENROUTER_API_KEY", "OSS mode") {
                try await Vendo(environment: environment).token("openrouter")
            }
            XCTAssertEqual(error, .missingToken(slug: "openrouter", envVar: "OPENROUTER_API_KEY", mode: .oss, deploymentId: nil))
        }
    }

    func testStep2VendoModeWithoutTheEnvVarOrAControlAPINamesWhatIsMissing() async {
        await assertThrowsVendoError(
            .controlApiUnconfigured,
            "^OPENROUTER_API_KEY is not set in Vendo mode",
            "VENDO_API_URL, VENDO_DEPLOYMENT_ID, VENDO_DEPLOYMENT_TOKEN \\(or VENDO_MANAGEMENT_KEY\\) are not set\\.$"
        ) { try await Vendo(environment: ["VENDO_MODE": "vendo"]).token("openrouter") }
        await assertThrowsVendoError(.controlApiUnconfigured, ": VENDO_API_URL is not set\\.$") {
            try await Vendo(environment: vendoMode.with(["VENDO_MANAGEMENT_KEY": "vendo_mk_x"])).token("openrouter")
        }
        await assertThrowsVendoError(.controlApiUnconfigured, ": VENDO_DEPLOYMENT_TOKEN \\(or VENDO_MANAGEMENT_KEY\\) is not set\\.$") {
            try await Vendo(environment: vendoMode.with(["VENDO_API_URL": "http://127.0.0.1:1", "VENDO_DEPLOYMENT_TOKEN": ""])).token("openrouter")
        }
    }

    func testAnUnknownSlugListsTheKnownOnes() async {
        let error = await assertThrowsVendoError(.unknownIntegration, "\"nope\"", "Known integrations: anthropic, openai, openrouter, tavily\\.$") {
            try await Vendo(environment: [:]).token("nope")
        }
        XCTAssertEqual(error, .unknownIntegration(slug: "nope", known: ["anthropic", "openai", "openrouter", "tavily"]))
        // Checked before the value in code, as in TypeScript and Python.
        await assertThrowsVendoError(.unknownIntegration) { try await Vendo(tokens: ["nope": "x"], environment: [:]).token("nope") }
    }

    /// The seed page's Swift quickstart, statement for statement, reading the process environment.
    /// (The runner also compiles it as a program and runs it under `vendo run`; see scripts/swift/suite.ts.)
    func testTheSeedQuickstartStatements() async throws {
        setenv("OPENROUTER_API_KEY", "vendo_sk_quickstart", 1)
        defer { unsetenv("OPENROUTER_API_KEY") }
        let vendo = Vendo()
        let token = try await vendo.token("openrouter")
        XCTAssertEqual(token, "vendo_sk_quickstart")
    }
}
