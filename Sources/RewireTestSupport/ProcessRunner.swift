public import Foundation

/// The outcome of a child process.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

public enum ProcessRunner {
    /// Runs a program to completion, collecting both streams (read concurrently, so a chatty child
    /// cannot block on a full pipe).
    public static func run(
        _ executable: URL, _ arguments: [String], currentDirectory: URL? = nil, environment: [String: String]? = nil,
        stdin: Data? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            outData = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.wait()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs the built `rewire` binary.
    public static func rewire(_ arguments: [String], currentDirectory: URL? = nil, environment: [String: String]? = nil) throws
        -> ProcessResult
    {
        try run(Paths.rewireBinary, arguments, currentDirectory: currentDirectory, environment: environment)
    }

    /// Runs `python3` with arguments (the shared tools: pscheck, the fake).
    public static func python(_ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
        try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments, stdin: stdin)
    }
}
