import Restore
import RewireModel
import Testing

@Suite("Preflight: special configurations, storage rules, backup connectivity, NIC counts")
struct PreflightNetworkTests {
    // MARK: special configurations

    @Test(arguments: [(LimitationProfile.classic2015, Severity.warning), (.arm2018, .warning), (.current, .info)])
    func specialConfigurationsPointAtRewiresScripts(profile: LimitationProfile, severity: Severity) {
        let manifest = PreflightEstate.manifest {
            PreflightEstate.withLoadBalancerAndPublicIP(&$0)
            $0.networkInterfaces[0].ipConfigurations.append(
                IPConfiguration(name: "ipconfig2", primary: false, subnetId: PreflightEstate.subnetID))
            $0.networkInterfaces.append(
                PreflightEstate.nic(name: "nic-app01-b", address: "10.1.0.11", allocation: .dynamic))
            $0.virtualMachines[0].networkInterfaces.append(
                NetworkInterfaceReference(id: $0.networkInterfaces[1].id, primary: false))
            $0.virtualMachines[0].domainController = DomainControllerRole(
                domain: "corp.example", domainControllerCount: 2, source: .tag)
        }
        let findings = preflight(manifest, profile).filter { $0.code.hasPrefix("restore.special.") }
        #expect(
            Set(findings.map(\.code)) == [
                "restore.special.multipleNICs", "restore.special.loadBalancer", "restore.special.multipleIPs",
                "restore.special.staticIP",
                "restore.special.publicIP", "restore.special.domainController",
            ])
        #expect(findings.allSatisfy { $0.severity == severity && $0.action?.contains("rewire script") == true })
        #expect(findings.first { $0.code == "restore.special.loadBalancer" }?.message.contains("lb-app") == true)
        #expect(findings.first { $0.code == "restore.special.publicIP" }?.message.contains("20.50.60.70") == true)
    }

    @Test func domainControllersGetTheirRestorePathAndATombstoneCheckWhenTheDateIsKnown() {
        let manifest = PreflightEstate.manifest {
            $0.virtualMachines[0].domainController = DomainControllerRole(
                domain: "corp.example", domainControllerCount: 1, source: .commandLine)
            $0.virtualMachines[0].backup = BackupProtection(
                vaultId:
                    "\(PreflightEstate.sub)/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv",
                protectionState: "Protected",
                lastRecoveryPoint: "2026-01-01T02:00:00Z")
        }
        func dc(_ asOf: String?) -> [Finding] {
            Preflight(asOf: asOf).findings(for: manifest).filter { $0.code.hasPrefix("dc.") }
        }
        #expect(dc(nil).map(\.code) == ["dc.restore-path.forestRecovery"])
        #expect(dc("2026-02-15T00:00:00Z").map(\.code) == ["dc.restore-path.forestRecovery"])
        let stale = dc("2026-04-01T00:00:00Z")
        #expect(stale.map(\.code) == ["dc.recovery-point.tombstone", "dc.restore-path.forestRecovery"])
        #expect(stale[0].severity == .blocker && stale[0].message.contains("90 days"))
    }

    @Test func aDomainControllerWithReachablePeersIsAReplicaUnlessTheNetworkIsIsolated() {
        let manifest = PreflightEstate.manifest {
            $0.virtualMachines[0].domainController = DomainControllerRole(
                domain: "corp.example", domainControllerCount: 3, source: .clixml)
        }
        #expect(
            Preflight().findings(for: manifest).filter { $0.code.hasPrefix("dc.") }.map(\.code) == [
                "dc.restore-path.replica"
            ])
        var rehearsal = Preflight()
        rehearsal.isolatedNetwork = true
        let isolated = rehearsal.findings(for: manifest).filter { $0.code.hasPrefix("dc.") }
        #expect(isolated.map(\.code) == ["dc.restore-path.forestRecovery"])
        #expect(isolated.first?.message.contains("isolated network") == true)
    }

    @Test func plainVMHasNoSpecialConfiguration() {
        let manifest = PreflightEstate.manifest {
            $0.networkInterfaces[0].ipConfigurations[0].privateIPAllocationMethod = .dynamic
        }
        #expect(preflight(manifest, .arm2018).filter { $0.code.hasPrefix("restore.special.") }.isEmpty)
    }

    @Test func classicSpecialConfigurationsAreFoundInTheClassicSettings() {
        var vm = PreflightEstate.vm(dataDisks: 0, kind: .vhd)
        vm.networkInterfaces = []
        vm.size = "ExtraLarge"
        vm.classic = ClassicVMSettings(
            cloudService: "svc-app", roleName: "app01", roleSize: "ExtraLarge",
            osDisk: ClassicDisk(diskName: "app01-os"),
            primaryNetworkInterface: ClassicPrimaryNetworkInterface(
                subnetNames: ["app"], staticVirtualNetworkIPAddress: "10.1.0.10"),
            secondaryNetworkInterfaces: [ClassicNetworkInterface(name: "eth1", subnetName: "app")],
            inputEndpoints: [
                ClassicInputEndpoint(
                    name: "web", protocol: .tcp, port: 80, localPort: 80, loadBalancedEndpointSetName: "web-set")
            ],
            instancePublicIPs: [ClassicInstancePublicIP(name: "pip")], source: .getDeployment)
        let codes = Set(preflight(Manifest(virtualMachines: [vm]), .classic2015).map(\.code))
        #expect(
            codes == [
                "restore.special.multipleNICs", "restore.special.loadBalancer", "restore.special.staticIP",
                "restore.special.publicIP",
            ])
    }

    // MARK: storage accounts with network rules

    private func unmanaged(defaultAction: String?, bypass: [String]) -> Manifest {
        PreflightEstate.manifest {
            $0.networkInterfaces[0].ipConfigurations[0].privateIPAllocationMethod = .dynamic
            let vm = PreflightEstate.vm(dataDisks: 1, kind: .vhd)
            $0.virtualMachines[0].osDisk = vm.osDisk
            $0.virtualMachines[0].dataDisks = vm.dataDisks
            $0.storageAccounts = [
                StorageAccount(
                    id: "\(PreflightEstate.rg)/Microsoft.Storage/storageAccounts/stapp01", name: "stapp01",
                    resourceGroup: "rg-app",
                    subscriptionId: PreflightEstate.subscriptionId, location: "westeurope",
                    networkDefaultAction: defaultAction, networkBypass: bypass)
            ]
        }
    }

    @Test(arguments: LimitationProfile.allCases)
    func storageAccountDenyingTrustedServicesBlocksUnmanagedDisks(profile: LimitationProfile) {
        let findings = preflight(unmanaged(defaultAction: "Deny", bypass: ["Logging", "Metrics"]), profile).filter {
            $0.code == "limit.storage.networkRules"
        }
        #expect(findings.count == 1)
        #expect(
            findings[0].severity == .blocker && findings[0].message.contains("stapp01")
                && findings[0].action?.contains("AzureServices") == true)
    }

    @Test(arguments: LimitationProfile.allCases)
    func storageAccountAllowingTrustedServicesOrAllNetworksIsFine(profile: LimitationProfile) {
        let trusted = preflight(unmanaged(defaultAction: "Deny", bypass: ["AzureServices"]), profile).filter {
            $0.code == "limit.storage.networkRules"
        }
        #expect(trusted.allSatisfy { $0.severity == .info })
        #expect(trusted.count == (profile == .arm2018 ? 1 : 0))
        #expect(
            preflight(unmanaged(defaultAction: "Allow", bypass: []), profile).filter {
                $0.code == "limit.storage.networkRules"
            }.isEmpty)
    }

    // MARK: backup extension connectivity

    private func withNSG(_ rules: [SecurityRule], onSubnet: Bool = false) -> Manifest {
        PreflightEstate.manifest {
            $0.networkInterfaces[0].ipConfigurations[0].privateIPAllocationMethod = .dynamic
            $0.networkSecurityGroups = [PreflightEstate.securityGroup(rules)]
            if onSubnet {
                $0.virtualNetworks = [PreflightEstate.network(subnetNSG: PreflightEstate.nsgID)]
            } else {
                $0.networkInterfaces[0].networkSecurityGroupId = PreflightEstate.nsgID
            }
        }
    }

    @Test(arguments: [false, true])
    func denyInternetWithoutAStorageAllowWarnsWithTheFix(onSubnet: Bool) {
        let manifest = withNSG(
            [PreflightEstate.outbound("deny-internet", 4000, "Deny", to: "Internet")], onSubnet: onSubnet)
        let findings = preflight(manifest)
        #expect(findings.map(\.code) == ["network.backupExtension.blocked"])
        let finding = findings[0]
        #expect(finding.severity == .warning)
        #expect(
            finding.message.contains("nsg-app") && finding.message.contains("deny-internet")
                && finding.message.contains("TCP 443, 8443"))
        #expect(finding.message.contains(onSubnet ? "subnet 'app'" : "NIC 'nic-app01'"))
        #expect(
            finding.action?.contains("priority 3999") == true && finding.action?.contains("Storage.westeurope") == true)
        #expect(finding.action?.contains("-DestinationPortRange 443,8443") == true)
    }

    @Test func port80MattersOnlyForUnmanagedDisks() {
        let rules = [
            PreflightEstate.outbound(
                "allow-storage", 200, "Allow", to: "Storage.westeurope", ports: ["443", "8443"], protocol: "Tcp"),
            PreflightEstate.outbound("deny-internet", 4000, "Deny", to: "Internet"),
        ]
        #expect(preflight(withNSG(rules)).isEmpty)
        var unmanaged = withNSG(rules)
        let vhd = PreflightEstate.vm(dataDisks: 0, kind: .vhd)
        unmanaged.virtualMachines[0].osDisk = vhd.osDisk
        unmanaged.virtualMachines[0].dataDisks = []
        let findings = preflight(unmanaged, .arm2018)
        #expect(codes(findings) == ["network.backupExtension.blocked"])
        #expect(findings.first?.message.contains("TCP 80 ") == true)
        #expect(BackupConnectivity.requiredPorts(for: unmanaged.virtualMachines[0]) == [80, 443])
        #expect(BackupConnectivity.requiredPorts(for: PreflightEstate.vm()) == [443, 8443])
    }

    @Test(arguments: ["Storage", "Storage.westeurope", "Storage.WestEurope", "Internet"])
    func anAllowForStorageThatOutranksTheDenyIsEnough(destination: String) {
        let manifest = withNSG([
            PreflightEstate.outbound(
                "allow-storage", 200, "Allow", to: destination, ports: ["80", "443", "8443"], protocol: "Tcp"),
            PreflightEstate.outbound("deny-internet", 4000, "Deny", to: "Internet"),
        ])
        #expect(preflight(manifest).isEmpty)
    }

    @Test func anAllowRankedBelowTheDenyOrForAnotherRegionDoesNotCount() {
        let below = withNSG([
            PreflightEstate.outbound("deny-all", 300, "Deny", to: "*"),
            PreflightEstate.outbound("allow-storage", 400, "Allow", to: "Storage", ports: ["*"]),
        ])
        #expect(codes(preflight(below)) == ["network.backupExtension.blocked"])
        let otherRegion = withNSG([
            PreflightEstate.outbound("allow-storage-us", 200, "Allow", to: "Storage.eastus", ports: ["*"]),
            PreflightEstate.outbound("deny-internet", 4000, "Deny", to: "Internet"),
        ])
        #expect(codes(preflight(otherRegion)) == ["network.backupExtension.blocked"])
        // An explicit range may or may not be Azure Storage's: it does not count (check and
        // prepare judge the same way; prepare adds the service-tag rule, which is harmless).
        let range = withNSG([
            PreflightEstate.outbound("allow-range", 200, "Allow", to: "20.60.0.0/16", ports: ["*"]),
            PreflightEstate.outbound("deny-internet", 4000, "Deny", to: "Internet"),
        ])
        #expect(codes(preflight(range)) == ["network.backupExtension.blocked"])
    }

    @Test func onlyThePortsLeftOpenByAnAllowAreReported() {
        let manifest = withNSG([
            PreflightEstate.outbound("allow-https", 200, "Allow", to: "Storage", ports: ["443"], protocol: "Tcp"),
            PreflightEstate.outbound("deny-internet", 4000, "Deny", to: "Internet"),
        ])
        let nsg = manifest.networkSecurityGroups[0]
        let block = BackupConnectivity.block(in: nsg, region: "westeurope", attachedTo: "NIC 'nic-app01'")
        #expect(block?.blockedPorts == [80, 8443])
        #expect(block?.denyRule.name == "deny-internet")
    }

    @Test func theAllowMustOutrankTheHighestRankingDenyOfAnyPort() {
        let nsg = PreflightEstate.securityGroup([
            PreflightEstate.outbound("deny-8443", 300, "Deny", to: "Internet", ports: ["8443"]),
            PreflightEstate.outbound("deny-https", 500, "Deny", to: "Storage", ports: ["443"]),
        ])
        let block = BackupConnectivity.block(in: nsg, region: "westeurope", attachedTo: "x", ports: [443, 8443])
        #expect(
            block?.denyRule.name == "deny-8443" && block?.allowPriority == 299 && block?.blockedPorts == [443, 8443])
    }

    @Test func rulesThatDoNotConcernStorageTrafficAreIgnored() {
        let manifest = withNSG([
            PreflightEstate.outbound("deny-udp", 100, "Deny", to: "*", protocol: "Udp"),
            PreflightEstate.outbound("deny-smtp", 110, "Deny", to: "Internet", ports: ["25"]),
            PreflightEstate.outbound("deny-onprem", 120, "Deny", to: "192.168.0.0/16"),
            SecurityRule(
                name: "deny-in", direction: "Inbound", priority: 130, access: "Deny", protocol: "*",
                destinationAddressPrefixes: ["*"], destinationPortRanges: ["*"]),
        ])
        #expect(preflight(manifest).isEmpty)
    }

    @Test func freePrioritySkipsTakenNumbersAndGivesUpAt100() {
        let nsg = PreflightEstate.securityGroup([
            PreflightEstate.outbound("a", 3999, "Allow", to: "10.0.0.0/8", ports: ["22"]),
            PreflightEstate.outbound("b", 3998, "Allow", to: "10.0.0.0/8", ports: ["23"]),
            PreflightEstate.outbound("deny", 4000, "Deny", to: "Internet"),
            SecurityRule(name: "in", direction: "Inbound", priority: 3997, access: "Allow", protocol: "*"),
        ])
        #expect(BackupConnectivity.freePriority(outranking: 4000, in: nsg) == 3997)
        #expect(BackupConnectivity.freePriority(outranking: 100, in: nsg) == nil)
        #expect(BackupConnectivity.freePriority(outranking: 101, in: nsg) == 100)
        let crowded = PreflightEstate.securityGroup(
            (100...150).map { PreflightEstate.outbound("r\($0)", $0, "Deny", to: "*") })
        #expect(BackupConnectivity.freePriority(outranking: 100, in: crowded) == nil)
        #expect(BackupConnectivity.block(in: crowded, region: "westeurope", attachedTo: "x")?.allowPriority == nil)
    }

    // MARK: NIC count against the VM size

    private func nics(_ count: Int, size: String) -> Manifest {
        PreflightEstate.manifest {
            $0.networkInterfaces = (0..<count).map {
                PreflightEstate.nic(name: "nic-\($0)", address: "10.1.0.\(10 + $0)", allocation: .dynamic)
            }
            $0.virtualMachines[0].networkInterfaces = $0.networkInterfaces.enumerated().map {
                NetworkInterfaceReference(id: $1.id, primary: $0 == 0)
            }
            $0.virtualMachines[0].size = size
        }
    }

    @Test(arguments: [
        ("Standard_D2s_v3", 3, "limit.nic.countForSize"), ("Standard_D2s_v3", 2, nil), ("Standard_D16s_v3", 8, nil),
        ("Standard_DS3_v2", 5, "limit.nic.countForSize"), ("Standard_F16s_v2", 4, nil),
        ("Standard_B2s", 4, "limit.nic.countForSize"),
        ("Standard_HB176rs_v4", 2, "limit.nic.sizeUnknown"), ("Standard_HB176rs_v4", 1, nil),
    ])
    func nicCountMustFitTheVMSize(size: String, count: Int, expected: String?) {
        let findings = preflight(nics(count, size: size)).filter { $0.code.hasPrefix("limit.nic.") }
        #expect(findings.map(\.code) == [expected].compactMap { $0 })
        #expect(findings.allSatisfy { $0.severity == ($0.code == "limit.nic.sizeUnknown" ? .info : .blocker) })
    }
}
