// Every error the SDK throws, with a stable code to branch on (the same codes as @vendodev/sdk and
// the Python SDK; docs/two-modes.md lists them and ErrorTests keeps the lists equal).

/// An error from ``Vendo/token(_:)``, ``Vendo/baseUrl(_:)`` or ``Vendo/mode``.
///
/// Branch on the case (or on ``code``), never on ``description``. No case carries a bearer token:
/// the control API's URL and its error message are reported, the `Authorization` header never is.
public enum VendoError: Error, Equatable, Sendable {
    /// The slug is not in the catalog this SDK was generated from.
    /// - Parameters:
    ///   - slug: The slug that was asked for.
    ///   - known: Every slug the SDK knows, sorted.
    case unknownIntegration(slug: String, known: [String])

    /// `VENDO_MODE` is set to something other than `vendo` or `oss`.
    /// - Parameter value: The value it is set to.
    case invalidMode(value: String)

    /// No token anywhere in the resolution chain.
    /// - Parameters:
    ///   - slug: The integration.
    ///   - envVar: The env var that holds it (`OPENROUTER_API_KEY`).
    ///   - mode: The mode it was looked for in.
    ///   - deploymentId: In Vendo mode, the deployment whose env the control API was asked for.
    case missingToken(slug: String, envVar: String, mode: Mode, deploymentId: String?)

    /// Vendo mode, and no proxy base URL anywhere in the resolution chain. Vendo mode never falls
    /// back to the provider's own URL: a `vendo_sk_` key means nothing there.
    /// - Parameters:
    ///   - slug: The integration.
    ///   - envVar: The env var that holds it (`OPENROUTER_BASE_URL`).
    ///   - deploymentId: The deployment whose env the control API was asked for.
    case missingBaseUrl(slug: String, envVar: String, deploymentId: String?)

    /// Vendo mode needs the control API, but its URL, the deployment id or a bearer is not set.
    /// - Parameters:
    ///   - envVar: The env var that was not set and would have been asked for.
    ///   - missing: What is not set, e.g. `["VENDO_API_URL"]`.
    case controlApiUnconfigured(envVar: String, missing: [String])

    /// The control API could not be reached, or answered an error status or another body shape.
    /// - Parameters:
    ///   - url: The URL that was asked (`GET`).
    ///   - status: The HTTP status when there was an answer, else `nil`.
    ///   - reason: What went wrong, e.g. `HTTP 401 (unknown deployment token)`.
    case controlApiFailed(url: String, status: Int?, reason: String)

    /// The stable error codes, the same in every Vendo SDK.
    public enum Code: String, CaseIterable, Sendable {
        /// ``VendoError/unknownIntegration(slug:known:)``.
        case unknownIntegration = "UNKNOWN_INTEGRATION"
        /// ``VendoError/invalidMode(value:)``.
        case invalidMode = "INVALID_MODE"
        /// ``VendoError/missingToken(slug:envVar:mode:deploymentId:)``.
        case missingToken = "MISSING_TOKEN"
        /// ``VendoError/missingBaseUrl(slug:envVar:deploymentId:)``.
        case missingBaseUrl = "MISSING_BASE_URL"
        /// ``VendoError/controlApiUnconfigured(envVar:missing:)``.
        case controlApiUnconfigured = "CONTROL_API_UNCONFIGURED"
        /// ``VendoError/controlApiFailed(url:status:reason:)``.
        case controlApiFailed = "CONTROL_API_FAILED"
    }

    /// This error's stable code (`MISSING_TOKEN`, …), the same as `VendoError.code` in TypeScript and Python.
    public var code: Code {
        switch self {
        case .unknownIntegration: return .unknownIntegration
        case .invalidMode: return .invalidMode
        case .missingToken: return .missingToken
        case .missingBaseUrl: return .missingBaseUrl
        case .controlApiUnconfigured: return .controlApiUnconfigured
        case .controlApiFailed: return .controlApiFailed
        }
    }
}
