// One list of error codes and one wording: the Swift SDK, @vendodev/sdk, the Python SDK and
// docs/two-modes.md must agree (packages/sdk/test/errors.test.ts holds the other two to the docs).
import Foundation
import VendoSDK
import XCTest

final class ErrorTests: XCTestCase {
    func testTheCodesAreExactlyThoseDocsTwoModesDocumentsInOrder() throws {
        let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/two-modes.md"), encoding: .utf8)
        let errors = try XCTUnwrap(doc.range(of: "## Errors")).upperBound
        let documented = doc[errors...].components(separatedBy: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `"), let end = line.dropFirst(3).firstIndex(of: "`") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 3)..<end])
        }
        XCTAssertEqual(VendoError.Code.allCases.map(\.rawValue), documented)
    }

    /// Word for word the messages of packages/sdk/src (except the Swift spelling of "pass it in code").
    func testEachCaseReadsLikeTheOtherSDKs() {
        let cases: [(VendoError, String)] = [
            (.unknownIntegration(slug: "nope", known: ["a", "openrouter"]), #"Unknown integration "nope". Known integrations: a, openrouter."#),
            (.invalidMode(value: "prod"), #"VENDO_MODE must be "vendo" or "oss", not "prod"."#),
            (
                .missingToken(slug: "openrouter", envVar: "OPENROUTER_API_KEY", mode: .oss, deploymentId: nil),
                #"No token for openrouter in OSS mode: set OPENROUTER_API_KEY to your OpenRouter API key, or pass it in code: Vendo(tokens: ["openrouter": "…"])."#
            ),
            (
                .missingToken(slug: "openrouter", envVar: "OPENROUTER_API_KEY", mode: .vendo, deploymentId: "dep_1"),
                "No OPENROUTER_API_KEY for openrouter in Vendo mode: the env var is not set and the control API lists none for deployment dep_1. Is openrouter connected to that deployment?"
            ),
            (
                .missingBaseUrl(slug: "openrouter", envVar: "OPENROUTER_BASE_URL", deploymentId: "dep_1"),
                "No OPENROUTER_BASE_URL for openrouter in Vendo mode: the env var is not set and the control API lists none for deployment dep_1. Is openrouter connected to that deployment?"
            ),
            (
                .controlApiUnconfigured(envVar: "OPENROUTER_API_KEY", missing: ["VENDO_API_URL", "VENDO_DEPLOYMENT_ID"]),
                "OPENROUTER_API_KEY is not set in Vendo mode, and the control API cannot be asked for it: VENDO_API_URL, VENDO_DEPLOYMENT_ID are not set."
            ),
            (
                .controlApiFailed(url: "http://127.0.0.1:1/api/v1/deployments/d/env?reveal=true", status: 401, reason: "HTTP 401 (no)"),
                "Control API GET http://127.0.0.1:1/api/v1/deployments/d/env?reveal=true failed: HTTP 401 (no)"
            ),
        ]
        XCTAssertEqual(Set(cases.map(\.0.code)), Set(VendoError.Code.allCases), "one example per code")
        for (error, message) in cases {
            XCTAssertEqual(error.description, message)
            XCTAssertEqual(error.localizedDescription, message)
            XCTAssertEqual("\(error)", message)
        }
    }

    /// The pattern the README shows: catch a case, bind what it carries.
    func testACaseCanBeCaughtByPattern() async {
        var caught: String?
        do {
            _ = try await Vendo(environment: [:]).token("openrouter")
        } catch VendoError.missingToken(_, let envVar, .oss, _) {
            caught = envVar
        } catch {
            XCTFail("\(error)")
        }
        XCTAssertEqual(caught, "OPENROUTER_API_KEY")
    }

    func testTheIntegrationTableComesFromTheCatalog() {
        XCTAssertEqual(Vendo.integrations, [
            IntegrationFacts(slug: "anthropic", name: "Anthropic", tokenEnv: "ANTHROPIC_API_KEY", baseUrlEnv: "ANTHROPIC_BASE_URL", providerBaseUrl: "https://api.anthropic.com"),
            IntegrationFacts(slug: "openai", name: "OpenAI", tokenEnv: "OPENAI_API_KEY", baseUrlEnv: "OPENAI_BASE_URL", providerBaseUrl: "https://api.openai.com/v1"),
            IntegrationFacts(
                slug: "openrouter",
                name: "OpenRouter",
                tokenEnv: "OPENROUTER_API_KEY",
                baseUrlEnv: "OPENROUTER_BASE_URL",
                providerBaseUrl: "https://openrouter.ai/api/v1"
            ),
            IntegrationFacts(slug: "tavily", name: "Tavily", tokenEnv: "TAVILY_API_KEY", baseUrlEnv: "TAVILY_BASE_URL", providerBaseUrl: "https://api.tavily.com"),
        ])
    }
}
