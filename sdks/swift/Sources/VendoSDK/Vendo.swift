// Vendo().token(slug) / .baseUrl(slug): the resolution chain of DESIGN §5 (docs/two-modes.md),
// step for step the same as @vendodev/sdk (packages/sdk/src/vendo.ts) and the Python SDK.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Resolves an integration's token and base URL, in Vendo mode and in OSS mode.
///
/// ```swift
/// import VendoSDK
///
/// let vendo = Vendo()
/// let token = try await vendo.token("openrouter")
/// ```
///
/// ``token(_:)`` looks, in order, at:
/// 1. the value passed in code (`Vendo(tokens: ["openrouter": "…"])`);
/// 2. Vendo mode: the integration's injected env var (`OPENROUTER_API_KEY`); if it is absent, the
///    deployment's env from the control API, asked with `VENDO_DEPLOYMENT_TOKEN` (or `VENDO_MANAGEMENT_KEY`);
/// 3. OSS mode: the same env var, set by you to your own provider key;
/// 4. otherwise it throws ``VendoError/missingToken(slug:envVar:mode:deploymentId:)``, naming the
///    env var and the mode.
///
/// An empty string, in an env var or passed in code, counts as unset. One `Vendo` makes at most one
/// successful control API lookup, shared by ``token(_:)`` and ``baseUrl(_:)``.
public final class Vendo: Sendable {
    private let tokens: [String: String]
    private let baseUrls: [String: String]
    private let fixedEnvironment: [String: String]?
    private let apiUrl: String?
    private let deploymentId: String?
    private let session: URLSession
    private let timeout: TimeInterval
    private let deploymentEnv = DeploymentEnvLookup()

    /// A resolver. `Vendo()` reads everything from the process environment, which is what an app
    /// started by `vendo run` (Vendo mode) or by you with your own key (OSS mode) needs.
    ///
    /// - Parameters:
    ///   - tokens: Step 1 of the chain: tokens by integration slug, winning over everything else.
    ///   - baseUrls: Step 1 for base URLs, by integration slug.
    ///   - environment: Where env vars are read; `nil` (the default) reads the process environment
    ///     at each call.
    ///   - apiUrl: Overrides `VENDO_API_URL`: the Vendo server's origin, without `/api/v1`.
    ///   - deploymentId: Overrides `VENDO_DEPLOYMENT_ID` (and, like it, means Vendo mode).
    ///   - session: The `URLSession` the control API is asked with.
    ///   - timeout: Seconds the control API lookup may take before it fails.
    public init(
        tokens: [String: String] = [:],
        baseUrls: [String: String] = [:],
        environment: [String: String]? = nil,
        apiUrl: String? = nil,
        deploymentId: String? = nil,
        session: URLSession = .shared,
        timeout: TimeInterval = 10
    ) {
        self.tokens = tokens
        self.baseUrls = baseUrls
        self.fixedEnvironment = environment
        self.apiUrl = apiUrl
        self.deploymentId = deploymentId
        self.session = session
        self.timeout = timeout
    }

    /// ``Mode/vendo`` when `VENDO_MODE=vendo` or a deployment id is set (`VENDO_DEPLOYMENT_ID` or
    /// `deploymentId:`); ``Mode/oss`` otherwise, or with `VENDO_MODE=oss`.
    /// - Throws: ``VendoError/invalidMode(value:)`` when `VENDO_MODE` is anything else.
    public var mode: Mode {
        get throws { try environment.mode(deploymentId: deploymentId) }
    }

    /// The integration's token: the deployment's `vendo_sk_` key in Vendo mode, your own provider
    /// key in OSS mode. Use it wherever you would have used the provider's API key.
    /// - Parameter slug: The integration, e.g. `"openrouter"`.
    /// - Returns: The token, never empty.
    /// - Throws: ``VendoError``: `unknownIntegration`, `invalidMode`, `missingToken`, and in Vendo
    ///   mode without the env var `controlApiUnconfigured` or `controlApiFailed`.
    public func token(_ slug: String) async throws -> String {
        let facts = try IntegrationFacts.lookUp(slug)
        if let found = nonEmpty(tokens[slug]) { return found }
        if let found = try await fromEnvironment(facts.tokenEnv) { return found }
        let mode = try self.mode
        throw VendoError.missingToken(slug: slug, envVar: facts.tokenEnv, mode: mode, deploymentId: mode == .vendo ? resolvedDeploymentId : nil)
    }

    /// The integration's base URL: Vendo's proxy (ending in `/v1`) in Vendo mode; in OSS mode the
    /// integration's env var if set, else the provider's own URL.
    /// - Parameter slug: The integration, e.g. `"openrouter"`.
    /// - Returns: The base URL, never empty.
    /// - Throws: ``VendoError``: `unknownIntegration`, `invalidMode`, and in Vendo mode
    ///   `missingBaseUrl`, `controlApiUnconfigured` or `controlApiFailed`. Vendo mode never falls
    ///   back to the provider's URL: a `vendo_sk_` key means nothing there.
    public func baseUrl(_ slug: String) async throws -> String {
        let facts = try IntegrationFacts.lookUp(slug)
        if let found = nonEmpty(baseUrls[slug]) { return found }
        if let found = try await fromEnvironment(facts.baseUrlEnv) { return found }
        if try mode == .oss { return facts.providerBaseUrl }
        throw VendoError.missingBaseUrl(slug: slug, envVar: facts.baseUrlEnv, deploymentId: resolvedDeploymentId)
    }

    private var environment: Environment {
        Environment(variables: fixedEnvironment ?? ProcessInfo.processInfo.environment)
    }

    private var resolvedDeploymentId: String? {
        nonEmpty(deploymentId) ?? environment["VENDO_DEPLOYMENT_ID"]
    }

    /// Steps 2 and 3: the env var; in Vendo mode, when it is absent, the deployment's env from the control API.
    private func fromEnvironment(_ envVar: String) async throws -> String? {
        let fromEnv = environment[envVar]
        if fromEnv != nil { return fromEnv }
        if try mode == .oss { return nil }
        let target = try controlAPITarget(for: envVar)
        let (session, timeout) = (self.session, self.timeout)
        let variables = try await deploymentEnv.value {
            try await fetchDeploymentEnv(target, session: session, timeout: timeout)
        }
        return nonEmpty(variables[envVar])
    }

    private func controlAPITarget(for envVar: String) throws -> ControlAPITarget {
        let env = environment
        let apiUrl = nonEmpty(self.apiUrl) ?? env["VENDO_API_URL"]
        let deploymentId = resolvedDeploymentId
        let bearer = env["VENDO_DEPLOYMENT_TOKEN"] ?? env["VENDO_MANAGEMENT_KEY"]
        if let apiUrl, let deploymentId, let bearer {
            return ControlAPITarget(apiUrl: apiUrl, deploymentId: deploymentId, bearer: bearer)
        }
        let missing = [
            apiUrl == nil ? "VENDO_API_URL" : nil,
            deploymentId == nil ? "VENDO_DEPLOYMENT_ID" : nil,
            bearer == nil ? "VENDO_DEPLOYMENT_TOKEN (or VENDO_MANAGEMENT_KEY)" : nil,
        ].compactMap { $0 }
        throw VendoError.controlApiUnconfigured(envVar: envVar, missing: missing)
    }
}
