import ArgumentParser
import Foundation
import Restore
import RewireModel
import ScriptGen

struct PrepareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Write the PowerShell that prepares the estate for Azure Backup, and a report of what it found.",
        discussion: """
            OUTDIR receives prepare.ps1 and PREPARE.md. The script checks every VM agent \
            (Get-AzVM -Status; Windows 2.6.1198.718 or later) and stops before changing anything when \
            one is missing; adds an outbound allow to the region's Storage service tag (443, with 8443 \
            for managed disks and 80 for unmanaged ones) to every NSG whose deny rules would stop the backup extension; with \
            --proxy, points the agent and extension at the proxy inside each VM (Invoke-AzVMRunCommand); \
            gets or creates one Recovery Services vault per region, sets its storage redundancy before \
            anything is protected, and enables protection for every VM not protected yet. VMs protected \
            by another vault are reported, not touched; classic VMs are reported only. Everything is \
            get-or-create and previews with -WhatIf. PREPARE.md lists the limitations rewire check \
            finds, with what each means for a restore.

              rewire prepare manifest.json -o prepare/ --vault-prefix rsv-prod- --redundancy GeoRedundant
              pwsh prepare/prepare.ps1 -WhatIf

            Vault names: --vault-name for one region, --vault-prefix P for P<region>; by default the \
            vault that already protects a region's VMs, else rsv-<region>. Exit 2 for a bad option value \
            (nothing is written).
            """
    )

    @Argument(help: "The manifest written by 'rewire capture'.")
    var manifest: String

    @Option(name: .shortAndLong, help: "The folder to write prepare.ps1 and PREPARE.md into.")
    var output: String

    @Option(name: .customLong("vault-name"), help: "The vault's name, when the VMs are in one region (e.g. rsv-prod).")
    var vaultName: String?

    @Option(
        name: .customLong("vault-prefix"),
        help: "Name each region's vault <prefix><region> (e.g. rsv-prod- gives rsv-prod-westeurope).")
    var vaultPrefix: String?

    @Option(help: "Storage redundancy of new vaults: GeoRedundant (default) or LocallyRedundant.")
    var redundancy: String = BackupStorageRedundancy.geoRedundant.rawValue

    @Option(help: "A backup policy that exists in every vault (default: the vault's DefaultPolicy).")
    var policy: String?

    @Option(help: "An HTTP proxy the VM agent and backup extension use, HOST:PORT (e.g. 10.0.0.4:3128).")
    var proxy: String?

    @Option(
        name: .customLong("resource-group"),
        help: "The resource group of the vaults (default: that of the region's first VM).")
    var resourceGroup: String?

    @Option(help: "A folder of templates that replace the built-in ones of the same name.")
    var templates: String?

    func validate() throws {
        if vaultName != nil && vaultPrefix != nil {
            throw ValidationError("Give at most one of --vault-name and --vault-prefix.")
        }
        if BackupStorageRedundancy(rawValue: redundancy) == nil {
            throw ValidationError("--redundancy '\(redundancy)': expected GeoRedundant or LocallyRedundant.")
        }
    }

    func run() async throws {
        let decoded = try ManifestLoading.read(manifest)
        let options: PrepareOptions
        do {
            options = PrepareOptions(
                vaultNaming: vaultName.map { .name($0) } ?? vaultPrefix.map { .prefix($0) } ?? .automatic,
                redundancy: BackupStorageRedundancy(rawValue: redundancy) ?? .geoRedundant, policyName: policy,
                proxy: try proxy.map { text throws(PrepareError) in try ProxyAddress(parsing: text) },
                resourceGroup: resourceGroup,
                regenerateCommand: regenerateCommand, templatesDirectory: templates)
        } catch {
            throw CommandFailure(.usage, error.message)
        }
        // The documented limitations, as `rewire check` finds them, with capture's own findings.
        let limitations = Preflight.sorted(decoded.findings + Preflight().findings(for: decoded, target: nil))
        let generated: (plan: PreparePlan, files: [GeneratedFile])
        do {
            generated = try PrepareGenerator(options: options).generate(decoded, limitations: limitations)
        } catch {
            switch error.kind {
            case .usage: throw CommandFailure(.usage, error.message)
            case .data: throw CommandFailure(.dataError, "\(manifest): \(error.message)")
            case .template: throw CommandFailure(templates == nil ? .internalError : .dataError, error.message)
            }
        }
        try FileIO.writeAllAtomically(generated.files.map { ($0.name, Array($0.contents.utf8)) }, into: output)
        let plan = generated.plan
        let blockers = plan.findings.filter { $0.severity == .blocker }.count
        print(
            "wrote prepare.ps1 and PREPARE.md to \(output): \(plan.vaults.count) vault(s), \(plan.protectedNow.count) VM(s) to protect, "
                + "\(plan.ruleAdditions.count) NSG rule(s), \(plan.proxy == nil ? 0 : plan.virtualMachines.filter(\.isPrepared).count) proxy step(s), "
                + "\(limitations.count) limitation(s), \(blockers) blocker(s)")
    }

    /// The command that regenerates the files, for their headers.
    private var regenerateCommand: String {
        var parts = ["rewire prepare", manifest, "-o", output]
        if let vaultName { parts += ["--vault-name", vaultName] }
        if let vaultPrefix { parts += ["--vault-prefix", vaultPrefix] }
        if redundancy != BackupStorageRedundancy.geoRedundant.rawValue { parts += ["--redundancy", redundancy] }
        if let policy { parts += ["--policy", policy] }
        if let proxy { parts += ["--proxy", proxy] }
        if let resourceGroup { parts += ["--resource-group", resourceGroup] }
        if let templates { parts += ["--templates", templates] }
        return parts.joined(separator: " ")
    }
}
