// vendo.baseUrl(slug) without the network.
import Foundation
import VendoSDK
import XCTest

final class BaseUrlTests: XCTestCase {
    func testStep1TheValueInCodeWinsInEitherMode() async throws {
        let baseUrls = ["openrouter": "http://localhost:9/v1"]
        let oss = try await Vendo(baseUrls: baseUrls, environment: ["OPENROUTER_BASE_URL": proxyURL]).baseUrl("openrouter")
        XCTAssertEqual(oss, "http://localhost:9/v1")
        let vendo = try await Vendo(baseUrls: baseUrls, environment: vendoMode.with(["OPENROUTER_BASE_URL": proxyURL])).baseUrl("openrouter")
        XCTAssertEqual(vendo, "http://localhost:9/v1")
    }

    func testStep2VendoModeReadsTheInjectedEnvVar() async throws {
        let baseUrl = try await Vendo(environment: vendoMode.with(["OPENROUTER_BASE_URL": proxyURL])).baseUrl("openrouter")
        XCTAssertEqual(baseUrl, proxyURL)
    }

    func testStep3OSSModeReadsTheEnvVarWhenSet() async throws {
        let baseUrl = try await Vendo(environment: ["OPENROUTER_BASE_URL": "http://127.0.0.1:4000/v1"]).baseUrl("openrouter")
        XCTAssertEqual(baseUrl, "http://127.0.0.1:4000/v1")
    }

    func testStep3OSSModeOtherwiseTheProvidersOwnURLFromTheCatalog() async throws {
        let baseUrl = try await Vendo(environment: ["OPENROUTER_BASE_URL": ""]).baseUrl("openrouter")
        XCTAssertEqual(baseUrl, "https://openrouter.ai/api/v1")
    }

    func testVendoModeNeverFallsBackToTheProvidersURL() async {
        await assertThrowsVendoError(.controlApiUnconfigured, "^OPENROUTER_BASE_URL is not set in Vendo mode") {
            try await Vendo(environment: ["VENDO_MODE": "vendo"]).baseUrl("openrouter")
        }
    }

    func testAnUnknownSlug() async {
        await assertThrowsVendoError(.unknownIntegration, "\"not-an-integration\"", "openrouter") { try await Vendo(environment: [:]).baseUrl("not-an-integration") }
    }

    func testEveryIntegrationOfTheCatalog() async throws {
        // The table is generated from the catalog: each slug resolves its own env vars in both modes.
        XCTAssertEqual(Vendo.integrations.map(\.slug), ["anthropic", "openai", "openrouter", "tavily"])
        for facts in Vendo.integrations {
            let own = try await Vendo(environment: [facts.tokenEnv: "own-\(facts.slug)"]).token(facts.slug)
            XCTAssertEqual(own, "own-\(facts.slug)")
            let injected = try await Vendo(environment: ["VENDO_MODE": "vendo", facts.tokenEnv: "vendo_sk_\(facts.slug)"]).token(facts.slug)
            XCTAssertEqual(injected, "vendo_sk_\(facts.slug)")
            let provider = try await Vendo(environment: [:]).baseUrl(facts.slug)
            XCTAssertEqual(provider, facts.providerBaseUrl)
        }
    }
}
