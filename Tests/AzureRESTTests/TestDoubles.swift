import Foundation
import Logging

@testable import AzureREST

/// A sender that answers from a script and records every request.
final class ScriptedSender: HTTPRequestSending, @unchecked Sendable {
    typealias Step = @Sendable (HTTPRequest) throws -> HTTPResponse
    private let lock = NSLock()
    private var steps: [Step]
    private var fallback: Step?
    private(set) var requests: [HTTPRequest] = []

    /// Answers with `steps` in order, then with `fallback` (or fails the test by throwing).
    init(_ steps: [Step] = [], fallback: Step? = nil) {
        self.steps = steps
        self.fallback = fallback
    }

    convenience init(responses: [HTTPResponse]) {
        self.init(responses.map { response in { _ in response } })
    }

    var sent: [HTTPRequest] { lock.withLock { requests } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let step: Step? = lock.withLock {
            requests.append(request)
            return steps.isEmpty ? fallback : steps.removeFirst()
        }
        guard let step else {
            throw HTTPTransportError(kind: .other, detail: "script exhausted at \(request.method) \(request.url)")
        }
        return try step(request)
    }
}

/// A clock that never waits: sleeping records the duration and moves `now` forward.
final class VirtualClock: AzureClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var slept: [Double] = []

    init(start: Date = Date(timeIntervalSince1970: 1_763_604_074)) { current = start }

    var sleeps: [Double] { lock.withLock { slept } }

    func now() -> Date { lock.withLock { current } }

    func advance(_ seconds: Double) { lock.withLock { current = current.addingTimeInterval(seconds) } }

    func sleep(seconds: Double) async throws {
        lock.withLock {
            slept.append(seconds)
            current = current.addingTimeInterval(seconds)
        }
    }
}

/// Always the same "random" number.
struct FixedRandom: RandomSource {
    var value: Double
    func nextUnit() -> Double { value }
}

/// Hands out numbered tokens and counts fetches.
final class CountingCredential: TokenCredential, @unchecked Sendable {
    let name = "CountingCredential"
    private let lock = NSLock()
    private var count = 0
    let lifetime: Double
    let clock: any AzureClock

    init(lifetime: Double = 3600, clock: any AzureClock) {
        self.lifetime = lifetime
        self.clock = clock
    }

    var fetches: Int { lock.withLock { count } }

    func fetchToken(audience: String) async throws -> AccessToken {
        let n = lock.withLock {
            count += 1
            return count
        }
        return AccessToken(token: "token-\(n)-\(audience)", expiresOn: clock.now().addingTimeInterval(lifetime))
    }
}

/// A credential that is never available, with a reason.
struct UnavailableCredential: TokenCredential {
    let name: String
    func fetchToken(audience: String) async throws -> AccessToken {
        throw AzureRESTError(kind: .credentialUnavailable, code: "CredentialUnavailable", message: "\(name) is off")
    }
}

func json(_ text: String, status: Int = 200, headers: HTTPFields = [:]) -> HTTPResponse {
    var fields = headers
    fields["Content-Type"] = "application/json"
    return HTTPResponse(status: status, headers: fields, body: Data(text.utf8))
}

func armError(_ status: Int, code: String, message: String, headers: HTTPFields = [:]) -> HTTPResponse {
    json(#"{"error":{"code":"\#(code)","message":"\#(message)"}}"#, status: status, headers: headers)
}

let testEndpoints = AzureEndpoints(
    resourceManager: URL(string: "https://management.example")!,
    authorityHost: URL(string: "https://login.example")!,
    managedIdentity: URL(string: "http://imds.example")!)

/// An ARM client over a scripted sender, a virtual clock and fixed jitter.
func makeARM(
    _ sender: ScriptedSender,
    clock: VirtualClock = VirtualClock(),
    random: Double = 0.5,
    policy: RetryPolicy = .standard
) -> (ARMClient, CountingCredential) {
    let credential = CountingCredential(clock: clock)
    let connection = AzureConnection(
        endpoints: testEndpoints, credential: credential, sender: sender, retryPolicy: policy, clock: clock,
        random: FixedRandom(value: random), logger: Logger(label: "test"))
    return (ARMClient(connection: connection), credential)
}

/// The `body` of a fixture's first response, from `/work/shared/fixtures/arm` (or `$REWIRE_FIXTURES_DIR`).
func fixture(_ relativePath: String) throws -> [String: Any] {
    let root =
        ProcessInfo.processInfo.environment["REWIRE_FIXTURES_DIR"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/fixtures/arm").path
    let data = try Data(contentsOf: URL(fileURLWithPath: root).appendingPathComponent(relativePath))
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
}
