public import Foundation

/// A downloaded blob.
public struct BlobDownload: Sendable, Equatable {
    /// The blob's bytes, exactly as stored (the restore config blob is UTF-16LE with NUL padding: decode it
    /// in the caller).
    public var data: Data
    public var contentType: String?
    /// `BlockBlob`, `PageBlob` or `AppendBlob` (`x-ms-blob-type`).
    public var blobType: String?
    public var etag: String?
}

/// A blob's properties, from its headers.
public struct BlobProperties: Sendable, Equatable {
    /// The blob's size in bytes (`Content-Length` of Get Blob Properties).
    public var contentLength: Int64?
    /// `BlockBlob`, `PageBlob` or `AppendBlob` (`x-ms-blob-type`).
    public var blobType: String?
    public var etag: String?
}

/// Reads blobs by URI, as a restore job reports them (`Config Blob Uri`, `Template Blob Uri`).
///
/// Authorization: a URI that carries a SAS (`sig=`) is used as is; otherwise an Entra ID token for
/// `https://storage.azure.com/` is sent with `x-ms-version` (bearer auth needs 2017-11-09 or later).
public struct BlobClient: Sendable {
    /// The storage REST version sent in `x-ms-version`.
    public static let storageAPIVersion = "2023-11-03"

    public let connection: AzureConnection

    /// A client on `connection` (shares its token cache and retry policy).
    public init(connection: AzureConnection) {
        self.connection = connection
    }

    /// Downloads the whole blob at `url` (Get Blob). Throws ``AzureRESTError`` with the storage error code
    /// (`BlobNotFound`, `AuthorizationPermissionMismatch`, ...) on failure.
    public func download(_ url: URL) async throws -> BlobDownload {
        let response = try await send(.get, url)
        return BlobDownload(
            data: response.body, contentType: response.headers["Content-Type"],
            blobType: response.headers["x-ms-blob-type"], etag: response.headers["ETag"])
    }

    /// The blob's properties without its bytes (Get Blob Properties, `HEAD`): how a restored VHD in
    /// the staging account is checked without downloading it. Same errors as ``download(_:)``.
    public func properties(_ url: URL) async throws -> BlobProperties {
        let response = try await send(.head, url)
        return BlobProperties(
            contentLength: response.headers["Content-Length"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) },
            blobType: response.headers["x-ms-blob-type"], etag: response.headers["ETag"])
    }

    private func send(_ method: HTTPMethod, _ url: URL) async throws -> HTTPResponse {
        let request = HTTPRequest(
            method: method, url: url, headers: ["x-ms-version": Self.storageAPIVersion],
            timeout: connection.retryPolicy.requestTimeout)
        let outcome: HTTPPipeline.Outcome
        if Self.hasSAS(url) {
            outcome = try await connection.pipeline.send(request)
        } else {
            // Storage answers 401 InvalidAuthenticationInfo for an expired token: fetch a new one once.
            outcome = try await connection.authorizedSend(
                request, audience: connection.endpoints.storageAudience, isStaleToken: { _ in true })
        }
        let response = outcome.response
        guard (200..<300).contains(response.status) else {
            var error = AzureRESTError.fromResponse(response, request: request, attempts: outcome.attempts)
            if response.status == 403 {
                error.message +=
                    " Reading blobs with Entra ID needs the 'Storage Blob Data Reader' role on the account."
            }
            throw error
        }
        return response
    }

    static func hasSAS(_ url: URL) -> Bool {
        URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.contains { $0.name == "sig" } ?? false
    }
}
