import RewireModel

/// Network-side checks on the manifest alone: the special configurations the portal's restore
/// drops, storage accounts locked by network rules, NSGs that cut the backup extension off, and
/// NIC counts against the VM size.
extension Preflight {
    // MARK: - Special configurations (restore disks, then PowerShell)

    func specialConfigurationFindings(_ vm: VirtualMachine, _ context: PreflightContext) -> [Finding] {
        var found: [(code: String, setting: String, what: String)] = []
        if let classic = vm.classic {
            if !classic.secondaryNetworkInterfaces.isEmpty {
                found.append(
                    (
                        "restore.special.multipleNICs", "classic.secondaryNetworkInterfaces",
                        "\(1 + classic.secondaryNetworkInterfaces.count) NICs"
                    ))
            }
            let sets = Set(
                classic.inputEndpoints.compactMap { $0.loadBalancedEndpointSetName ?? $0.internalLoadBalancerName })
            if !sets.isEmpty {
                found.append(
                    (
                        "restore.special.loadBalancer", "classic.inputEndpoints",
                        "load-balanced endpoint sets or internal load balancers (\(sets.sorted().joined(separator: ", ")))"
                    ))
            }
            if let deployment = classic.deployment,
                deployment.virtualIPs.count > 1 || !deployment.referencedReservedIPNames.isEmpty
            {
                found.append(
                    (
                        "restore.special.multipleIPs", "classic.deployment.virtualIPs",
                        "reserved IPs or several VIPs on its cloud service"
                    ))
            }
            let statics =
                ([classic.primaryNetworkInterface.staticVirtualNetworkIPAddress]
                + classic.secondaryNetworkInterfaces.map(\.staticVirtualNetworkIPAddress)).compactMap { $0 }
            if !statics.isEmpty {
                found.append(
                    (
                        "restore.special.staticIP", "classic.primaryNetworkInterface.staticVirtualNetworkIPAddress",
                        "static VNet IPs (\(statics.joined(separator: ", ")))"
                    ))
            }
            if !classic.instancePublicIPs.isEmpty {
                found.append(
                    (
                        "restore.special.publicIP", "classic.instancePublicIPs",
                        "instance-level public IPs (their addresses are not kept)"
                    ))
            }
        } else {
            let nics = context.networkInterfaces(of: vm)
            if vm.networkInterfaces.count > 1 {
                found.append(
                    ("restore.special.multipleNICs", "networkInterfaces", "\(vm.networkInterfaces.count) NICs"))
            }
            let configurations = nics.flatMap { nic in nic.ipConfigurations.map { (nic, $0) } }
            let balancers = Set(
                configurations.flatMap { $0.1.loadBalancerBackendAddressPoolIds + $0.1.loadBalancerInboundNatRuleIds }
                    .compactMap {
                        ResourceID($0)?.parent?.name
                    })
            if !balancers.isEmpty {
                found.append(
                    (
                        "restore.special.loadBalancer", "ipConfigurations.loadBalancer",
                        "load-balancer backend pools or NAT rules (\(balancers.sorted().joined(separator: ", ")))"
                    ))
            }
            if let nic = nics.first(where: { $0.ipConfigurations.count > 1 }) {
                found.append(
                    (
                        "restore.special.multipleIPs", "\(nic.name).ipConfigurations",
                        "\(nic.ipConfigurations.count) IP configurations on NIC '\(nic.name)'"
                    ))
            }
            let statics = configurations.filter { $0.1.privateIPAllocationMethod == .static }.compactMap {
                $0.1.privateIPAddress
            }
            if !statics.isEmpty {
                found.append(
                    (
                        "restore.special.staticIP", "ipConfigurations.privateIPAddress",
                        "static private IPs (\(statics.joined(separator: ", "))), which a restored VM gets back as dynamic"
                    ))
            }
            let publicIPs = configurations.compactMap(\.1.publicIPAddressId)
            if !publicIPs.isEmpty {
                let names = publicIPs.map { id in
                    let pip = context.index.publicIPAddress(id: id)
                    return (pip?.name ?? ResourceID(id)?.name ?? id) + (pip?.ipAddress.map { " \($0)" } ?? "")
                }
                found.append(
                    (
                        "restore.special.publicIP", "ipConfigurations.publicIPAddressId",
                        "public IPs (\(names.joined(separator: ", "))) that must be re-associated"
                    ))
            }
        }
        if let role = vm.domainController {
            let count = role.domainControllerCount.map { " of a domain with \($0) DC(s)" } ?? ""
            found.append(("restore.special.domainController", "domainController", "the domain controller role\(count)"))
        }
        return found.map { item in
            let era =
                profile.isLegacy
                ? "in the \(profile.rawValue) era such VMs can be restored only through PowerShell, which rewire's scripts are"
                : "the portal's Create VM restore does not rebuild this, rewire's scripts do (restore disks, then PowerShell)"
            return Finding(
                severity: profile.isLegacy ? .warning : .info, code: item.code,
                message: "\(vm.name) has \(item.what): \(era)",
                vm: vm.name, setting: item.setting,
                action:
                    "Restore \(vm.name) with the scripts from 'rewire script' (restore disks, then PowerShell), not with the portal's Create VM."
            )
        }
    }

    // MARK: - Storage accounts with network rules

    /// Unmanaged disks live in storage accounts; an account whose firewall denies by default and
    /// does not let trusted Microsoft services through cannot be read by Azure Backup.
    func storageFindings(_ vm: VirtualMachine, _ context: PreflightContext) -> [Finding] {
        var findings: [Finding] = []
        var seen: Set<String> = []
        for disk in [vm.osDisk] + vm.dataDisks {
            guard let uri = disk.vhdUri, let accountName = StorageAccountName.fromBlobURI(uri),
                let account = context.manifest.storageAccounts.first(where: { $0.name.lowercased() == accountName }),
                account.networkDefaultAction?.lowercased() == "deny", !seen.contains(accountName)
            else { continue }
            seen.insert(accountName)
            let trusted = account.networkBypass.contains { $0.lowercased() == "azureservices" }
            if !trusted {
                findings.append(
                    Finding(
                        severity: .blocker, code: "limit.storage.networkRules",
                        message:
                            "disk '\(disk.name)' of \(vm.name) is in storage account '\(account.name)', whose network rules deny access by default and do not allow trusted Microsoft services: Azure Backup cannot read or restore it",
                        vm: vm.name, setting: disk.lun.map { "dataDisks[lun \($0)].vhdUri" } ?? "osDisk.vhdUri",
                        action:
                            "Allow trusted Microsoft services on '\(account.name)' (Update-AzStorageAccountNetworkRuleSet -Bypass AzureServices) or allow all networks."
                    ))
            } else if profile == .arm2018 {
                findings.append(
                    Finding(
                        severity: .info, code: "limit.storage.networkRules",
                        message:
                            "disk '\(disk.name)' of \(vm.name) is in storage account '\(account.name)' with network rules (trusted Microsoft services allowed): item-level recovery is not available",
                        vm: vm.name, setting: disk.lun.map { "dataDisks[lun \($0)].vhdUri" } ?? "osDisk.vhdUri",
                        action: "Plan on full-VM or disk restores for this VM."))
            }
        }
        return findings
    }

    // MARK: - Backup extension connectivity

    func connectivityFindings(_ vm: VirtualMachine, _ context: PreflightContext) -> [Finding] {
        BackupConnectivity.blocks(for: vm, index: context.index).map { block in
            let ports = block.blockedPorts.map(String.init).joined(separator: ", ")
            let needed = BackupConnectivity.requiredPorts(for: vm).map(String.init)
            let tag = "Storage.\(Region.key(vm.location))"
            let priority =
                block.allowPriority.map { "at priority \($0)" }
                ?? "at a priority below \(block.denyRule.priority) (none is free: renumber the rules)"
            return Finding(
                severity: .warning, code: "network.backupExtension.blocked",
                message:
                    "NSG '\(block.networkSecurityGroupName)' (\(block.attachedTo)) of \(vm.name) denies outbound TCP \(ports) to Azure Storage with rule '\(block.denyRule.name)' (priority \(block.denyRule.priority)) and no allow for the Storage service tag outranks it: the backup extension may fail with ExtensionSnapshotFailedNoNetwork",
                vm: vm.name,
                setting: "networkSecurityGroups.\(block.networkSecurityGroupName).securityRules.\(block.denyRule.name)",
                action:
                    "Add an outbound rule to '\(block.networkSecurityGroupName)' \(priority): Allow TCP to service tag \(tag), ports \(needed.joined(separator: ", ")) (Add-AzNetworkSecurityRuleConfig -Direction Outbound -Access Allow -Protocol Tcp -DestinationAddressPrefix \(tag) -DestinationPortRange \(needed.joined(separator: ",")) ...; Set-AzNetworkSecurityGroup)."
            )
        }
    }

    // MARK: - NIC count against the VM size

    func networkInterfaceCountFindings(_ vm: VirtualMachine, _ context: PreflightContext) -> [Finding] {
        let count = vm.classic.map { 1 + $0.secondaryNetworkInterfaces.count } ?? vm.networkInterfaces.count
        guard count > 1 else { return [] }
        guard let limit = VMSizeLimits.maximumNetworkInterfaces(size: vm.size) else {
            return [
                Finding(
                    severity: .info, code: "limit.nic.sizeUnknown",
                    message: "\(vm.name) has \(count) NICs; rewire does not know how many NICs size \(vm.size) allows",
                    vm: vm.name, setting: "size",
                    action:
                        "Check the size's 'Max NICs' in the Azure VM size documentation before restoring with \(count) NICs."
                )
            ]
        }
        guard count > limit else { return [] }
        return [
            Finding(
                severity: .blocker, code: "limit.nic.countForSize",
                message: "\(vm.name) has \(count) NICs but size \(vm.size) allows at most \(limit)",
                vm: vm.name, setting: "size",
                action: "Restore \(vm.name) with a size that allows \(count) NICs, or with fewer NICs.")
        ]
    }
}

/// The storage account a blob URI lives in (`https://NAME.blob.core.windows.net/...`, any cloud).
enum StorageAccountName {
    static func fromBlobURI(_ uri: String) -> String? {
        let pieces = uri.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count > 2, pieces[0].hasSuffix(":"), pieces[1].isEmpty else { return nil }
        let host = pieces[2].prefix { $0 != ":" }
        let labels = host.split(separator: ".")
        guard labels.count > 2, labels[1].lowercased() == "blob" else { return nil }
        return labels[0].lowercased()
    }
}
