public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The one real ``HTTPRequestSending``: AsyncHTTPClient.
///
/// By default it uses ``defaultClient``, one process-wide client that is never released (so it never needs the
/// shutdown an `HTTPClient` of one's own requires before release, or debug builds trap). Pass your own client to
/// change TLS or proxy settings; its lifecycle is then yours.
public struct AsyncHTTPClientSender: HTTPRequestSending {
    private let client: HTTPClient
    private let maximumBodyBytes: Int

    /// The client rewire uses: redirects off (ARM and blob storage do not redirect, and a bearer token must not
    /// follow one), connections given up after 10 s (the pool keeps retrying a refused connection until then),
    /// up to 32 connections per host for concurrent restores.
    public static let defaultClient: HTTPClient = {
        var pool = HTTPClient.Configuration.ConnectionPool()
        pool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        let configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: .seconds(10), read: .seconds(120)),
            connectionPool: pool)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// - Parameters:
    ///   - client: the client to send through.
    ///   - maximumBodyBytes: responses larger than this fail (restore config and template blobs are a few KiB).
    public init(client: HTTPClient = AsyncHTTPClientSender.defaultClient, maximumBodyBytes: Int = 64 << 20) {
        self.client = client
        self.maximumBodyBytes = maximumBodyBytes
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = NIOHTTP1.HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers {
            outgoing.headers.add(name: field.name, value: field.value)
        }
        if let body = request.body {
            outgoing.body = .bytes(Array(body))
        }
        let timeout = TimeAmount.nanoseconds(Int64(max(0.001, request.timeout) * 1_000_000_000))
        do {
            let response = try await client.execute(outgoing, timeout: timeout)
            var buffer = try await response.body.collect(upTo: maximumBodyBytes)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            var headers = HTTPFields()
            var fields: [HTTPField] = []
            for (name, value) in response.headers {
                fields.append(HTTPField(name: name, value: value))
            }
            headers = HTTPFields(fields)
            return HTTPResponse(status: Int(response.status.code), headers: headers, body: Data(bytes))
        } catch let error as HTTPTransportError {
            throw error
        } catch {
            throw Self.classify(error)
        }
    }

    /// Maps AsyncHTTPClient / NIO errors onto the few kinds the retry logic cares about.
    static func classify(_ error: any Error) -> HTTPTransportError {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                return HTTPTransportError(kind: .connectionFailed, detail: "\(error)")
            case .readTimeout, .writeTimeout, .deadlineExceeded:
                return HTTPTransportError(kind: .timeout, detail: "\(error)")
            case .remoteConnectionClosed, .uncleanShutdown, .cancelled:
                return HTTPTransportError(kind: .connectionLost, detail: "\(error)")
            default:
                return HTTPTransportError(kind: .other, detail: "\(error)")
            }
        }
        // NIO's connection errors live in NIOPosix; match them by name and text rather than importing it.
        let text = "\(type(of: error)) \(error)".lowercased()
        let refused = [
            "nioconnectionerror", "connection refused", "connectionrefused", "no route to host",
            "network is unreachable", "getaddrinfo", "name resolution", "unknown host",
        ]
        if refused.contains(where: text.contains) {
            return HTTPTransportError(kind: .connectionFailed, detail: "\(error)")
        }
        let lost = ["connection reset", "broken pipe", "ioerror", "channelerror", "eof"]
        if lost.contains(where: text.contains) {
            return HTTPTransportError(kind: .connectionLost, detail: "\(error)")
        }
        return HTTPTransportError(kind: .other, detail: "\(error)")
    }
}
