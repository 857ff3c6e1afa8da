import RewireModel

/// Limitations only the guest knows about: encryption, network drives, clusters, proxies.
extension Preflight {
    func encryptionFindings(_ vm: VirtualMachine) -> [Finding] {
        guard vm.osType == .linux else { return [] }
        var findings: [Finding] = []
        if let volumes = vm.guest?.luksVolumes, !volumes.isEmpty {
            let list = volumes.joined(separator: ", ")
            if profile.isLegacy {
                findings.append(
                    Finding(
                        severity: .blocker, code: "limit.encryption.luks",
                        message:
                            "\(vm.name) has LUKS-encrypted volumes (\(list)); Azure Backup did not support LUKS-encrypted Linux VMs in the \(profile.rawValue) era",
                        vm: vm.name, setting: "guest.luksVolumes",
                        action:
                            "Back the volumes' data up at file level, or move to Azure Disk Encryption and a profile that supports it."
                    ))
            } else {
                findings.append(
                    Finding(
                        severity: .warning, code: "limit.encryption.luks",
                        message:
                            "\(vm.name) has LUKS volumes outside Azure Disk Encryption (\(list)); the restored disks stay encrypted and Azure holds no key for them",
                        vm: vm.name, setting: "guest.luksVolumes",
                        action:
                            "Keep the LUKS passphrases or key files where the restore team can reach them without this VM."
                    ))
            }
        }
        if let extensionName = vm.extensions?.first(where: { $0.type.lowercased() == "azurediskencryptionforlinux" })?
            .name
        {
            if profile.isLegacy {
                findings.append(
                    Finding(
                        severity: .blocker, code: "limit.encryption.adeLinux",
                        message:
                            "\(vm.name) is encrypted with Azure Disk Encryption for Linux (extension '\(extensionName)'); encrypted Linux VMs were not supported by Azure Backup in the \(profile.rawValue) era",
                        vm: vm.name, setting: "extensions",
                        action: "Protect the VM's data another way, or check it against the current profile."))
            } else {
                findings.append(
                    Finding(
                        severity: .info, code: "limit.encryption.adeLinux",
                        message:
                            "\(vm.name) is encrypted with Azure Disk Encryption for Linux (extension '\(extensionName)'); the restore needs the Key Vault keys and secrets",
                        vm: vm.name, setting: "extensions",
                        action:
                            "Give the Backup Management Service access to the Key Vault and keep the keys' backups (Backup-AzKeyVaultKey, Backup-AzKeyVaultSecret)."
                    ))
            }
        }
        return findings
    }

    func guestFindings(_ vm: VirtualMachine) -> [Finding] {
        guard let guest = vm.guest else { return [] }
        var findings: [Finding] = []
        if let drives = guest.networkDrives, !drives.isEmpty {
            findings.append(
                Finding(
                    severity: .warning, code: "limit.guest.networkDrives",
                    message:
                        "\(vm.name) uses network drives or mounts (\(drives.joined(separator: "; "))); Azure Backup copies local disks only, so their data is not in the backup",
                    vm: vm.name, setting: "guest.networkDrives",
                    action: "Back the shares up at their source, and check that the restored VM can reach them again."))
        }
        for (flag, what, setting) in [
            (guest.clusterSharedVolumes, "a node of a cluster with Cluster Shared Volumes", "clusterSharedVolumes"),
            (guest.scaleOutFileServer, "a Scale-Out File Server", "scaleOutFileServer"),
        ] where flag == true {
            let supported =
                profile.isLegacy
                ? "is not recommended: every VM of the cluster would have to be snapshotted together and CSV disks may not come up on restore"
                : "is not supported by Azure Backup"
            findings.append(
                Finding(
                    severity: profile.isLegacy ? .warning : .blocker, code: "limit.guest.\(setting)",
                    message: "\(vm.name) is \(what); backing it up \(supported)",
                    vm: vm.name, setting: "guest.\(setting)",
                    action:
                        "Protect the clustered data with an application-aware backup (e.g. DPM/MABS) instead of VM backup."
                ))
        }
        if vm.osType == .linux, let finding = proxyFinding(vm, guest) { findings.append(finding) }
        return findings
    }

    /// Linux: the backup extension goes through the agent's proxy (`/etc/waagent.conf`) while
    /// its tools read `http_proxy` from `/etc/environment`; both must name the same proxy.
    private func proxyFinding(_ vm: VirtualMachine, _ guest: GuestFacts) -> Finding? {
        let environment = guest.proxy.flatMap(ProxyAddress.normalized)
        let agent = guest.agentProxy.flatMap(ProxyAddress.normalized)
        guard environment != agent else { return nil }
        let message: String
        switch (environment, agent) {
        case (let environment?, nil):
            message =
                "\(vm.name) sets http_proxy=\(environment) in /etc/environment but /etc/waagent.conf has no HttpProxy.Host/Port: the agent and the backup extension bypass the proxy"
        case (nil, let agent?):
            message =
                "\(vm.name) sets HttpProxy \(agent) in /etc/waagent.conf but /etc/environment has no http_proxy: the backup extension's tools bypass the proxy"
        case (let environment?, let agent?):
            message =
                "\(vm.name) has http_proxy=\(environment) in /etc/environment but HttpProxy \(agent) in /etc/waagent.conf"
        case (nil, nil):
            return nil
        }
        return Finding(
            severity: .warning, code: "network.proxy.mismatch", message: message, vm: vm.name, setting: "guest.proxy",
            action:
                "Set http_proxy=http://HOST:PORT in /etc/environment and HttpProxy.Host=HOST, HttpProxy.Port=PORT in /etc/waagent.conf to the same proxy (unauthenticated), then restart waagent."
        )
    }
}

/// `http://10.0.0.5:3128/`, `10.0.0.5:3128` and `HTTP://10.0.0.5:3128` all name the same proxy.
enum ProxyAddress {
    static func normalized(_ text: String) -> String? {
        var value = text.trimmingWhitespace().lowercased()
        for scheme in ["http://", "https://"] where value.hasPrefix(scheme) { value.removeFirst(scheme.count) }
        if let at = value.lastIndex(of: "@") { value = String(value[value.index(after: at)...]) }
        while value.hasSuffix("/") { value.removeLast() }
        return value.isEmpty ? nil : value
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
