import Foundation
import RewireModel

/// Reads the files one command hands to the next: manifests and restore reports. A file that is
/// not one is bad input (65), named with the JSON path of what is wrong.
enum ManifestLoading {
    /// The manifest at `path`.
    static func read(_ path: String) throws -> Manifest {
        try decode(try FileIO.read(path), path: path)
    }

    /// A manifest from bytes already read (for commands that also digest them).
    static func decode(_ bytes: [UInt8], path: String) throws -> Manifest {
        do {
            return try Manifest.decode(bytes)
        } catch {
            throw CommandFailure(.dataError, "\(path): \(error.description)")
        }
    }

    /// The restore report at `path`, written by `rewire restore`.
    static func readRestoreReport(_ path: String) throws -> RestoreReport {
        let report: RestoreReport
        do {
            report = try JSONDecoder().decode(RestoreReport.self, from: Data(try FileIO.read(path)))
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure(.dataError, "\(path): expected a restore report written by 'rewire restore' (\(error))")
        }
        guard report.schemaVersion <= RestoreReport.currentSchemaVersion else {
            throw CommandFailure(
                .dataError,
                "\(path): $.schemaVersion: report version \(report.schemaVersion) is newer than this rewire understands")
        }
        return report
    }

    /// The VMs named (all when none), by name; an unknown name is an error listing the manifest's VMs.
    static func select(_ names: [String], from manifest: Manifest, path: String) throws -> [VirtualMachine] {
        let all = manifest.virtualMachines.sorted { $0.name < $1.name }
        guard !names.isEmpty else {
            guard !all.isEmpty else {
                throw CommandFailure(.dataError, "\(path): $.virtualMachines: the manifest has no VMs")
            }
            return all
        }
        var chosen: [VirtualMachine] = []
        for name in names {
            guard let vm = all.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
                throw CommandFailure(
                    .dataError,
                    "\(path): $.virtualMachines: no VM named '\(name)' (the manifest has \(all.map(\.name).joined(separator: ", ")))"
                )
            }
            if !chosen.contains(where: { $0.name == vm.name }) { chosen.append(vm) }
        }
        return chosen.sorted { $0.name < $1.name }
    }
}
