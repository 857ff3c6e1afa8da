import RewireModel

/// The documented limitations of Azure VM backup and restore, by era
/// (`../shared/docs/restore-procedures.md` §5): disks, regions, the vault, the OS and its agent.
extension Preflight {
    // MARK: - Vault

    func vaultFindings() -> [Finding] {
        guard let vaultName, let problem = VaultName.problem(vaultName) else { return [] }
        return [
            Finding(
                severity: .blocker, code: "vault.name.invalid", message: problem, setting: "vaultName",
                action:
                    "Use a vault name of 2 to 50 characters that starts with a letter and holds only letters, digits and hyphens."
            )
        ]
    }

    /// What the vault's protected-item list says about the VM: protected by another vault than the
    /// one the restore will use, or no longer protected.
    func protectionFindings(_ vm: VirtualMachine) -> [Finding] {
        guard let backup = vm.backup else { return [] }
        var findings: [Finding] = []
        let protecting = ResourceID(backup.vaultId)?.name ?? backup.vaultId
        if let vaultName, protecting.lowercased() != vaultName.lowercased() {
            findings.append(
                Finding(
                    severity: .warning, code: "vault.notProtecting",
                    message:
                        "\(vm.name) is protected by vault '\(protecting)', not by '\(vaultName)'; its recovery points are in '\(protecting)'",
                    vm: vm.name, setting: "backup.vaultId",
                    action:
                        "Restore \(vm.name) from vault '\(protecting)' (-VaultName), or protect it in '\(vaultName)' first."
                ))
        }
        if let state = backup.protectionState, !["protected", "irpending"].contains(state.lowercased()) {
            findings.append(
                Finding(
                    severity: .warning, code: "backup.notProtected",
                    message: "\(vm.name)'s backup is '\(state)'"
                        + (backup.lastRecoveryPoint.map { "; its last recovery point is from \($0)" }
                            ?? " and no recovery point is recorded"),
                    vm: vm.name, setting: "backup.protectionState",
                    action:
                        "Resume protection (Enable-AzRecoveryServicesBackupProtection) so that recent recovery points exist before they are needed."
                ))
        }
        return findings
    }

    // MARK: - Disks

    /// Data disks per VM: 16 until 2019; 32 in the 2020+ support matrices, but still 16 for
    /// unmanaged-disk and classic VMs.
    func dataDiskLimit(_ vm: VirtualMachine) -> Int {
        guard profile == .current, !vm.hasUnmanagedDisks else { return 16 }
        return 32
    }

    func diskFindings(_ vm: VirtualMachine) -> [Finding] {
        var findings: [Finding] = []
        let dataDisks = vm.dataDisks
        let limit = dataDiskLimit(vm)
        if dataDisks.count > limit {
            let why = limit == 16 && profile == .current ? " (unmanaged and classic disks stay at 16)" : ""
            findings.append(
                Finding(
                    severity: .blocker, code: "limit.dataDisks.count",
                    message:
                        "\(vm.name) has \(dataDisks.count) data disks; Azure Backup protects at most \(limit) per VM in the \(profile.rawValue) era\(why)",
                    vm: vm.name, setting: "dataDisks",
                    action:
                        "Move data beyond \(limit) disks elsewhere (or consolidate disks) so the VM has at most \(limit) data disks."
                ))
        }
        for disk in [vm.osDisk] + dataDisks {
            guard let size = disk.sizeGB, let finding = diskSizeFinding(vm, disk: disk, sizeGB: size) else { continue }
            findings.append(finding)
        }
        if profile == .current {
            let total = ([vm.osDisk] + dataDisks).compactMap(\.sizeGB).reduce(0, +)
            if total > 512 * 1024 {
                findings.append(
                    Finding(
                        severity: .blocker, code: "limit.disk.totalSize",
                        message: "\(vm.name) has \(total) GB of disks; Azure Backup protects at most 512 TB per VM",
                        vm: vm.name, setting: "disks", action: "Exclude disks from the backup or move data off the VM.")
                )
            }
        }
        return findings
    }

    private func diskSizeFinding(_ vm: VirtualMachine, disk: Disk, sizeGB: Int) -> Finding? {
        let setting = disk.lun.map { "dataDisks[lun \($0)].sizeGB" } ?? "osDisk.sizeGB"
        func finding(_ severity: Severity, _ limit: String, _ action: String) -> Finding {
            Finding(
                severity: severity, code: "limit.disk.size",
                message: "disk '\(disk.name)' of \(vm.name) is \(sizeGB) GB; \(limit)", vm: vm.name, setting: setting,
                action: action)
        }
        switch profile {
        case .classic2015:
            guard sizeGB > 1023 else { return nil }
            return finding(
                .blocker, "disks over 1023 GB are not backed up in the classic-2015 era",
                "Split the data over disks of at most 1023 GB.")
        case .arm2018:
            if sizeGB > 4095 {
                return finding(
                    .blocker, "disks over 4095 GB are not backed up in the arm-2018 era, even on backup stack V2",
                    "Split the data over disks of at most 4095 GB.")
            }
            guard sizeGB > 1023 else { return nil }
            return finding(
                .blocker,
                "disks over 1023 GB fail with UserErrorUnsupportedDiskSize unless the vault runs VM backup stack V2 (up to 4095 GB)",
                "Upgrade the vault to VM backup stack V2 (Instant Restore), or split the data over disks of at most 1023 GB."
            )
        case .current:
            if disk.kind == .vhd, sizeGB > 4095 {
                return finding(
                    .blocker, "unmanaged (VHD) disks are limited to 4095 GB",
                    "Convert the VM to managed disks before relying on its backup.")
            }
            if sizeGB > 65536 {
                return finding(
                    .blocker, "Azure Backup protects disks of at most 64 TB",
                    "Split the data over disks of at most 64 TB.")
            }
            guard sizeGB > 32767 else { return nil }
            return finding(
                .warning,
                "disks over 32 TB are protected only under the 2026 limits (64 TB per disk, Enhanced policy); the 2020–2023 limit was 32 TB",
                "Make sure the VM's backup policy is an Enhanced policy and that a recovery point of this disk exists.")
        }
    }

    // MARK: - Regions

    func regionFindings(_ vm: VirtualMachine) -> [Finding] {
        // A classic VM read from a Get Role body has no region: nothing to compare.
        guard !vm.location.isEmpty else { return [] }
        var findings: [Finding] = []
        if let vaultLocation, Region.key(vaultLocation) != Region.key(vm.location) {
            findings.append(
                Finding(
                    severity: .blocker, code: "vault.region.mismatch",
                    message:
                        "\(vm.name) is in \(vm.location) but the vault is in \(vaultLocation); Azure Backup needs the vault and the VM in the same region",
                    vm: vm.name, setting: "location",
                    action: "Use a Recovery Services vault in \(vm.location) (one vault per region)."))
        }
        if let targetLocation, Region.key(targetLocation) != Region.key(vm.location) {
            if profile.isLegacy {
                findings.append(
                    Finding(
                        severity: .blocker, code: "restore.crossRegion",
                        message:
                            "\(vm.name) is in \(vm.location) and would be restored into \(targetLocation); restore across regions is not supported in the \(profile.rawValue) era",
                        vm: vm.name, setting: "location",
                        action:
                            "Restore into \(vm.location), then move the VM with Azure Site Recovery or a disk copy if it must run in \(targetLocation)."
                    ))
            } else {
                findings.append(
                    Finding(
                        severity: .warning, code: "restore.crossRegion",
                        message:
                            "\(vm.name) is in \(vm.location) and would be restored into \(targetLocation): cross-region restore works only from a GRS vault with Cross Region Restore enabled, into the paired (secondary) region, from recovery points already replicated there",
                        vm: vm.name, setting: "location",
                        action:
                            "Enable Cross Region Restore on the vault (GRS), check that \(targetLocation) is the paired region, and restore from a secondary-region recovery point."
                    ))
            }
        }
        return findings
    }

    // MARK: - Operating system and agent

    func operatingSystemFindings(_ vm: VirtualMachine) -> [Finding] {
        guard vm.osType == .windows, let evidence = WindowsVersion.unsupportedEvidence(vm) else { return [] }
        return [
            Finding(
                severity: .blocker, code: "limit.os.windowsVersion",
                message:
                    "\(vm.name) runs \(evidence); Azure Backup supports Windows Server 2008 R2 and later (64-bit) only",
                vm: vm.name, setting: "osVersion",
                action: "Upgrade the guest to a supported Windows Server version, or protect its data another way.")
        ]
    }

    /// The oldest Windows VM agent Azure Backup works with (`WaAppAgent.exe` product version).
    public static let minimumWindowsAgentVersion = "2.6.1198.718"

    func agentFindings(_ vm: VirtualMachine) -> [Finding] {
        guard let agent = vm.agent else { return [] }
        let version = agent.version.flatMap { $0.lowercased() == "unknown" || $0.isEmpty ? nil : $0 }
        guard let version else {
            return [
                Finding(
                    severity: .blocker, code: "agent.missing",
                    message:
                        "\(vm.name) has no VM agent reporting (status: \(agent.status ?? "none")); Azure Backup's extension cannot run without it",
                    vm: vm.name, setting: "agent",
                    action: vm.osType == .windows
                        ? "Install the Windows VM agent (WindowsAzureVmAgent.msi) and check that the Windows Azure Guest Agent service runs."
                        : "Install the Linux agent (waagent) from the distribution's packages and start it.")
            ]
        }
        var findings: [Finding] = []
        if vm.osType == .windows,
            DottedVersion.compare(version, Preflight.minimumWindowsAgentVersion) == .orderedAscending
        {
            findings.append(
                Finding(
                    severity: .warning, code: "agent.outdated",
                    message:
                        "\(vm.name) runs VM agent \(version); Azure Backup needs \(Preflight.minimumWindowsAgentVersion) or later",
                    vm: vm.name, setting: "agent.version",
                    action:
                        "Update the VM agent (check C:\\WindowsAzure\\Packages\\WaAppAgent.exe's product version afterwards)."
                ))
        }
        if let status = agent.status, status.lowercased() != "ready" {
            findings.append(
                Finding(
                    severity: .warning, code: "agent.notReady",
                    message: "\(vm.name)'s VM agent \(version) reports '\(status)'; backups fail while it is not ready",
                    vm: vm.name, setting: "agent.status",
                    action: vm.osType == .windows
                        ? "Restart the Windows Azure Guest Agent service and check its logs in C:\\WindowsAzure\\Logs."
                        : "Restart waagent and check /var/log/waagent.log (Python present, /var and /var/lib not mounted noexec)."
                ))
        }
        return findings
    }

    // MARK: - Era items

    func eraFindings(_ vm: VirtualMachine) -> [Finding] {
        var findings: [Finding] = []
        switch profile {
        case .classic2015:
            if vm.osType == .linux,
                vm.extensions?.contains(where: { $0.type.lowercased() == "dockerextension" }) == true
            {
                findings.append(
                    Finding(
                        severity: .warning, code: "limit.extension.docker",
                        message:
                            "\(vm.name) has the Docker extension; Linux VMs with it were not supported by Azure Backup in the classic-2015 era",
                        vm: vm.name, setting: "extensions",
                        action:
                            "Remove the Docker extension (install Docker from the distribution instead) before relying on the backup."
                    ))
            }
        case .arm2018:
            for disk in vm.dataDisks + [vm.osDisk] where disk.writeAcceleratorEnabled {
                findings.append(
                    Finding(
                        severity: .blocker, code: "limit.disk.writeAccelerator",
                        message:
                            "disk '\(disk.name)' of \(vm.name) has write accelerator enabled; such disks were not backed up in the arm-2018 era",
                        vm: vm.name,
                        setting: disk.lun.map { "dataDisks[lun \($0)].writeAcceleratorEnabled" }
                            ?? "osDisk.writeAcceleratorEnabled",
                        action:
                            "Disable write accelerator on the disk, or exclude it from the backup and protect its data another way."
                    ))
            }
            if let zone = vm.zone {
                findings.append(
                    Finding(
                        severity: .warning, code: "limit.zone.unsupported",
                        message:
                            "\(vm.name) is pinned to availability zone \(zone); zonal VMs were not supported by Azure Backup until 2019",
                        vm: vm.name, setting: "zone",
                        action: "Check that the vault protects the VM and holds recovery points for it."))
            }
        case .current:
            if vm.hasUnmanagedDisks {
                findings.append(
                    Finding(
                        severity: .warning, code: "limit.disk.unmanaged",
                        message:
                            "\(vm.name) has unmanaged (VHD) disks\(vm.classic != nil ? " and is a classic VM" : ""); the 2026 support matrix no longer backs such VMs up: only recovery points taken before still restore",
                        vm: vm.name, setting: "disks",
                        action: vm.classic != nil
                            ? "Migrate the VM to Resource Manager with managed disks and protect it again."
                            : "Convert the VM to managed disks (ConvertTo-AzVMManagedDisk) and protect it again."))
            }
        }
        if vm.classic != nil, let finding = reservedIPWithoutEndpointFinding(vm) { findings.append(finding) }
        return findings
    }

    /// Classic: a VM whose cloud service holds a reserved IP but that has no endpoint was not
    /// supported (2015–2019 documents).
    private func reservedIPWithoutEndpointFinding(_ vm: VirtualMachine) -> Finding? {
        guard let classic = vm.classic, let deployment = classic.deployment, classic.inputEndpoints.isEmpty,
            let name = deployment.referencedReservedIPNames.first
        else { return nil }
        return Finding(
            severity: profile == .classic2015 ? .blocker : .warning, code: "limit.classic.reservedIPWithoutEndpoint",
            message:
                "\(vm.name) is in cloud service '\(classic.cloudService ?? deployment.name)' with reserved IP '\(name)' but has no endpoint; Azure Backup does not support a reserved IP without an endpoint",
            vm: vm.name, setting: "classic.inputEndpoints",
            action: "Add an endpoint to the VM, or remove the reserved IP association, before relying on the backup.")
    }
}

extension VirtualMachine {
    /// Classic VMs always have VHD disks (capture records them as `.vhd`).
    var hasUnmanagedDisks: Bool {
        classic != nil || osDisk.kind == .vhd || dataDisks.contains { $0.kind == .vhd }
    }
}

/// Dotted numeric versions (`2.6.1198.718`), compared field by field; missing fields count as 0.
enum DottedVersion {
    static func fields(_ text: String) -> [Int] {
        text.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
    }

    enum Order { case orderedAscending, orderedSame, orderedDescending }

    static func compare(_ a: String, _ b: String) -> Order {
        let x = fields(a)
        let y = fields(b)
        for i in 0..<max(x.count, y.count) {
            let l = i < x.count ? x[i] : 0
            let r = i < y.count ? y[i] : 0
            if l != r { return l < r ? .orderedAscending : .orderedDescending }
        }
        return .orderedSame
    }
}

/// Recognises Windows versions before Windows Server 2008 R2 from whatever the input says: the
/// agent's `osName`/`osVersion`, the image SKU, or the guest's OS caption. Says nothing when nothing is known.
enum WindowsVersion {
    static func unsupportedEvidence(_ vm: VirtualMachine) -> String? {
        if let version = vm.osVersion, let major = DottedVersion.fields(version).first, version.contains(".") {
            let fields = DottedVersion.fields(version)
            // NT 6.1 is Windows Server 2008 R2 / Windows 7; 6.0 is 2008, 5.x is 2003/XP.
            if major < 6 || (major == 6 && (fields.count > 1 ? fields[1] : 0) < 1) {
                return "Windows \(version)\(vm.osName.map { " (\($0))" } ?? "")"
            }
            return nil
        }
        for text in [vm.osName, vm.guest?.osCaption].compactMap({ $0 }) {
            if let verdict = captionVerdict(text) { return verdict ? nil : text }
        }
        if let sku = vm.image?.sku,
            (vm.image?.offer ?? "").lowercased().contains("windows") || sku.lowercased().hasPrefix("20")
        {
            let lower = sku.lowercased()
            if lower.hasPrefix("2003") || lower.hasPrefix("2000") || (lower.hasPrefix("2008") && !lower.contains("r2"))
            {
                return "image SKU \(sku)"
            }
        }
        return nil
    }

    /// true: supported, false: unsupported, nil: the text does not say.
    static func captionVerdict(_ text: String) -> Bool? {
        let lower = text.lowercased()
        guard lower.contains("windows") else { return nil }
        if lower.contains("2000") || lower.contains("2003") || lower.contains(" xp") || lower.contains("vista") {
            return false
        }
        if lower.contains("2008") { return lower.contains("r2") }
        return true
    }
}
