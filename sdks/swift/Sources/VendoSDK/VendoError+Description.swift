// The readable messages: word for word those of the TypeScript and Python SDKs.
import Foundation

extension VendoError: CustomStringConvertible, LocalizedError {
    /// What went wrong and what to set, naming the env var and the mode.
    public var description: String {
        switch self {
        case let .unknownIntegration(slug, known):
            return "Unknown integration \"\(slug)\". Known integrations: \(known.joined(separator: ", "))."
        case let .invalidMode(value):
            return "VENDO_MODE must be \"vendo\" or \"oss\", not \"\(value)\"."
        case let .missingToken(slug, envVar, .oss, _):
            let name = IntegrationFacts.named(slug)?.name ?? slug
            return "No token for \(slug) in OSS mode: set \(envVar) to your \(name) API key, "
                + "or pass it in code: Vendo(tokens: [\"\(slug)\": \"…\"])."
        case let .missingToken(slug, envVar, .vendo, deploymentId),
             let .missingBaseUrl(slug, envVar, deploymentId):
            return "No \(envVar) for \(slug) in Vendo mode: the env var is not set and the control API lists none "
                + "for deployment \(deploymentId ?? "(none)"). Is \(slug) connected to that deployment?"
        case let .controlApiUnconfigured(envVar, missing):
            return "\(envVar) is not set in Vendo mode, and the control API cannot be asked for it: "
                + "\(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") not set."
        case let .controlApiFailed(url, _, reason):
            return "Control API GET \(url) failed: \(reason)"
        }
    }

    /// The same as ``description``, for `error.localizedDescription`.
    public var errorDescription: String? { description }
}
