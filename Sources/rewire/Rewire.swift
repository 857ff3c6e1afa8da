import ArgumentParser
import Foundation

@main
struct Rewire: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewire",
        abstract: "Restore Azure VMs from backup with every special network setting reattached.",
        discussion: """
            Azure Backup restores a VM's disks but drops its load-balancer membership, extra NICs, \
            static and public IPs. rewire captures those settings into a manifest before the disaster \
            and writes the PowerShell that rebuilds the VM around the restored disks.

              rewire capture exports/ -o manifest.json
              rewire check manifest.json
              rewire script manifest.json -o restore/

            Exit codes: 0 success, 1 blocking problems found, 2 usage error, 65 bad input data, \
            69 a service was unavailable, 70 internal error.
            """,
        subcommands: [
            CaptureCommand.self, CheckCommand.self, RestoreCommand.self, ScriptCommand.self, RehearseCommand.self,
            DiffCommand.self, PrepareCommand.self, VaultCommand.self,
        ]
    )

    /// Parses and runs a subcommand, mapping every failure to one line on stderr and the exit
    /// codes of DESIGN.md (ArgumentParser's own usage errors become 2 instead of 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("rewire: error: \(failure.message)\n".utf8))
            Foundation.exit(failure.exitCode.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
