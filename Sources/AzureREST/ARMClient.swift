public import Foundation

/// One resource out of an ARM answer: its id and its JSON exactly as the service sent it.
public struct ARMResourceBody: Sendable, Equatable {
    /// The `id` member (empty when the element has none).
    public var id: String
    /// The element's bytes, untouched.
    public var body: Data

    public init(id: String, body: Data) {
        self.id = id
        self.body = body
    }
}

/// A small Azure Resource Manager client: bearer tokens, `api-version` per call, retries, error bodies turned
/// into ``AzureRESTError``, paging (`nextLink`) and long-running operations (see `ARMClient+LongRunning.swift`).
public struct ARMClient: Sendable {
    public let connection: AzureConnection

    /// A client on `connection` (shares its token cache and retry policy).
    public init(connection: AzureConnection) {
        self.connection = connection
    }

    /// `{resourceManager}{path}?api-version=...&...`. `path` starts with `/` (an ARM id or a collection path);
    /// query values are percent-encoded.
    public func url(path: String, apiVersion: String, query: [(String, String)] = []) throws -> URL {
        let base = AzureEndpoints.join(connection.endpoints.resourceManager, Self.encodePath(path))
        let items = [("api-version", apiVersion)] + query
        let text = base + "?" + formEncodeQuery(items)
        guard let url = URL(string: text) else {
            throw AzureRESTError(
                kind: .invalidArgument, code: "InvalidPath", message: "Cannot build a URL from the ARM path.",
                location: path)
        }
        return url
    }

    /// Sends one ARM request and returns the 2xx response; any other status throws ``AzureRESTError`` built from
    /// the ARM error body. A `POST` answered 5xx throws kind `outcomeUnknown`: it is not repeated.
    public func send(
        _ method: HTTPMethod,
        url: URL,
        body: Data? = nil,
        headers: HTTPFields = [:]
    ) async throws -> HTTPResponse {
        var fields = headers
        fields["Accept"] = fields["Accept"] ?? "application/json"
        if body != nil { fields["Content-Type"] = fields["Content-Type"] ?? "application/json" }
        let request = HTTPRequest(
            method: method, url: url, headers: fields, body: body, timeout: connection.retryPolicy.requestTimeout)
        let outcome = try await connection.authorizedSend(
            request, audience: connection.endpoints.resourceManagerAudience,
            isStaleToken: { ServiceErrorBody($0).code == "ExpiredAuthenticationToken" })
        let response = outcome.response
        guard (200..<300).contains(response.status) else {
            var error = AzureRESTError.fromResponse(response, request: request, attempts: outcome.attempts)
            if response.status >= 500 && !request.isIdempotent {
                error.kind = .outcomeUnknown
                error.message +=
                    " The service may have carried out the request anyway: check for its effect before sending it again."
            }
            throw error
        }
        return response
    }

    /// ``send(_:url:body:headers:)`` on `path` with `api-version`.
    public func send(
        _ method: HTTPMethod,
        path: String,
        apiVersion: String,
        query: [(String, String)] = [],
        body: Data? = nil
    ) async throws -> HTTPResponse {
        try await send(method, url: url(path: path, apiVersion: apiVersion, query: query), body: body)
    }

    /// `GET` one resource; returns its JSON body.
    public func get(path: String, apiVersion: String, query: [(String, String)] = []) async throws -> Data {
        try await send(.get, path: path, apiVersion: apiVersion, query: query).body
    }

    /// `GET` a collection and every following page (`nextLink`; absent or `null` ends it). Each element comes back
    /// as its own bytes.
    public func list(path: String, apiVersion: String, query: [(String, String)] = []) async throws -> [ARMResourceBody]
    {
        try await list(url: url(path: path, apiVersion: apiVersion, query: query))
    }

    /// ``list(path:apiVersion:query:)`` from a full URL (a saved `nextLink`, for instance).
    public func list(url first: URL) async throws -> [ARMResourceBody] {
        var items: [ARMResourceBody] = []
        var next: URL? = first
        var seen: Set<String> = []
        while let url = next {
            guard seen.insert(url.absoluteString).inserted else {
                throw AzureRESTError(
                    kind: .invalidResponse, code: "PagingLoop",
                    message: "The service returned a nextLink that was already followed; stopping to avoid a loop.",
                    location: "GET \(Redaction.url(url))")
            }
            let response = try await send(.get, url: url)
            let page = try Self.parsePage(response.body, location: "GET \(Redaction.url(url))")
            items += page.items
            next = try page.nextLink.map { link in
                // nextLink is absolute in ARM; a relative one is resolved against the page's URL.
                guard let resolved = URL(string: link, relativeTo: url)?.absoluteURL else {
                    throw AzureRESTError(
                        kind: .invalidResponse, code: "InvalidNextLink", message: "nextLink '\(link)' is not a URL.",
                        location: "GET \(Redaction.url(url))")
                }
                return resolved
            }
        }
        return items
    }

    /// One page: its elements and the `nextLink`, if any.
    static func parsePage(_ body: Data, location: String) throws -> (items: [ARMResourceBody], nextLink: String?) {
        let parsed = try? JSONSerialization.jsonObject(with: body)
        let values: [Any]
        var nextLink: String?
        if let object = parsed as? [String: Any], let value = object["value"] as? [Any] {
            values = value
            if let link = object["nextLink"] as? String, !link.isEmpty { nextLink = link }
        } else if let array = parsed as? [Any] {
            values = array
        } else {
            throw AzureRESTError(
                kind: .invalidResponse, code: "InvalidListBody",
                message: "A list answer must be {\"value\": [...], \"nextLink\": ...}; this one is not.",
                location: location)
        }
        guard let ranges = try? JSONSlicer.listElements(in: body), ranges.count == values.count else {
            throw AzureRESTError(
                kind: .invalidResponse, code: "InvalidListBody",
                message: "Could not split the list answer into its elements.", location: location)
        }
        let items = zip(values, ranges).map { value, range in
            ARMResourceBody(id: (value as? [String: Any])?["id"] as? String ?? "", body: body.subdata(in: range))
        }
        return (items, nextLink)
    }

    /// Percent-encodes characters that cannot appear in a URL path (ARM ids contain `;` and `,`, which may stay).
    static func encodePath(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }
}

/// `name=value&...` for a query string; OData's `$`, `'` and `,` stay readable.
func formEncodeQuery(_ pairs: [(String, String)]) -> String {
    var allowed = CharacterSet.formValueAllowed
    allowed.insert(charactersIn: "$',:")
    return pairs.map { name, value in
        let n = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
        let v = value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
        return "\(n)=\(v)"
    }.joined(separator: "&")
}
