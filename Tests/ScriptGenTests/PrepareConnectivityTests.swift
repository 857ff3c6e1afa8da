import RewireModel
import ScriptGen
import Testing

/// The NSG priority logic of `rewire prepare`: when an NSG stops the backup extension, and which
/// allow rule at which priority fixes it.
@Suite("Prepare: NSG connectivity for the backup extension")
struct PrepareConnectivityTests {
    static func group(_ rules: [SecurityRule], location: String = "westeurope") -> NetworkSecurityGroup {
        NetworkSecurityGroup(
            id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg", name: "nsg",
            resourceGroup: "rg", subscriptionId: "s", location: location, securityRules: rules)
    }

    static func outbound(
        _ name: String, _ priority: Int, _ access: String, to destinations: [String], ports: [String] = ["*"],
        protocol: String = "*"
    ) -> SecurityRule {
        SecurityRule(
            name: name, direction: "Outbound", priority: priority, access: access, protocol: `protocol`,
            sourceAddressPrefixes: ["*"],
            destinationAddressPrefixes: destinations, sourcePortRanges: ["*"], destinationPortRanges: ports)
    }

    @Test func noCustomOutboundRuleIsOpen() {
        let inboundDeny = SecurityRule(
            name: "deny-in", direction: "Inbound", priority: 100, access: "Deny", protocol: "*",
            destinationAddressPrefixes: ["*"])
        #expect(PrepareConnectivity.assess(Self.group([inboundDeny]), ports: [443, 8443]) == .open)
    }

    /// A deny to the Internet at various priorities: the allow goes at the free number just above it.
    @Test(arguments: [(4096, 4095), (4000, 3999), (300, 299), (101, 100)])
    func denyToTheInternetGetsAnAllowJustAboveIt(deny: Int, expected: Int) {
        let verdict = PrepareConnectivity.assess(
            Self.group([Self.outbound("deny-internet", deny, "Deny", to: ["Internet"])]), ports: [443, 8443])
        #expect(
            verdict
                == .blocked(
                    denyRuleNames: ["deny-internet"], denyPriority: deny,
                    fix: .init(
                        name: "rewire-allow-backup-storage", priority: expected, destination: "Storage.westeurope",
                        ports: [443, 8443])))
    }

    @Test func takenPrioritiesAreSkipped() {
        let rules = [
            Self.outbound("deny-all", 300, "Deny", to: ["*"]),
            Self.outbound("allow-dns", 299, "Allow", to: ["10.0.0.4/32"], ports: ["53"]),
            Self.outbound("allow-ntp", 298, "Allow", to: ["10.0.0.5/32"], ports: ["123"]),
        ]
        guard case .blocked(_, _, let fix) = PrepareConnectivity.assess(Self.group(rules), ports: [443]) else {
            Issue.record("expected blocked")
            return
        }
        #expect(fix.priority == 297)
        #expect(fix.ports == [443])
    }

    @Test func denyAtOneHundredLeavesNoFreePriority() {
        let verdict = PrepareConnectivity.assess(
            Self.group([Self.outbound("deny-all", 100, "Deny", to: ["*"])]), ports: [443])
        #expect(verdict == .noFreePriority(denyRuleNames: ["deny-all"], denyPriority: 100, ports: [443]))
    }

    @Test func everyPriorityAboveTheDenyTakenLeavesNoFreePriority() {
        var rules = (100..<150).map { Self.outbound("allow-\($0)", $0, "Allow", to: ["10.1.0.0/16"], ports: ["1433"]) }
        rules.append(Self.outbound("deny-internet", 150, "Deny", to: ["Internet"], ports: ["443"]))
        #expect(
            PrepareConnectivity.assess(Self.group(rules), ports: [443])
                == .noFreePriority(denyRuleNames: ["deny-internet"], denyPriority: 150, ports: [443]))
        rules.removeAll { $0.priority == 120 }
        guard case .blocked(_, _, let fix) = PrepareConnectivity.assess(Self.group(rules), ports: [443]) else {
            Issue.record("expected blocked once 120 is free")
            return
        }
        #expect(fix.priority == 120)
    }

    /// Service-tag allows that already outrank the deny are respected: nothing to add.
    @Test(arguments: ["Storage", "Storage.westeurope", "storage.WestEurope", "Internet"])
    func existingAllowThatOutranksTheDenyIsRespected(tag: String) {
        let rules = [
            Self.outbound("allow-storage", 200, "Allow", to: [tag], ports: ["443", "8443"], protocol: "Tcp"),
            Self.outbound("deny-internet", 300, "Deny", to: ["Internet"]),
        ]
        #expect(
            PrepareConnectivity.assess(Self.group(rules), ports: [443, 8443])
                == .allowedBy(ruleNames: ["allow-storage"]))
    }

    @Test func anAllowBelowTheDenyDoesNotCount() {
        let rules = [
            Self.outbound("deny-internet", 200, "Deny", to: ["Internet"]),
            Self.outbound("allow-storage", 300, "Allow", to: ["Storage"], ports: ["443"]),
        ]
        guard case .blocked(let denies, 200, let fix) = PrepareConnectivity.assess(Self.group(rules), ports: [443])
        else {
            Issue.record("expected blocked")
            return
        }
        #expect(denies == ["deny-internet"])
        #expect(fix.priority == 199)
    }

    @Test func anotherRegionsStorageTagDoesNotCount() {
        let rules = [
            Self.outbound("allow-storage-east", 200, "Allow", to: ["Storage.eastus"], ports: ["443"]),
            Self.outbound("deny-internet", 300, "Deny", to: ["Internet"]),
        ]
        guard case .blocked(_, 300, let fix) = PrepareConnectivity.assess(Self.group(rules), ports: [443]) else {
            Issue.record("expected blocked")
            return
        }
        #expect(fix.destination == "Storage.westeurope")
    }

    /// Only 443 is allowed above the deny: the new rule covers 8443 alone.
    @Test func partialAllowAddsOnlyTheBlockedPort() {
        let rules = [
            Self.outbound("allow-storage-443", 200, "Allow", to: ["Storage.westeurope"], ports: ["443"]),
            Self.outbound("deny-internet", 300, "Deny", to: ["Internet"]),
        ]
        guard case .blocked(_, 300, let fix) = PrepareConnectivity.assess(Self.group(rules), ports: [443, 8443]) else {
            Issue.record("expected blocked")
            return
        }
        #expect(fix.ports == [8443])
        #expect(fix.priority == 299)
    }

    @Test func denyOfOtherPortsOrProtocolsOrDestinationsDoesNotBlock() {
        let rules = [
            Self.outbound("deny-http", 100, "Deny", to: ["Internet"], ports: ["80"]),
            Self.outbound("deny-udp", 110, "Deny", to: ["*"], protocol: "Udp"),
            Self.outbound("deny-onprem", 120, "Deny", to: ["192.168.0.0/16"]),
        ]
        #expect(PrepareConnectivity.assess(Self.group(rules), ports: [443, 8443]) == .open)
    }

    @Test func portRangesAreHonoured() {
        let rules = [Self.outbound("deny-range", 500, "Deny", to: ["0.0.0.0/0"], ports: ["400-500"])]
        guard case .blocked(_, 500, let fix) = PrepareConnectivity.assess(Self.group(rules), ports: [443, 8443]) else {
            Issue.record("expected blocked")
            return
        }
        #expect(fix.ports == [443])
    }

    /// The first deny decides the bound: a deny to Storage at 110 before a deny to Internet at 200.
    @Test func theEarliestBlockingDenyBoundsThePriority() {
        let rules = [
            Self.outbound("deny-internet", 200, "Deny", to: ["Internet"], ports: ["8443"]),
            Self.outbound("deny-storage", 110, "Deny", to: ["Storage"], ports: ["443"]),
        ]
        guard
            case .blocked(let denies, 110, let fix) = PrepareConnectivity.assess(Self.group(rules), ports: [443, 8443])
        else {
            Issue.record("expected blocked")
            return
        }
        #expect(Set(denies) == ["deny-storage", "deny-internet"])
        #expect(fix.priority == 109)
        #expect(fix.ports == [443, 8443])
    }

    @Test func aRuleAlreadyNamedLikeOursGetsANewName() {
        let rules = [
            Self.outbound("rewire-allow-backup-storage", 3000, "Allow", to: ["10.9.9.9/32"], ports: ["22"]),
            Self.outbound("deny-internet", 4000, "Deny", to: ["Internet"]),
        ]
        guard case .blocked(_, _, let fix) = PrepareConnectivity.assess(Self.group(rules), ports: [443]) else {
            Issue.record("expected blocked")
            return
        }
        #expect(fix.name == "rewire-allow-backup-storage-2")
    }

    /// 2018 documentation: port 80 for unmanaged disks (`BackupConnectivity.requiredPorts`).
    @Test func portsFollowTheDiskKinds() {
        guard
            case .blocked(_, _, let fix) = PrepareConnectivity.assess(
                Self.group([Self.outbound("deny-internet", 4000, "Deny", to: ["Internet"])]), ports: [80, 443])
        else {
            Issue.record("expected blocked")
            return
        }
        #expect(fix.ports == [80, 443])
    }

    @Test func theServiceTagFollowsTheNSGsRegion() {
        let verdict = PrepareConnectivity.assess(
            Self.group([Self.outbound("deny", 4000, "Deny", to: ["*"])], location: "West Europe"), ports: [443])
        guard case .blocked(_, _, let fix) = verdict else {
            Issue.record("expected blocked")
            return
        }
        #expect(fix.destination == "Storage.westeurope")
    }
}
