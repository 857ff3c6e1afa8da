import Restore
import RewireModel
import Testing

@Suite("Preflight: conflicts with the target environment")
struct PreflightTargetTests {
    /// Production as captured: app01 with a static IP, in lb-app's pool and NAT rule, with a public IP.
    private let production = PreflightEstate.manifest { PreflightEstate.withLoadBalancerAndPublicIP(&$0) }

    /// The target after the disaster: the network, load balancer and public IP survived; the VM and NIC are gone.
    private func target(_ change: (inout Manifest) -> Void = { _ in }) -> Manifest {
        var manifest = Manifest(
            loadBalancers: [PreflightEstate.loadBalancer()], publicIPAddresses: [PreflightEstate.publicIP()],
            virtualNetworks: [PreflightEstate.network()])
        change(&manifest)
        return manifest
    }

    private func targetCodes(_ target: Manifest, production: Manifest? = nil) -> [String] {
        preflight(production ?? self.production, target: target).map(\.code).filter { $0.hasPrefix("target.") }
    }

    @Test func survivingNetworkWithNothingInTheWayHasNoTargetFindings() {
        #expect(targetCodes(target()).isEmpty)
    }

    @Test func existingVMOfTheSameNameIsABlocker() {
        let findings = preflight(production, target: target { $0.virtualMachines = [PreflightEstate.vm()] }).filter {
            $0.code.hasPrefix("target.")
        }
        #expect(findings.map(\.code) == ["target.vm.nameTaken"])
        #expect(findings[0].severity == .blocker && findings[0].message.contains("rg-app"))
        // Same name in another resource group is no collision.
        var elsewhere = PreflightEstate.vm()
        elsewhere.resourceGroup = "rg-other"
        #expect(targetCodes(target { $0.virtualMachines = [elsewhere] }).isEmpty)
    }

    @Test func nicNameTakenByAnotherVMIsABlockerAndAnUnattachedOneIsReusedAndConverged() {
        let taken = preflight(
            production,
            target: target { $0.networkInterfaces = [PreflightEstate.nic(vm: "other01", address: "10.1.0.10")] }
        )
        .filter { $0.code.hasPrefix("target.") }
        #expect(taken.map(\.code) == ["target.nic.nameTaken"])
        #expect(taken[0].message.contains("other01"))
        let leftover = preflight(production, target: target { $0.networkInterfaces = [PreflightEstate.nic(vm: nil)] })
            .filter { $0.code.hasPrefix("target.") }
        #expect(leftover.map(\.code) == ["target.nic.exists"])
        #expect(leftover.first?.severity == .info, "the script converges a surviving NIC: nothing to warn about")
    }

    @Test func staticIPHeldByAnotherNICOrFrontendIsABlocker() {
        let byNIC = preflight(
            production,
            target: target {
                $0.networkInterfaces = [PreflightEstate.nic(name: "nic-intruder", vm: nil, allocation: .dynamic)]
            })
        #expect(byNIC.filter { $0.code.hasPrefix("target.") }.map(\.code) == ["target.ip.inUse"])
        #expect(byNIC.first { $0.code == "target.ip.inUse" }?.message.contains("nic-intruder") == true)
        let byFrontend = targetCodes(
            target {
                $0.loadBalancers[0].frontendIPConfigurations.append(
                    FrontendIPConfiguration(
                        name: "ilb", privateIPAddress: "10.1.0.10", subnetId: PreflightEstate.subnetID))
            })
        #expect(byFrontend == ["target.ip.inUse"])
        // The same address in another virtual network is no conflict.
        let otherNetwork = targetCodes(
            target {
                var nic = PreflightEstate.nic(name: "nic-intruder", vm: nil)
                nic.ipConfigurations[0].subnetId =
                    "\(PreflightEstate.rg)/Microsoft.Network/virtualNetworks/vnet-other/subnets/app"
                $0.networkInterfaces = [nic]
            })
        #expect(otherNetwork.isEmpty)
    }

    @Test(arguments: [
        ("10.1.1.0/24", "target.ip.outsideSubnet"), ("10.1.0.0/28", nil), ("10.1.0.8/29", "target.ip.reserved"),
        ("10.1.0.0/16", nil),
    ])
    func staticIPMustLieInTheTargetSubnetOutsideTheReservedAddresses(prefix: String, expected: String?) {
        #expect(
            targetCodes(target { $0.virtualNetworks = [PreflightEstate.network(prefix: prefix)] })
                == [expected].compactMap { $0 })
    }

    @Test func ipv6AddressesAreCheckedWithIPv6PrefixesAndNeverAgainstIPv4Ones() {
        func production(_ address: String) -> Manifest {
            PreflightEstate.manifest {
                $0.networkInterfaces[0].ipConfigurations[0].privateIPAddress = address
                $0.networkInterfaces[0].ipConfigurations[0].privateIPAddressVersion = .ipv6
            }
        }
        let dualStack = target {
            $0.virtualNetworks = [PreflightEstate.network()]
            $0.virtualNetworks[0].subnets[0].addressPrefixes = ["10.1.0.0/24", "fd00:db8:1::/64"]
        }
        #expect(targetCodes(dualStack, production: production("fd00:db8:1::10")).isEmpty)
        #expect(targetCodes(dualStack, production: production("fd00:db8:2::10")) == ["target.ip.outsideSubnet"])
        // An IPv4-only subnet says nothing about an IPv6 address.
        #expect(targetCodes(target(), production: production("fd00:db8:2::10")).isEmpty)
    }

    @Test func missingSubnetOrNetworkIsABlocker() {
        let noSubnet = preflight(production, target: target { $0.virtualNetworks[0].subnets = [] }).filter {
            $0.code == "target.subnet.missing"
        }
        #expect(noSubnet.count == 1 && noSubnet[0].message.contains("subnet 'app' of virtual network 'vnet-app'"))
        let noNetwork = target {
            $0.virtualNetworks = [
                VirtualNetwork(
                    id: "\(PreflightEstate.rg)/Microsoft.Network/virtualNetworks/vnet-other", name: "vnet-other",
                    resourceGroup: "rg-app", subscriptionId: PreflightEstate.subscriptionId, location: "westeurope")
            ]
        }
        let findings = preflight(production, target: noNetwork).filter { $0.code == "target.subnet.missing" }
        #expect(findings.count == 1 && findings[0].message.contains("virtual network 'vnet-app'"))
        // A target inventory without any network says nothing about subnets, and says so.
        #expect(targetCodes(target { $0.virtualNetworks = [] }) == ["target.inventory.noNetworks"])
    }

    @Test func missingLoadBalancerIsRecreatedFromTheManifestOrBlocksWhenNotCaptured() {
        let recreated = preflight(production, target: target { $0.loadBalancers = [] }).filter {
            $0.code == "target.loadBalancer.missing"
        }
        #expect(recreated.map(\.severity) == [.warning])
        // Two IP configurations joining the same missing load balancer: reported once for the VM.
        var twice = production
        twice.networkInterfaces[0].ipConfigurations.append(
            IPConfiguration(
                name: "ipconfig2", primary: false, subnetId: PreflightEstate.subnetID,
                loadBalancerBackendAddressPoolIds: [PreflightEstate.poolID]))
        #expect(
            preflight(twice, target: target { $0.loadBalancers = [] }).filter {
                $0.code == "target.loadBalancer.missing"
            }.count == 1)
        var uncaptured = production
        uncaptured.loadBalancers = []
        let blocked = preflight(uncaptured, target: target { $0.loadBalancers = [] }).filter {
            $0.code == "target.loadBalancer.missing"
        }
        #expect(blocked.map(\.severity) == [.blocker])
    }

    @Test func missingPoolAndNatRuleInAnExistingLoadBalancer() {
        let findings = preflight(
            production,
            target: target { $0.loadBalancers = [PreflightEstate.loadBalancer(pools: ["other"], natRules: [])] }
        )
        .filter { $0.code.hasPrefix("target.") }
        #expect(findings.map(\.code) == ["target.loadBalancer.natRuleMissing", "target.loadBalancer.poolMissing"])
        #expect(findings.allSatisfy { $0.severity == .warning })
        var uncaptured = production
        uncaptured.loadBalancers = []
        let blocked = preflight(
            uncaptured, target: target { $0.loadBalancers = [PreflightEstate.loadBalancer(natRules: [])] }
        )
        .filter { $0.code == "target.loadBalancer.natRuleMissing" }
        #expect(blocked.map(\.severity) == [.blocker])
    }

    @Test func vanishedPublicIPSaysItsAddressIsLost() {
        let findings = preflight(production, target: target { $0.publicIPAddresses = [] }).filter {
            $0.code.hasPrefix("target.")
        }
        #expect(findings.map(\.code) == ["target.publicIP.missing"])
        #expect(findings[0].message.contains("20.50.60.70 is lost"))
    }

    @Test(arguments: [
        ("Standard", "Standard", false), ("Basic", "Basic", false), (nil as String?, "Basic", false),
        ("Standard", "Basic", true), ("Basic", "Standard", true),
    ])
    func loadBalancerAndPublicIPSKUsMustMatch(lbSKU: String?, pipSKU: String?, mismatch: Bool) {
        let findings = targetCodes(
            target {
                $0.loadBalancers = [PreflightEstate.loadBalancer(sku: lbSKU)]
                $0.publicIPAddresses = [PreflightEstate.publicIP(sku: pipSKU)]
            })
        #expect(findings == (mismatch ? ["target.sku.mismatch"] : []))
    }

    @Test func skuMismatchIsFoundAgainstTheCapturedLoadBalancerWhenTheTargetLostIt() {
        let findings = preflight(
            production,
            target: target {
                $0.loadBalancers = []
                $0.publicIPAddresses = [PreflightEstate.publicIP(sku: "Basic")]
            }
        ).filter { $0.code == "target.sku.mismatch" }
        #expect(
            findings.count == 1 && findings[0].message.contains("(Standard)") && findings[0].message.contains("(Basic)")
        )
    }

    @Test func zonalPublicIPMustBeInTheVMsZone() {
        #expect(
            targetCodes(target { $0.publicIPAddresses = [PreflightEstate.publicIP(zones: ["1"])] }) == [
                "target.zone.mismatch"
            ])
        var zonal = production
        zonal.virtualMachines[0].zone = "1"
        #expect(
            targetCodes(target { $0.publicIPAddresses = [PreflightEstate.publicIP(zones: ["1"])] }, production: zonal)
                .isEmpty)
        #expect(
            targetCodes(target { $0.publicIPAddresses = [PreflightEstate.publicIP(zones: ["1", "2", "3"])] }).isEmpty)
    }
}
