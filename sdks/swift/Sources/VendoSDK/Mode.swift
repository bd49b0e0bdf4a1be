// Which mode the app runs in, from VENDO_MODE and the deployment id (docs/two-modes.md).

/// Where the app runs, which decides where ``Vendo/token(_:)`` looks.
public enum Mode: String, Sendable, CaseIterable {
    /// A Vendo deployment (`vendo run --deployment <id> -- <cmd…>`): the token is the deployment's
    /// `vendo_sk_` key, injected into the env or fetched from the control API.
    case vendo
    /// Anywhere else: the token is your own provider key, from the integration's env var.
    case oss
}

/// The SDK's view of the environment: an empty value counts as unset, in env vars and in values
/// passed in code alike.
struct Environment: Sendable {
    let variables: [String: String]

    subscript(name: String) -> String? { nonEmpty(variables[name]) }

    /// Vendo mode when VENDO_MODE=vendo or a deployment id is known (VENDO_DEPLOYMENT_ID, or passed
    /// in code); VENDO_MODE=oss forces OSS mode. Any other VENDO_MODE is a typo worth failing on.
    func mode(deploymentId: String?) throws -> Mode {
        if let declared = self["VENDO_MODE"] {
            guard let mode = Mode(rawValue: declared) else { throw VendoError.invalidMode(value: declared) }
            return mode
        }
        return (nonEmpty(deploymentId) ?? self["VENDO_DEPLOYMENT_ID"]) != nil ? .vendo : .oss
    }
}

func nonEmpty(_ value: String?) -> String? {
    value?.isEmpty == false ? value : nil
}
