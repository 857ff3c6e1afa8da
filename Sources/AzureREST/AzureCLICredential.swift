import Foundation

/// The token of a logged-in Azure CLI: `az account get-access-token --output json --resource <audience>`.
///
/// `az` is looked up on the injected environment's `PATH` and run with that environment (so `AZURE_CONFIG_DIR`
/// and friends apply). Unavailable when `az` is absent or not logged in.
public struct AzureCLICredential: TokenCredential {
    public let name = "AzureCLICredential"
    private let environment: [String: String]
    private let timeout: Double

    /// - Parameter timeout: seconds `az` may take (it is slow to start: the SDKs allow 10–13 s).
    public init(environment: [String: String], timeout: Double = 13) {
        self.environment = environment
        self.timeout = timeout
    }

    public func fetchToken(audience: String) async throws -> AccessToken {
        guard let az = Self.findExecutable("az", searchPath: environment["PATH"]) else {
            throw unavailable("'az' was not found on PATH")
        }
        let arguments = ["account", "get-access-token", "--output", "json", "--resource", audience]
        let result: ProcessResult
        do {
            result = try await ProcessResult.run(
                executable: az, arguments: arguments, environment: environment, timeout: timeout)
        } catch {
            throw unavailable("could not start \(az): \(error)")
        }
        let stderr = Redaction.text(String(decoding: result.stderr, as: UTF8.self))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if result.timedOut {
            throw AzureRESTError(
                kind: .authentication, code: "AzureCLITimeout",
                message:
                    "'az account get-access-token' did not finish within \(Int(timeout)) s. Run it by hand to see why.",
                location: az)
        }
        guard result.status == 0 else {
            let firstLine = stderr.components(separatedBy: .newlines).first ?? ""
            if stderr.contains("az login") || stderr.contains("az account set") {
                throw unavailable("not logged in (\(firstLine)); run 'az login'")
            }
            throw AzureRESTError(
                kind: .authentication, code: "AzureCLIFailed",
                message: "'az account get-access-token' exited with status \(result.status): \(firstLine)",
                location: az)
        }
        guard let object = try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any],
            let token = object["accessToken"] as? String, !token.isEmpty,
            let expiry = Self.expiry(object)
        else {
            throw AzureRESTError(
                kind: .invalidResponse, code: "InvalidTokenResponse",
                message: "'az account get-access-token' printed no accessToken/expires_on. Update the Azure CLI.",
                location: az)
        }
        return AccessToken(token: token, expiresOn: expiry)
    }

    private func unavailable(_ reason: String) -> AzureRESTError {
        AzureRESTError(kind: .credentialUnavailable, code: "CredentialUnavailable", message: reason, location: name)
    }

    /// `expires_on` (epoch seconds, az ≥ 2.54) or `expiresOn` (`2023-10-31 21:59:10.000000`, local time).
    static func expiry(_ object: [String: Any]) -> Date? {
        if let epoch = jsonNumber(object["expires_on"]) { return Date(timeIntervalSince1970: epoch) }
        guard let text = object["expiresOn"] as? String else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        for format in ["yyyy-MM-dd HH:mm:ss.SSSSSS", "yyyy-MM-dd HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    /// The first executable file named `name` in the `:`-separated `searchPath`.
    static func findExecutable(_ name: String, searchPath: String?) -> String? {
        guard let searchPath else { return nil }
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(name)" : "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A finished child process's exit status and output.
struct ProcessResult: Sendable {
    var status: Int32
    var stdout: Data
    var stderr: Data
    var timedOut: Bool

    /// Runs `executable` to completion (or kills it after `timeout` seconds) without blocking the caller's thread.
    static func run(
        executable: String,
        arguments: [String],
        environment: [String: String],
        timeout: Double
    ) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProcessResult, any Error>) in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
                process.environment = environment
                let out = Pipe()
                let err = Pipe()
                process.standardOutput = out
                process.standardError = err
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                let box = OutputBox()
                let group = DispatchGroup()
                group.enter()
                DispatchQueue.global().async {
                    box.set(stdout: out.fileHandleForReading.readDataToEndOfFile())
                    group.leave()
                }
                group.enter()
                DispatchQueue.global().async {
                    box.set(stderr: err.fileHandleForReading.readDataToEndOfFile())
                    group.leave()
                }
                let pid = process.processIdentifier
                let killer = DispatchWorkItem {
                    box.markTimedOut()
                    kill(pid, SIGKILL)
                }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
                process.waitUntilExit()
                killer.cancel()
                group.wait()
                continuation.resume(returning: box.result(status: process.terminationStatus))
            }
        }
    }

    private final class OutputBox: @unchecked Sendable {
        private let lock = NSLock()
        private var out = Data()
        private var err = Data()
        private var timedOut = false

        func set(stdout: Data) { lock.withLock { out = stdout } }
        func set(stderr: Data) { lock.withLock { err = stderr } }
        func markTimedOut() { lock.withLock { timedOut = true } }
        func result(status: Int32) -> ProcessResult {
            lock.withLock { ProcessResult(status: status, stdout: out, stderr: err, timedOut: timedOut) }
        }
    }
}
