import RewireModel

/// The domain-controller part of one VM's Az script (restore-procedures §4), decided here and laid
/// out by `partials/dc-*.mustache`:
/// - the static private IP re-pinned on the NIC (a restored VM comes back dynamic; a DC's clients
///   and replication partners know it by its address);
/// - the VNet's DNS servers set back to the DCs, when the captured VNet pointed at them;
/// - on the forest-recovery path only, the DSRM boot (`bcdedit /set safeboot dsrepair`) after the VM
///   is built and, on a second run with `-LeaveDsrm`, its undoing (`bcdedit /deletevalue safeboot`);
///   the AD restore inside the guest stays a manual step because it needs the DSRM password, which
///   never reaches a script;
/// - a warning when the recovery point is older than the tombstone lifetime (at run time from the
///   chosen point; at generation time when a restore report gives the time).
struct DomainControllerSteps: Sendable {
    var forestRecovery: Bool
    var domainCommentCode: PowerShellCode
    /// The decision and the FSMO / GC findings, as comment lines with what to do.
    var decisionLines: [CommentLine]
    /// One line for the run's output: the path and why.
    var decisionMessage: String
    var tombstoneLifetimeCode: PowerShellCode
    var pins: [DomainControllerAddressPin]
    var dns: DomainControllerDNSStep?
    /// Why no DNS step was generated, when there is none.
    var dnsNote: CommentLine?
    /// The recovery point time of a restore report (`script --restored`), checked again at run time.
    var restoredRecoveryPointTime: String?
    /// The DC of the same domain that must be back before this one starts, if any.
    var waitFor: String?
}

struct DomainControllerAddressPin: Sendable {
    var nicResourceGroup: String
    var nicName: String
    var ipConfigurationName: String
    var address: String
}

struct DomainControllerDNSStep: Sendable {
    var vnetResourceGroup: String
    var vnetName: String
    var serversCode: PowerShellCode
    var serversText: String
}

extension AzScriptPlanner {
    /// The DC steps of `vm`, nil when it is not a domain controller.
    func domainControllerSteps(_ vm: VirtualMachine, restored: RestoredVirtualMachine?) -> DomainControllerSteps? {
        guard vm.domainController != nil,
            let plan = DomainControllerPlan.plan(for: vm, in: manifest, context: domainControllerContext)
        else { return nil }
        let role = plan.role
        var lines: [CommentLine] = []
        for finding in plan.findings {
            lines.append(CommentLine(textCode: .comment("\(finding.severity.rawValue): \(finding.message).")))
            if let action = finding.action { lines.append(CommentLine(textCode: .comment("  What to do: \(action)."))) }
        }

        // Every IPv4 configuration of the DC's captured NICs keeps its captured address, static.
        var pins: [DomainControllerAddressPin] = []
        var primaryNetwork: VirtualNetwork?
        var primarySubnetID: String?
        for reference in vm.networkInterfaces {
            guard let nic = lookup.networkInterface(id: reference.id) else { continue }
            for configuration in nic.ipConfigurations where configuration.privateIPAddressVersion == .ipv4 {
                guard let address = configuration.privateIPAddress else { continue }
                pins.append(
                    DomainControllerAddressPin(
                        nicResourceGroup: nic.resourceGroup, nicName: nic.name, ipConfigurationName: configuration.name,
                        address: address))
                if reference.primary && configuration.primary, let subnet = configuration.subnetId {
                    primarySubnetID = subnet
                    primaryNetwork = lookup.subnet(id: subnet)?.network
                }
            }
        }

        // DNS: restore the captured VNet DNS servers when they pointed at a DC of the manifest.
        let dcAddresses = Set(
            manifest.virtualMachines.filter { $0.domainController != nil }.flatMap { other in
                (other.domainController?.ipv4Address.map { [$0] } ?? [])
                    + other.networkInterfaces.flatMap { reference in
                        (lookup.networkInterface(id: reference.id)?.ipConfigurations ?? []).compactMap(
                            \.privateIPAddress)
                    }
            })
        var dns: DomainControllerDNSStep?
        var dnsNote: String?
        if let network = primaryNetwork {
            if network.dnsServers.contains(where: dcAddresses.contains) {
                dns = DomainControllerDNSStep(
                    vnetResourceGroup: network.resourceGroup, vnetName: network.name,
                    serversCode: .list(network.dnsServers),
                    serversText: network.dnsServers.joined(separator: ", "))
            } else if network.dnsServers.isEmpty {
                dnsNote =
                    "virtual network \(network.name) used Azure-provided DNS when captured; its DNS servers are left as they are (point them at the DCs if clients must find the domain)"
            } else {
                dnsNote =
                    "virtual network \(network.name) used DNS servers \(network.dnsServers.joined(separator: ", ")), none of them a captured DC; left as they are"
            }
        } else if let subnet = primarySubnetID {
            let name = AzScriptPlanner.subnetCheck(subnet)?.vnetName ?? subnet
            dnsNote =
                "virtual network \(name) is not in the manifest: check by hand that its DNS servers point at the domain controllers"
        }

        // Known at generation time from a restore report: said at the top; checked again at run time.
        if let restored, let finished = restored.finishedAt ?? restored.startedAt,
            let age = DomainControllerPlan.days(from: restored.recoveryPoint.time, to: finished),
            let finding = DomainControllerPlan.tombstoneFinding(vm: vm.name, recoveryPointAgeDays: age)
        {
            lines.append(
                CommentLine(
                    textCode: .comment("\(finding.severity.rawValue): \(finding.message) when it was restored.")))
            if let action = finding.action { lines.append(CommentLine(textCode: .comment("  What to do: \(action)."))) }
        }

        let reason: String
        switch plan.reason {
        case .otherDomainControllersReachable:
            reason = "other domain controllers of the domain are up: restore like any VM"
        case .lastDomainController: reason = "it is the last domain controller of its domain: forest recovery"
        case .wholeDomainRestored:
            reason = "every domain controller of the domain is restored and this one goes first: forest recovery"
        case .followsRecoveredDomainController:
            reason =
                "it follows \(plan.recoveredFirst ?? "the recovered DC"), which recovers the domain: restore like any VM after it"
        case .isolatedNetwork: reason = "it is restored into an isolated network: forest recovery"
        case .unknownCount: reason = "how many DCs the domain has is not known: forest recovery, to be safe"
        }
        return DomainControllerSteps(
            forestRecovery: plan.path == .forestRecovery,
            domainCommentCode: .comment(role.domain ?? "(domain not captured)"), decisionLines: lines,
            decisionMessage: "Domain controller \(vm.name)\(role.domain.map { " of \($0)" } ?? ""): \(reason).",
            tombstoneLifetimeCode: .int(DomainControllerPlan.defaultTombstoneLifetimeDays), pins: pins, dns: dns,
            dnsNote: dnsNote.map { CommentLine(textCode: .comment($0)) },
            restoredRecoveryPointTime: restored?.recoveryPoint.time, waitFor: plan.recoveredFirst)
    }
}
