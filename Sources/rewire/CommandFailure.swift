import Foundation

/// The exit codes of the command-line contract (DESIGN.md); runbooks branch on them.
enum ExitStatus: Int32 {
    case success = 0
    /// The command ran and found blocking problems (check, rehearse).
    case blockingFindings = 1
    case usage = 2
    /// Bad input data (sysexits EX_DATAERR).
    case dataError = 65
    /// A service was unavailable (EX_UNAVAILABLE).
    case unavailable = 69
    /// Internal error (EX_SOFTWARE).
    case internalError = 70
}

/// A failure the CLI reports as one line on stderr and an exit status.
struct CommandFailure: Error {
    var exitCode: ExitStatus
    var message: String

    init(_ exitCode: ExitStatus, _ message: String) {
        self.exitCode = exitCode
        self.message = message
    }
}
