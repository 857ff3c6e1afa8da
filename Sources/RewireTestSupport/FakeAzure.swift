public import Foundation

/// A running fake Azure server (`../shared/tools/fakeazure/server.py`) for end-to-end tests.
///
/// Start one per test (they are cheap: about half a second) and stop it when done, ideally through
/// ``FakeAzure/with(seed:options:_:)`` which stops it on every path:
///
/// ```swift
/// try await FakeAzure.with(options: ["--time-scale", "0", "--blob-uri-style", "local"]) { fake in
///     // point the client at fake.baseURL ...
///     let log = try fake.control("GET", "/_fake/requests?kind=arm")
/// }
/// ```
///
/// The server directory is `$REWIRE_FAKEAZURE_DIR` or, by default, `../shared/tools/fakeazure` next to the
/// repository. Control calls (`/_fake/*`) go through `python3`'s `urllib`, so this file needs nothing but
/// Foundation (URLSession lives in FoundationNetworking on Linux).
public final class FakeAzure: @unchecked Sendable {
    /// `http://127.0.0.1:PORT`, as the server announced it.
    public let baseURL: URL
    /// The server's stderr (useful with `--verbose`).
    public let stderrLog: URL
    private let process: Process
    private let lock = NSLock()
    private var stopped = false

    /// Credentials and ids in `seeds/web-tier.json`.
    public enum WebTier {
        public static let tenantID = "8a1d2f3e-4b5c-4d6e-9f70-81a2b3c4d5e6"
        public static let clientID = "5e2d9c41-0b7a-4c3e-8f61-9a2b4c6d8e10"
        public static let clientSecret = "fakeazure-client-secret"
        public static let managedIdentityClientID = "7b3f1e2d-4c5a-4697-8a1b-2c3d4e5f6a7b"
        public static let subscriptionID = "3c9e5b1a-7d24-4f8e-a6b0-2d9c4e7f1a53"
        public static let vaultID =
            "/subscriptions/3c9e5b1a-7d24-4f8e-a6b0-2d9c4e7f1a53/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod-weu"
    }

    /// Where the fake lives.
    public static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["REWIRE_FAKEAZURE_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        // This file is <repo>/Sources/RewireTestSupport/FakeAzure.swift; the fake is <repo>/../shared/tools/fakeazure.
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("shared/tools/fakeazure")
    }

    /// The seed `seeds/<name>.json` of the fake.
    public static func seed(_ name: String) -> URL {
        directory.appendingPathComponent("seeds/\(name).json")
    }

    /// A failure to start or talk to the fake.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `server.py --port 0 --seed SEED OPTIONS...` and waits (up to `startTimeout` seconds) for its
    /// `listening on http://127.0.0.1:PORT` line.
    public init(seed: URL? = FakeAzure.seed("web-tier"), options: [String] = [], startTimeout: Double = 20) throws {
        let server = Self.directory.appendingPathComponent("server.py")
        guard FileManager.default.fileExists(atPath: server.path) else {
            throw Failure(description: "fake Azure not found at \(server.path); set REWIRE_FAKEAZURE_DIR")
        }
        var arguments = [server.path, "--port", "0"]
        if let seed { arguments += ["--seed", seed.path] }
        arguments += options
        stderrLog = FileManager.default.temporaryDirectory
            .appendingPathComponent("fakeazure-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: stderrLog.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // A small supervisor runs the server: threads of a test process (libdispatch workers, Swift concurrency)
        // block signals and a spawned child inherits that mask, so SIGTERM would stay pending forever; the
        // supervisor clears the mask, forwards SIGTERM, and stops the server if the test process dies first
        // (killed by a CI timeout, say), so no server is left behind.
        process.arguments = ["python3", "-c", Self.supervisor] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: stderrLog)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process

        // Read the announcement line on another thread so a silent server cannot hang the test forever.
        let reader = LineReader(stdout.fileHandleForReading)
        guard let line = reader.firstLine(timeout: startTimeout), line.hasPrefix("listening on "),
            let url = URL(string: String(line.dropFirst("listening on ".count)))
        else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let errors = (try? String(contentsOf: stderrLog, encoding: .utf8)) ?? ""
            throw Failure(description: "fake Azure did not start: \(errors.suffix(2000))")
        }
        baseURL = url
    }

    /// Runs `python3 ARGS...` as a child: clears the signal mask, forwards SIGTERM, watches the parent.
    private static let supervisor = """
        import os, signal, subprocess, sys, time
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        parent = os.getppid()
        child = subprocess.Popen([sys.executable] + sys.argv[1:])
        def stop(*_):
            child.terminate()
            try:
                child.wait(5)
            except subprocess.TimeoutExpired:
                child.kill()
            sys.exit(0)
        signal.signal(signal.SIGTERM, stop)
        while child.poll() is None:
            if os.getppid() != parent:
                stop()
            time.sleep(0.2)
        sys.exit(child.returncode)
        """

    deinit { stop() }

    /// Stops the server (SIGTERM) and waits for it to exit. Safe to call more than once.
    public func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        if process.isRunning {
            process.terminate()
            // Give it 5 s to exit on SIGTERM, then SIGKILL (a stuck server must not hang the test run).
            for _ in 0..<500 where process.isRunning { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: stderrLog)
    }

    /// Runs `body` with a fresh server and stops it afterwards, whether `body` throws or not.
    public static func with<T>(
        seed: URL? = FakeAzure.seed("web-tier"),
        options: [String] = [],
        _ body: (FakeAzure) async throws -> T
    ) async throws -> T {
        let fake = try FakeAzure(seed: seed, options: options)
        defer { fake.stop() }
        return try await body(fake)
    }

    /// Calls a `/_fake/*` control endpoint (no auth) and returns the body. `body` is sent as JSON.
    public func control(_ method: String, _ path: String, body: Data? = nil) throws -> Data {
        let script = """
            import sys, urllib.request, urllib.error
            data = sys.stdin.buffer.read()
            req = urllib.request.Request(sys.argv[1], data=data if data else None, method=sys.argv[2],
                                         headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    sys.stdout.buffer.write(r.read())
            except urllib.error.HTTPError as e:
                sys.stdout.buffer.write(e.read()); sys.exit(3)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, baseURL.absoluteString + path, method]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(body ?? Data())
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "\(method) \(path) failed: \(String(decoding: data, as: UTF8.self).prefix(500))")
        }
        return data
    }

    /// `control` parsed as a JSON object.
    public func controlJSON(_ method: String, _ path: String, body: [String: Any]? = nil) throws -> [String: Any] {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let data = try control(method, path, body: payload)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure(description: "\(method) \(path) did not answer a JSON object")
        }
        return object
    }

    /// The request log (`GET /_fake/requests`), optionally of one kind (`arm`, `blob`, `auth`, `imds`).
    public func requestLog(kind: String? = nil) throws -> [[String: Any]] {
        let object = try controlJSON("GET", "/_fake/requests" + (kind.map { "?kind=\($0)" } ?? ""))
        return object["requests"] as? [[String: Any]] ?? []
    }

    /// Replaces the fault rules (`POST /_fake/faults {"spec": ...}`); an empty spec clears them.
    public func setFaults(_ spec: String) throws {
        _ = try control("POST", "/_fake/faults", body: Data("{\"spec\": \(Self.jsonString(spec))}".utf8))
    }

    /// Moves the fake clock forward: jobs finish, tokens expire.
    public func advanceClock(seconds: Double) throws {
        _ = try control("POST", "/_fake/clock", body: Data("{\"advance\": \(seconds)}".utf8))
    }

    private static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}

/// Reads the first line of a pipe on a background thread, with a timeout.
private final class LineReader: @unchecked Sendable {
    private let handle: FileHandle
    private let done = DispatchSemaphore(value: 0)
    private var line: String?

    init(_ handle: FileHandle) { self.handle = handle }

    func firstLine(timeout: Double) -> String? {
        Thread.detachNewThread { [self] in
            var bytes: [UInt8] = []
            while true {
                let chunk = handle.readData(ofLength: 1)
                if chunk.isEmpty { break }
                if chunk[chunk.startIndex] == UInt8(ascii: "\n") { break }
                bytes.append(chunk[chunk.startIndex])
            }
            line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        return line
    }
}
