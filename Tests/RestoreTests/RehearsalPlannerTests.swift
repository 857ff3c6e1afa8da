import Restore
import RewireModel
import Testing

/// An estate with everything a rehearsal must handle: a captured network (peered, custom DNS, a
/// subnet NSG), a public load balancer with pools and NAT rules, public IPs, an ASG, an
/// availability set, and a domain controller that is also the network's DNS server.
enum RehearsalEstate {
    static let subscription = "3c9e5b1a-7d24-4f8e-a6b0-2d9c4e7f1a53"
    static func id(_ group: String, _ path: String) -> String {
        "/subscriptions/\(subscription)/resourceGroups/\(group)/providers/\(path)"
    }

    static let vnet = id("rg-network", "Microsoft.Network/virtualNetworks/vnet-prod")
    static let webSubnet = vnet + "/subnets/snet-web"
    static let mgmtSubnet = vnet + "/subnets/snet-mgmt"
    static let nsg = id("rg-web", "Microsoft.Network/networkSecurityGroups/nsg-web")
    static let lb = id("rg-web", "Microsoft.Network/loadBalancers/lb-web")
    static let lbPIP = id("rg-web", "Microsoft.Network/publicIPAddresses/pip-lb-web")
    static let webPIP = id("rg-web", "Microsoft.Network/publicIPAddresses/pip-web01")

    static func manifest(networkCaptured: Bool = true) -> Manifest {
        let web01 = VirtualMachine(
            id: id("rg-web", "Microsoft.Compute/virtualMachines/web01"), name: "web01", resourceGroup: "rg-web",
            subscriptionId: subscription, location: "westeurope", size: "Standard_D2s_v3", osType: .windows,
            availabilitySetId: id("rg-web", "Microsoft.Compute/availabilitySets/as-web"), tags: ["env": "prod"],
            osDisk: Disk(name: "web01-os", caching: "ReadWrite", kind: .managed),
            networkInterfaces: [
                NetworkInterfaceReference(
                    id: id("rg-web", "Microsoft.Network/networkInterfaces/nic-web01"), primary: true)
            ],
            computerName: "WEB01")
        let dc01 = VirtualMachine(
            id: id("rg-identity", "Microsoft.Compute/virtualMachines/dc01"), name: "dc01", resourceGroup: "rg-identity",
            subscriptionId: subscription, location: "westeurope", size: "Standard_B2ms", osType: .windows,
            osDisk: Disk(name: "dc01-os", caching: "ReadWrite", kind: .managed),
            networkInterfaces: [
                NetworkInterfaceReference(
                    id: id("rg-identity", "Microsoft.Network/networkInterfaces/nic-dc01"), primary: true)
            ],
            domainController: DomainControllerRole(
                domain: "corp.contoso.com", fsmoRoles: ["PDCEmulator"], domainControllerCount: 1, source: .tag))
        let nicWeb = NetworkInterface(
            id: web01.networkInterfaces[0].id, name: "nic-web01", resourceGroup: "rg-web", subscriptionId: subscription,
            location: "westeurope", virtualMachineId: web01.id,
            ipConfigurations: [
                IPConfiguration(
                    name: "ipconfig1", primary: true, subnetId: webSubnet, privateIPAddress: "10.10.1.4",
                    privateIPAllocationMethod: .static, publicIPAddressId: webPIP,
                    loadBalancerBackendAddressPoolIds: [lb + "/backendAddressPools/be-web"],
                    loadBalancerInboundNatRuleIds: [lb + "/inboundNatRules/nat-rdp"],
                    applicationSecurityGroupIds: [id("rg-web", "Microsoft.Network/applicationSecurityGroups/asg-web")])
            ], networkSecurityGroupId: nsg)
        let nicDC = NetworkInterface(
            id: dc01.networkInterfaces[0].id, name: "nic-dc01", resourceGroup: "rg-identity",
            subscriptionId: subscription,
            location: "westeurope", virtualMachineId: dc01.id,
            ipConfigurations: [
                IPConfiguration(
                    name: "ipconfig1", primary: true, subnetId: mgmtSubnet, privateIPAddress: "10.10.3.10",
                    privateIPAllocationMethod: .static)
            ])
        let balancer = LoadBalancer(
            id: lb, name: "lb-web", resourceGroup: "rg-web", subscriptionId: subscription, location: "westeurope",
            sku: "Standard",
            frontendIPConfigurations: [
                FrontendIPConfiguration(name: "fe-web", publicIPAddressId: lbPIP, zones: ["1", "2", "3"])
            ],
            backendAddressPools: [BackendAddressPool(name: "be-web")],
            loadBalancingRules: [
                LoadBalancingRule(
                    name: "http", frontendIPConfigurationName: "fe-web", backendAddressPoolName: "be-web",
                    protocol: "Tcp",
                    frontendPort: 80, backendPort: 80)
            ],
            inboundNatRules: [
                InboundNatRule(
                    name: "nat-rdp", frontendIPConfigurationName: "fe-web", protocol: "Tcp", frontendPort: 50001,
                    backendPort: 3389)
            ])
        let network = VirtualNetwork(
            id: vnet, name: "vnet-prod", resourceGroup: "rg-network", subscriptionId: subscription,
            location: "westeurope",
            addressPrefixes: ["10.10.0.0/16"], dnsServers: ["10.10.3.10"],
            subnets: [
                Subnet(id: mgmtSubnet, name: "snet-mgmt", addressPrefixes: ["10.10.3.0/24"]),
                Subnet(id: webSubnet, name: "snet-web", addressPrefixes: ["10.10.1.0/24"], networkSecurityGroupId: nsg),
            ],
            peeredNetworkIds: [id("rg-hub", "Microsoft.Network/virtualNetworks/vnet-hub")], tags: ["env": "prod"])
        return Manifest(
            virtualMachines: [dc01, web01], networkInterfaces: [nicDC, nicWeb], loadBalancers: [balancer],
            publicIPAddresses: [
                PublicIPAddress(
                    id: lbPIP, name: "pip-lb-web", resourceGroup: "rg-web", subscriptionId: subscription,
                    location: "westeurope", sku: "Standard", allocationMethod: .static, ipAddress: "20.1.1.1"),
                PublicIPAddress(
                    id: webPIP, name: "pip-web01", resourceGroup: "rg-web", subscriptionId: subscription,
                    location: "westeurope", allocationMethod: .static, ipAddress: "20.1.1.2",
                    domainNameLabel: "web01-contoso"),
            ],
            networkSecurityGroups: [
                NetworkSecurityGroup(
                    id: nsg, name: "nsg-web", resourceGroup: "rg-web", subscriptionId: subscription,
                    location: "westeurope",
                    securityRules: [
                        SecurityRule(
                            name: "allow-http", direction: "Inbound", priority: 100, access: "Allow", protocol: "Tcp",
                            destinationPortRanges: ["80"])
                    ])
            ],
            virtualNetworks: networkCaptured ? [network] : [])
    }

    /// Every ARM id a manifest holds, anywhere.
    static func ids(_ manifest: Manifest) -> [String] {
        var out: [String] = []
        for vm in manifest.virtualMachines {
            out +=
                [vm.id] + vm.networkInterfaces.map(\.id)
                + [vm.availabilitySetId, vm.proximityPlacementGroupId].compactMap { $0 }
        }
        for nic in manifest.networkInterfaces {
            out += [nic.id, nic.virtualMachineId, nic.networkSecurityGroupId].compactMap { $0 }
            for configuration in nic.ipConfigurations {
                out += [configuration.subnetId, configuration.publicIPAddressId].compactMap { $0 }
                out += configuration.loadBalancerBackendAddressPoolIds + configuration.loadBalancerInboundNatRuleIds
                out += configuration.applicationSecurityGroupIds
            }
        }
        for lb in manifest.loadBalancers {
            out.append(lb.id)
            for frontend in lb.frontendIPConfigurations {
                out += [frontend.subnetId, frontend.publicIPAddressId].compactMap { $0 }
            }
        }
        out += manifest.networkSecurityGroups.map(\.id) + manifest.publicIPAddresses.map(\.id)
        for network in manifest.virtualNetworks {
            out +=
                [network.id] + network.peeredNetworkIds + network.subnets.map(\.id)
                + network.subnets.compactMap(\.networkSecurityGroupId)
        }
        return out
    }
}

@Suite("Rehearsal planning")
struct RehearsalPlannerTests {
    static func plan(
        _ manifest: Manifest = RehearsalEstate.manifest(), _ options: RehearsalOptions = RehearsalOptions(id: "t1")
    ) throws -> RehearsalPlan {
        try RehearsalPlanner(manifest: manifest, options: options).plan()
    }

    @Test func everyReferenceOfTheCopyPointsIntoARehearsalResourceGroup() throws {
        let plan = try Self.plan()
        let ids = RehearsalEstate.ids(plan.manifest)
        #expect(!ids.isEmpty)
        for id in ids {
            let group = try #require(ResourceID(id)?.resourceGroup, "\(id)")
            #expect(group.hasSuffix("-rehearsal-t1"), "\(id) still points into production")
        }
        #expect(
            Set(plan.resources.filter { $0.kind == .resourceGroup }.map(\.name)) == [
                "rg-network-rehearsal-t1", "rg-web-rehearsal-t1", "rg-identity-rehearsal-t1",
            ])
        #expect(plan.sourceVMNames == ["web01-rehearsal-t1": "web01", "dc01-rehearsal-t1": "dc01"])
    }

    @Test func copiesTheNetworkWithItsAddressSpaceButNoPeering() throws {
        let network = try #require(try Self.plan().manifest.virtualNetworks.first)
        #expect(network.name == "vnet-prod-rehearsal-t1")
        #expect(network.addressPrefixes == ["10.10.0.0/16"])
        #expect(network.subnets.map(\.addressPrefixes) == [["10.10.3.0/24"], ["10.10.1.0/24"]])
        #expect(
            network.subnets[1].networkSecurityGroupId?.hasSuffix(
                "/resourceGroups/rg-web-rehearsal-t1/providers/Microsoft.Network/networkSecurityGroups/nsg-web-rehearsal-t1"
            ) == true)
        #expect(network.peeredNetworkIds.isEmpty)
        #expect(network.dnsServers == ["10.10.3.10"])
    }

    @Test func usesNoPublicIPAndTurnsPublicFrontendsInternal() throws {
        let plan = try Self.plan()
        #expect(plan.manifest.publicIPAddresses.isEmpty)
        #expect(plan.manifest.networkInterfaces.flatMap(\.ipConfigurations).allSatisfy { $0.publicIPAddressId == nil })
        let frontend = try #require(plan.manifest.loadBalancers.first?.frontendIPConfigurations.first)
        #expect(frontend.publicIPAddressId == nil)
        #expect(frontend.subnetId?.hasSuffix("vnet-prod-rehearsal-t1/subnets/snet-web") == true)
        #expect(frontend.zones.isEmpty)
        // Pools and NAT rules are still joined, on the copy of the load balancer.
        let web = try #require(plan.manifest.networkInterfaces.first { $0.name == "nic-web01-rehearsal-t1" })
        #expect(
            web.ipConfigurations[0].loadBalancerBackendAddressPoolIds == [
                "/subscriptions/\(RehearsalEstate.subscription)/resourceGroups/rg-web-rehearsal-t1/providers/Microsoft.Network/loadBalancers/lb-web-rehearsal-t1/backendAddressPools/be-web"
            ])
        #expect(web.ipConfigurations[0].loadBalancerInboundNatRuleIds.count == 1)
        #expect(web.ipConfigurations[0].privateIPAddress == "10.10.1.4")
        #expect(plan.findings.contains { $0.code == "rehearsal.public-ip.dropped" && $0.vm == "web01" })
        #expect(plan.findings.contains { $0.code == "rehearsal.load-balancer.frontend-internal" })
    }

    @Test func tagsEveryCopyWithTheRehearsalID() throws {
        let manifest = try Self.plan().manifest
        let tags =
            manifest.virtualMachines.map(\.tags) + manifest.networkInterfaces.map(\.tags)
            + manifest.loadBalancers.map(\.tags)
            + manifest.networkSecurityGroups.map(\.tags) + manifest.virtualNetworks.map(\.tags)
        #expect(tags.count == 7)
        #expect(tags.allSatisfy { $0[RehearsalPlan.tagName] == "t1" })
        #expect(manifest.virtualMachines.first { $0.name == "web01-rehearsal-t1" }?.tags["env"] == "prod")
    }

    @Test func dropsWhatWouldJoinProduction() throws {
        let plan = try Self.plan()
        let web = try #require(plan.manifest.virtualMachines.first { $0.name == "web01-rehearsal-t1" })
        #expect(web.availabilitySetId == nil)
        let groups = plan.manifest.networkInterfaces.flatMap(\.ipConfigurations).flatMap(\.applicationSecurityGroupIds)
        #expect(groups.isEmpty)
        #expect(plan.findings.contains { $0.code == "rehearsal.asg.dropped" && $0.severity == .warning })
        #expect(plan.findings.contains { $0.code == "rehearsal.availability-set.dropped" })
        #expect(plan.findings.contains { $0.code == "rehearsal.network.peering-dropped" })
    }

    @Test func warnsAboutHostNameDomainControllerAndTrustCollisions() throws {
        let plan = try Self.plan()
        #expect(
            plan.findings.contains {
                $0.code == "rehearsal.hostname-collision" && $0.vm == "web01" && $0.message.contains("'WEB01'")
            })
        #expect(
            plan.findings.contains {
                $0.code == "rehearsal.domain-controller" && $0.vm == "dc01" && $0.message.contains("forest recovery")
            })
        #expect(plan.findings.contains { $0.code == "rehearsal.ad-trust" && $0.vm == "web01" })
        #expect(!plan.findings.contains { $0.code == "rehearsal.ad-trust" && $0.vm == "dc01" })
        // The DNS server is the DC, which is rehearsed: no DNS warning.
        #expect(!plan.findings.contains { $0.code == "rehearsal.dns" })
        #expect(!plan.findings.contains { $0.code == "rehearsal.domain-controller.missing" })
    }

    @Test func warnsWhenTheDNSServerAndDomainControllerAreNotRehearsed() throws {
        let plan = try Self.plan(RehearsalEstate.manifest(), RehearsalOptions(id: "t1", vmNames: ["web01"]))
        #expect(plan.manifest.virtualMachines.map(\.name) == ["web01-rehearsal-t1"])
        #expect(plan.findings.contains { $0.code == "rehearsal.dns" && $0.message.contains("10.10.3.10") })
        #expect(
            plan.findings.contains { $0.code == "rehearsal.domain-controller.missing" && $0.message.contains("dc01") })
        #expect(!plan.resources.contains { $0.name.hasPrefix("nic-dc01") || $0.name.hasPrefix("rg-identity") })
    }

    @Test func derivesTheNetworkFromTheAddressesWhenItWasNotCapturedAndSaysSo() throws {
        let plan = try Self.plan(RehearsalEstate.manifest(networkCaptured: false))
        let network = try #require(plan.manifest.virtualNetworks.first)
        #expect(network.addressPrefixes == ["10.10.0.0/16"])
        #expect(network.subnets.map(\.name) == ["snet-mgmt", "snet-web"])
        #expect(network.subnets.map(\.addressPrefixes) == [["10.10.3.0/24"], ["10.10.1.0/24"]])
        let finding = try #require(plan.findings.first { $0.code == "rehearsal.network.derived" })
        #expect(finding.severity == .warning)
        #expect(finding.message.contains("derived from the captured private addresses"))
    }

    @Test func derivedSubnetsThatShareASlash24AreNarrowedUntilTheyDoNotOverlap() throws {
        var manifest = RehearsalEstate.manifest(networkCaptured: false)
        manifest.networkInterfaces[0].ipConfigurations[0].privateIPAddress = "10.10.1.140"  // dc01 in snet-mgmt
        manifest.networkInterfaces[1].ipConfigurations[0].privateIPAddress = "10.10.1.4"  // web01 in snet-web
        let network = try #require(try Self.plan(manifest).manifest.virtualNetworks.first)
        #expect(network.subnets.map(\.addressPrefixes) == [["10.10.1.128/25"], ["10.10.1.0/25"]])
    }

    @Test func refusesToDeriveASubnetWithoutAnyKnownAddress() throws {
        var manifest = RehearsalEstate.manifest(networkCaptured: false)
        manifest.networkInterfaces[0].ipConfigurations[0].privateIPAddress = nil
        #expect {
            try Self.plan(manifest)
        } throws: { error in
            (error as? RehearsalError)?.message.contains("subnet 'snet-mgmt'") == true
                && (error as? RehearsalError)?.isUsage == false
        }
    }

    @Test func keepsNamesWithinAzureLimitsWithTheSuffixIntact() throws {
        var manifest = RehearsalEstate.manifest()
        let long = String(repeating: "a", count: 70)
        manifest.virtualMachines[1].name = long
        manifest.virtualMachines[1].id = RehearsalEstate.id("rg-web", "Microsoft.Compute/virtualMachines/\(long)")
        let plan = try Self.plan(manifest, RehearsalOptions(id: "t1", suffix: "-dr-test-2025"))
        let vm = try #require(plan.resources.first { $0.kind == .virtualMachine && $0.sourceId.hasSuffix(long) })
        #expect(vm.name.count == 64)
        #expect(vm.name.hasSuffix("-dr-test-2025"))
        #expect(plan.manifest.virtualNetworks.first?.name == "vnet-prod-dr-test-2025")
    }

    @Test func namesTheIsolatedNetworkWhenTheVMsUseOne() throws {
        let plan = try Self.plan(
            RehearsalEstate.manifest(), RehearsalOptions(id: "t1", isolatedNetworkName: "vnet-drill"))
        #expect(plan.manifest.virtualNetworks.map(\.name) == ["vnet-drill"])
        #expect(
            plan.manifest.networkInterfaces.allSatisfy {
                $0.ipConfigurations.allSatisfy { $0.subnetId?.contains("/virtualNetworks/vnet-drill/subnets/") == true }
            })
    }

    @Test func refusesOneIsolatedNetworkNameForTwoNetworks() throws {
        var manifest = RehearsalEstate.manifest(networkCaptured: false)
        manifest.networkInterfaces[0].ipConfigurations[0].subnetId = RehearsalEstate.id(
            "rg-network", "Microsoft.Network/virtualNetworks/vnet-identity/subnets/snet-dc")
        #expect {
            try Self.plan(manifest, RehearsalOptions(id: "t1", isolatedNetworkName: "vnet-drill"))
        } throws: { error in
            (error as? RehearsalError)?.isUsage == true
                && (error as? RehearsalError)?.message.contains("2 virtual networks") == true
        }
        // Without the name, each network gets its own copy.
        #expect(try Self.plan(manifest).manifest.virtualNetworks.count == 2)
    }

    @Test(arguments: ["", "UPPER", "has-hyphen", String(repeating: "1", count: 17)])
    func refusesABadRehearsalID(_ id: String) throws {
        #expect(RehearsalOptions.problem(id: id) != nil)
        #expect(throws: RehearsalError.self) { try Self.plan(RehearsalEstate.manifest(), RehearsalOptions(id: id)) }
    }

    @Test(arguments: ["-", "-ends-with-", "-has space", "-under_score", String(repeating: "x", count: 31)])
    func refusesABadSuffix(_ suffix: String) throws {
        #expect(RehearsalOptions.problem(suffix: suffix) != nil)
    }

    @Test func acceptsGoodIDsAndSuffixes() {
        #expect(RehearsalOptions.problem(id: "202512011930") == nil)
        #expect(RehearsalOptions.problem(suffix: "-dr-2025") == nil)
        #expect(RehearsalOptions(id: "abc").suffix == "-rehearsal-abc")
    }

    @Test func leavesOutLoadBalancerMembershipItCannotCopy() throws {
        var manifest = RehearsalEstate.manifest()
        manifest.loadBalancers = []
        let plan = try Self.plan(manifest)
        let web = try #require(plan.manifest.networkInterfaces.first { $0.name == "nic-web01-rehearsal-t1" })
        #expect(web.ipConfigurations[0].loadBalancerBackendAddressPoolIds.isEmpty)
        #expect(web.ipConfigurations[0].loadBalancerInboundNatRuleIds.isEmpty)
        #expect(plan.findings.contains { $0.code == "rehearsal.load-balancer.not-captured" && $0.vm == "web01" })
    }

    @Test func reportsAnUncapturedNICAsABlocker() throws {
        var manifest = RehearsalEstate.manifest()
        manifest.networkInterfaces.removeAll { $0.name == "nic-dc01" }
        let plan = try Self.plan(manifest)
        #expect(
            plan.findings.contains {
                $0.code == "rehearsal.nic.not-captured" && $0.severity == .blocker && $0.vm == "dc01"
            })
        let dc = try #require(plan.manifest.virtualMachines.first { $0.name == "dc01-rehearsal-t1" })
        #expect(dc.networkInterfaces[0].id.contains("/resourceGroups/rg-identity-rehearsal-t1/"))
    }

    @Test func leavesClassicVMsOutWithAWarning() throws {
        var manifest = RehearsalEstate.manifest()
        manifest.virtualMachines[0].classic = ClassicVMSettings(
            roleName: "dc01", roleSize: "Small", osDisk: ClassicDisk(diskName: "dc01-os"), source: .getDeployment)
        let plan = try Self.plan(manifest)
        #expect(plan.manifest.virtualMachines.map(\.name) == ["web01-rehearsal-t1"])
        #expect(plan.findings.contains { $0.code == "rehearsal.classic-not-rehearsed" && $0.vm == "dc01" })
    }
}
