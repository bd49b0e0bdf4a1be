// What the SDK knows about an integration. The table itself is generated from Vendo's catalog
// into Integrations.generated.swift by `npm run generate`.

/// An integration the SDK can resolve a token and a base URL for, as Vendo's catalog describes it.
public struct IntegrationFacts: Sendable, Equatable {
    /// The slug passed to ``Vendo/token(_:)``, e.g. `openrouter`.
    public let slug: String
    /// Display name, for error messages.
    public let name: String
    /// The env var holding the integration's token (the Vendo-issued key in Vendo mode).
    public let tokenEnv: String
    /// The env var holding the integration's base URL (the Vendo proxy in Vendo mode).
    public let baseUrlEnv: String
    /// The provider's own API base URL, used in OSS mode when the base-URL var is unset.
    public let providerBaseUrl: String

    /// A catalog entry; ``Vendo/integrations`` holds the ones generated from Vendo's catalog.
    public init(slug: String, name: String, tokenEnv: String, baseUrlEnv: String, providerBaseUrl: String) {
        self.slug = slug
        self.name = name
        self.tokenEnv = tokenEnv
        self.baseUrlEnv = baseUrlEnv
        self.providerBaseUrl = providerBaseUrl
    }

    /// The catalog entry for `slug`, or `nil` when the SDK does not know it.
    static func named(_ slug: String) -> IntegrationFacts? {
        Vendo.integrations.first { $0.slug == slug }
    }

    /// The catalog entry for `slug`.
    /// - Throws: ``VendoError/unknownIntegration(slug:known:)`` listing the known slugs.
    static func lookUp(_ slug: String) throws -> IntegrationFacts {
        guard let facts = named(slug) else {
            throw VendoError.unknownIntegration(slug: slug, known: Vendo.integrations.map(\.slug).sorted())
        }
        return facts
    }
}
