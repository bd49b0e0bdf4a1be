// Vendo mode's fallback: ask the control API for the deployment's env vars (docs/two-modes.md).
// GET {apiUrl}/api/v1/deployments/{id}/env?reveal=true → { "data": [{ "name", "value", … }] }
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where and as whom to ask. The bearer (VENDO_DEPLOYMENT_TOKEN or VENDO_MANAGEMENT_KEY) goes in
/// the Authorization header and nowhere else: never into an error.
struct ControlAPITarget: Sendable {
    let apiUrl: String
    let deploymentId: String
    let bearer: String
}

/// RFC 3986 unreserved characters: everything else in the deployment id is percent-encoded.
private let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

/// `{apiUrl}/api/v1/deployments/{id}/env?reveal=true`, trailing slashes of `apiUrl` dropped, the id encoded.
func deploymentEnvURL(apiUrl: String, deploymentId: String) -> String {
    var origin = Substring(apiUrl)
    while origin.hasSuffix("/") { origin = origin.dropLast() }
    let id = deploymentId.addingPercentEncoding(withAllowedCharacters: unreserved) ?? deploymentId
    return "\(origin)/api/v1/deployments/\(id)/env?reveal=true"
}

/// The deployment's env vars by name.
/// - Throws: ``VendoError/controlApiFailed(url:status:reason:)`` when the API is unreachable,
///   answers a status outside 2xx, or sends a body that is not `{ "data": [{ "name", "value" }] }`.
func fetchDeploymentEnv(_ target: ControlAPITarget, session: URLSession, timeout: TimeInterval) async throws -> [String: String] {
    let url = deploymentEnvURL(apiUrl: target.apiUrl, deploymentId: target.deploymentId)
    func failed(_ reason: String, status: Int? = nil) -> VendoError {
        // The server has no reason to echo the bearer; if it ever did, it still stays out of the error.
        .controlApiFailed(url: url, status: status, reason: reason.replacingOccurrences(of: target.bearer, with: "[redacted]"))
    }
    guard let requestURL = URL(string: url), requestURL.scheme == "http" || requestURL.scheme == "https" else {
        throw failed("not an http(s) URL (check VENDO_API_URL)")
    }
    var request = URLRequest(url: requestURL, timeoutInterval: timeout) // the idle timeout; exchange() bounds the whole
    request.httpMethod = "GET"
    request.setValue("Bearer \(target.bearer)", forHTTPHeaderField: "Authorization")
    request.setValue("application/json", forHTTPHeaderField: "Accept")

    let data: Data
    let response: URLResponse
    do {
        (data, response) = try await exchange(request, session: session, timeout: timeout)
    } catch {
        throw failed(error.localizedDescription)
    }
    let body = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    guard let http = response as? HTTPURLResponse else { throw failed("not an HTTP response") }
    guard (200..<300).contains(http.statusCode) else {
        throw failed("HTTP \(http.statusCode)\(errorMessage(body))", status: http.statusCode)
    }
    guard let variables = envList(body) else {
        throw failed("expected a JSON body { \"data\": [{ \"name\", \"value\" }, …] }", status: http.statusCode)
    }
    return variables
}

/// ` (message)` from an OpenRouter-shaped error body `{"error":{"code":N,"message":"…"}}`, else nothing.
private func errorMessage(_ body: Any?) -> String {
    guard let error = (body as? [String: Any])?["error"] as? [String: Any], let message = error["message"] as? String else {
        return ""
    }
    return " (\(message))"
}

private func envList(_ body: Any?) -> [String: String]? {
    guard let list = (body as? [String: Any])?["data"] as? [Any] else { return nil }
    var variables: [String: String] = [:]
    for item in list {
        guard let entry = item as? [String: Any], let name = entry["name"] as? String, let value = entry["value"] as? String else {
            return nil
        }
        variables[name] = value
    }
    return variables
}

/// One control API lookup per ``Vendo`` instance, shared by every caller (concurrent ones too);
/// a failed lookup is forgotten so the next call asks again.
actor DeploymentEnvLookup {
    private var lookup: Task<[String: String], Error>?

    func value(fetch: @escaping @Sendable () async throws -> [String: String]) async throws -> [String: String] {
        let task: Task<[String: String], Error>
        if let running = lookup {
            task = running
        } else {
            task = Task { try await fetch() }
            lookup = task
        }
        do {
            return try await task.value
        } catch {
            if lookup == task { lookup = nil }
            throw error
        }
    }
}
