public import RewireModel

/// Decides every step of a classic VM's restore script: the restore through Az.RecoveryServices
/// (a Recovery Services vault protects classic VMs too), the restored VHDs registered as classic
/// disks, then the VM rebuilt with the classic Azure module — `New-AzureVMConfig -DiskName`,
/// data disks imported at their LUNs, subnet, static IP, NSG, secondary NICs, instance public
/// IPs, endpoints with their load-balanced sets, probes, ACLs and internal load balancer — and
/// `New-AzureVM` into the cloud service with its VNet, reserved IP, ILB and DNS servers. Extra
/// VIPs and their endpoints follow once the deployment exists. The template only prints the result.
struct ClassicScriptPlanner {
    let manifest: Manifest
    let header: ScriptHeader
    /// Capture's findings per VM, as comment lines (`ScriptGenerator.notesByVM`).
    let findingNotes: [String: [CommentLine]]

    func plan(_ vm: VirtualMachine, _ classic: ClassicVMSettings) -> ClassicVMScript {
        var notes = findingNotes[vm.name] ?? []
        func note(_ text: String) { notes.append(CommentLine(textCode: .comment(text))) }

        let deployment = classic.deployment
        let defaultVIP = deployment.flatMap { $0.virtualIPs.first(where: \.isDnsProgrammed) ?? $0.virtualIPs.first }
        // The deployment's own reserved IP, else the one bound to its default VIP.
        let reservedIPName = deployment?.reservedIPName ?? defaultVIP?.reservedIPName
        let reservedIP = reservedIPName.flatMap { name in
            deployment?.reservedIPs.first { $0.name.lowercased() == name.lowercased() }
        }
        let location = vm.location.isEmpty ? (deployment?.location ?? reservedIP?.location) : vm.location
        if location == nil {
            note("The region of the cloud service is not in the manifest: pass -Location.")
        }
        if classic.cloudService == nil {
            note("The cloud service is not in the manifest (captured from a single role): pass -ServiceName.")
        }

        var endpoints: [ClassicEndpointStep] = []
        var vipEndpoints: [ClassicEndpointStep] = []
        var extraVIPNames: [String] = []
        for endpoint in classic.inputEndpoints {
            let onExtraVIP = endpoint.virtualIPName.map { $0.lowercased() != defaultVIP?.name?.lowercased() } ?? false
            let step = endpointStep(
                endpoint, index: endpoints.count + vipEndpoints.count, afterDeployment: onExtraVIP, note: note)
            if onExtraVIP, let vipName = endpoint.virtualIPName {
                vipEndpoints.append(step)
                if !extraVIPNames.contains(where: { $0.lowercased() == vipName.lowercased() }) {
                    extraVIPNames.append(vipName)
                }
            } else {
                endpoints.append(step)
            }
        }
        let virtualIPs = extraVIPNames.map { name in
            ClassicVirtualIPStep(
                name: name, nameCommentCode: .comment(name),
                vipReservedIPName: deployment?.virtualIPs.first { $0.name?.lowercased() == name.lowercased() }?
                    .reservedIPName)
        }

        var balancers: [ClassicInternalLoadBalancerStep] = []
        for (index, balancer) in (deployment?.internalLoadBalancers ?? []).enumerated() {
            var staticIP = balancer.staticVirtualNetworkIPAddress
            if balancer.subnetName == nil && staticIP != nil {
                note(
                    "Internal load balancer '\(balancer.name)' has a static IP but no subnet; it is created with a dynamic address."
                )
                staticIP = nil
            }
            balancers.append(
                ClassicInternalLoadBalancerStep(
                    variableCode: .variable("ilb\(index)"), name: balancer.name, ilbSubnetName: balancer.subnetName,
                    ilbStaticIP: staticIP))
        }
        if balancers.count > 1 {
            note(
                "The deployment has \(balancers.count) internal load balancers; a new deployment is created with the first, the others are added after it."
            )
        }

        let dns = (deployment?.dnsServers ?? []).enumerated().compactMap { index, server -> ClassicDNSServerStep? in
            guard let address = server.address else {
                note("DNS server '\(server.name)' has no address in the manifest; it is left out.")
                return nil
            }
            return ClassicDNSServerStep(variableCode: .variable("dns\(index)"), name: server.name, address: address)
        }

        var subnetChecks: [String] = []
        for name in classic.primaryNetworkInterface.subnetNames
            + classic.secondaryNetworkInterfaces.compactMap(\.subnetName)
            + balancers.compactMap(\.ilbSubnetName)
        where !subnetChecks.contains(where: { $0.lowercased() == name.lowercased() }) {
            subnetChecks.append(name)
        }

        var nics: [ClassicNICStep] = []
        for nic in classic.secondaryNetworkInterfaces {
            guard let subnet = nic.subnetName else {
                note(
                    "NIC '\(nic.name)' has no subnet in the manifest; Add-AzureNetworkInterfaceConfig needs one, so it is left out."
                )
                continue
            }
            nics.append(
                ClassicNICStep(
                    name: nic.name, subnetName: subnet, nicStaticIP: nic.staticVirtualNetworkIPAddress,
                    nicNetworkSecurityGroup: nic.networkSecurityGroup,
                    nicIPForwarding: nic.ipForwarding == true ? "Enabled" : nil))
        }

        var staticIP = classic.primaryNetworkInterface.staticVirtualNetworkIPAddress
        if vm.domainController != nil, let plan = DomainControllerPlan.plan(for: vm, in: manifest) {
            // A DC keeps the address it had, even a dynamic one (restore-procedures §4.5).
            staticIP = staticIP ?? classic.primaryNetworkInterface.currentIPAddress
            for finding in plan.findings {
                note("\(finding.severity.rawValue): \(finding.message).\(finding.action.map { " What to do: \($0)." } ?? "")")
            }
            if plan.path == .forestRecovery {
                note(
                    "Forest recovery of a classic VM: once it is up, inside the guest run bcdedit /set safeboot dsrepair and restart, restore AD non-authoritatively with SYSVOL authoritative (DSRM password at hand), then bcdedit /deletevalue safeboot and restart.")
            }
        }
        if staticIP != nil && classic.primaryNetworkInterface.subnetNames.isEmpty {
            note("The static VNet IP needs a subnet, and the manifest has none for the primary NIC.")
        }
        let os = classic.osDisk.os ?? vm.osType
        return ClassicVMScript(
            header: header, notes: notes, vmName: vm.name, vmNameCommentCode: .comment(vm.name),
            subscriptionId: vm.subscriptionId == ClassicScriptPlanner.unknown ? nil : vm.subscriptionId,
            cloudService: classic.cloudService, location: location,
            hasVNet: classic.virtualNetworkName != nil, vnetName: classic.virtualNetworkName,
            subnetChecks: classic.virtualNetworkName == nil ? [] : subnetChecks,
            hasReservedIP: reservedIPName != nil, reservedIPName: reservedIPName,
            reservedIPAddress: reservedIP?.address,
            size: classic.roleSize, availabilitySetName: classic.availabilitySetName, osName: os.rawValue,
            osDiskName: classic.osDisk.diskName, osDiskCaching: classic.osDisk.hostCaching,
            dataDisks: classic.dataDisks.map {
                ClassicDataDiskStep(lunCode: .int($0.lun ?? 0), diskName: $0.diskName, diskCaching: $0.hostCaching)
            },
            hasSubnets: !classic.primaryNetworkInterface.subnetNames.isEmpty,
            subnetNamesCode: .list(classic.primaryNetworkInterface.subnetNames),
            staticIP: classic.primaryNetworkInterface.subnetNames.isEmpty ? nil : staticIP,
            networkSecurityGroup: classic.primaryNetworkInterface.networkSecurityGroup,
            enableIPForwarding: classic.primaryNetworkInterface.ipForwarding == true, nics: nics,
            publicIPs: classic.instancePublicIPs.map {
                ClassicPublicIPStep(
                    name: $0.name, idleTimeoutCode: $0.idleTimeoutInMinutes.map { .int($0) },
                    domainNameLabel: $0.domainNameLabel)
            },
            endpoints: endpoints, vipEndpoints: vipEndpoints, hasVIPEndpoints: !vipEndpoints.isEmpty,
            virtualIPs: virtualIPs,
            internalLoadBalancers: balancers, firstInternalLoadBalancerCode: balancers.first?.variableCode,
            dnsServers: dns, hasDnsServers: !dns.isEmpty, dnsServersCode: .joined(dns.map(\.variableCode)))
    }

    /// What capture writes for a subscription or cloud service the input did not name.
    static let unknown = "unknown"

    func endpointStep(
        _ endpoint: ClassicInputEndpoint, index: Int, afterDeployment: Bool, note: (String) -> Void
    ) -> ClassicEndpointStep {
        var setName = endpoint.loadBalancedEndpointSetName
        if setName == nil && endpoint.probe != nil {
            // Add-AzureEndpoint takes probe parameters only with -LBSetName. A one-VM set behaves
            // like the captured probed endpoint.
            setName = endpoint.name
            note(
                "Endpoint '\(endpoint.name)' has a probe but no load-balanced set; PowerShell sets probes only on a set, so it becomes the one-VM set '\(endpoint.name)'."
            )
        }
        let acl = PowerShellCode.variable("acl\(index)")
        return ClassicEndpointStep(
            name: endpoint.name, protocol: endpoint.protocol.rawValue, localPortCode: .int(endpoint.localPort),
            publicPortCode: .int(endpoint.port), lbSetName: setName,
            probe: endpoint.probe.map {
                ClassicProbeStep(
                    portCode: .int($0.port), protocol: $0.protocol.rawValue,
                    path: $0.protocol == .http ? ($0.path ?? "/") : nil,
                    intervalCode: .int($0.intervalInSeconds), timeoutCode: .int($0.timeoutInSeconds))
            },
            noProbe: setName != nil && endpoint.probe == nil, directServerReturn: endpoint.enableDirectServerReturn,
            hasACL: !endpoint.accessControlList.isEmpty, aclCode: acl,
            aclRules: endpoint.accessControlList.map {
                ClassicACLRuleStep(
                    aclCode: acl, action: $0.action == .permit ? "Permit" : "Deny", remoteSubnet: $0.remoteSubnet,
                    orderCode: .int($0.order), description: $0.description)
            },
            internalLoadBalancerName: endpoint.internalLoadBalancerName,
            idleTimeoutCode: endpoint.idleTimeoutInMinutes == ClassicInputEndpoint.defaultIdleTimeoutInMinutes
                ? nil : .int(endpoint.idleTimeoutInMinutes),
            distribution: endpoint.loadBalancerDistribution == .none ? nil : endpoint.loadBalancerDistribution.rawValue,
            virtualIPName: afterDeployment ? endpoint.virtualIPName : nil,
            targetCode: .variable(afterDeployment ? "vmContext" : "vm"))
    }
}

extension ScriptGenerator {
    /// The classic restore script of one VM (`vm.classic` set), with the header `generate` uses.
    func classicScript(for vm: VirtualMachine, planner: ClassicScriptPlanner) throws(ScriptGenError) -> String {
        guard let classic = vm.classic else { throw ScriptGenError("VM \(vm.name) is not a classic VM") }
        let script = planner.plan(vm, classic)
        return try renderer.render(script, template: "classic-vm-restore.ps1")
    }
}
