import RewireModel
import Testing

/// The restore path of a domain controller (restore-procedures §4.1) and the DCs-first order.
@Suite struct DomainControllerPlanTests {
    static func vm(_ name: String, _ role: DomainControllerRole? = nil) -> VirtualMachine {
        VirtualMachine(
            id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/\(name)", name: name,
            resourceGroup: "rg", subscriptionId: "s", location: "westeurope", size: "Standard_D2s_v3", osType: .windows,
            osDisk: Disk(name: "\(name)-os", kind: .managed), domainController: role)
    }

    static func role(
        _ domain: String? = "corp.contoso.com", count: Int?, fsmo: [String] = [], gc: Bool? = nil, rodc: Bool? = nil
    ) -> DomainControllerRole {
        DomainControllerRole(
            domain: domain, isGlobalCatalog: gc, isReadOnly: rodc, fsmoRoles: fsmo, domainControllerCount: count,
            source: .clixml)
    }

    static func plan(_ vms: [VirtualMachine], _ name: String, context: DomainControllerPlan.Context = .init()) throws
        -> DomainControllerPlan
    {
        let manifest = Manifest(virtualMachines: vms)
        let vm = try #require(vms.first { $0.name == name })
        return try #require(DomainControllerPlan.plan(for: vm, in: manifest, context: context))
    }

    @Test func oneDCOfSeveralWithOthersOutsideTheRestoreIsRestoredLikeAnyVM() throws {
        let plan = try Self.plan([Self.vm("dc02", Self.role(count: 3))], "dc02")
        #expect(plan.path == .replica)
        #expect(plan.reason == .otherDomainControllersReachable)
        #expect(plan.otherDomainControllers == 2)
        #expect(plan.findings.first?.code == "dc.restore-path.replica")
        #expect(plan.findings.first?.severity == .info)
    }

    @Test func theLastDCOfItsDomainIsAForestRecovery() throws {
        let plan = try Self.plan([Self.vm("dc", Self.role(count: 1))], "dc")
        #expect(plan.path == .forestRecovery)
        #expect(plan.reason == .lastDomainController)
        #expect(plan.findings.first?.severity == .warning)
    }

    @Test func anUnknownCountIsPlannedConservativelyAndSaysSo() throws {
        let plan = try Self.plan([Self.vm("dc", DomainControllerRole(source: .commandLine))], "dc")
        #expect(plan.path == .forestRecovery)
        #expect(plan.reason == .unknownCount)
        #expect(plan.findings[0].message.contains("not known"))
    }

    @Test func anIsolatedRestoreIsAForestRecoveryEvenWithOtherDCs() throws {
        let plan = try Self.plan([Self.vm("dc02", Self.role(count: 3))], "dc02", context: .init(isolated: true))
        #expect(plan.path == .forestRecovery)
        #expect(plan.reason == .isolatedNetwork)
    }

    @Test func whenEveryDCOfTheDomainIsRestoredThePDCRecoversAndTheOthersFollow() throws {
        let vms = [
            Self.vm("a-dc", Self.role(count: 2, gc: true)), Self.vm("b-dc", Self.role(count: 2, fsmo: ["PDCEmulator"])),
        ]
        let first = try Self.plan(vms, "b-dc")
        #expect(first.path == .forestRecovery)
        #expect(first.reason == .wholeDomainRestored)
        let second = try Self.plan(vms, "a-dc")
        #expect(second.path == .replica)
        #expect(second.reason == .followsRecoveredDomainController)
        #expect(second.recoveredFirst == "b-dc")
        // Restoring only a-dc: b-dc is outside the restore, so a-dc replicates from it.
        let alone = try Self.plan(vms, "a-dc", context: .init(restoring: ["a-dc"]))
        #expect(alone.reason == .otherDomainControllersReachable)
        #expect(alone.otherDomainControllers == 1)
    }

    @Test func domainsAreComparedCaseInsensitivelyAndKeptApart() throws {
        let vms = [
            Self.vm("dc1", Self.role("CORP.contoso.com", count: 2)),
            Self.vm("dc2", Self.role("corp.contoso.com", count: 2)),
            Self.vm("dc3", Self.role("other.contoso.com", count: 2)),
        ]
        #expect(try Self.plan(vms, "dc2").reason == .followsRecoveredDomainController)
        #expect(try Self.plan(vms, "dc3").reason == .otherDomainControllersReachable)
    }

    @Test func findingsForFSMOHoldersGlobalCatalogsAndReadOnlyDCs() throws {
        let plan = try Self.plan(
            [Self.vm("dc", Self.role(count: 1, fsmo: ["PDCEmulator", "RIDMaster"], gc: true, rodc: true))], "dc")
        let codes = plan.findings.map(\.code)
        #expect(codes == ["dc.restore-path.forestRecovery", "dc.fsmo-holder", "dc.global-catalog", "dc.read-only"])
        #expect(plan.findings[1].message.contains("PDCEmulator, RIDMaster"))
        let plain = try Self.plan([Self.vm("dc", Self.role(count: 3, gc: false))], "dc")
        #expect(plain.findings.map(\.code) == ["dc.restore-path.replica"])
    }

    @Test func restoreOrderPutsDomainControllersFirstPDCFirstAndKeepsTheRestStable() {
        let vms = [
            Self.vm("app"), Self.vm("dc-rodc", Self.role(count: 4, rodc: true)),
            Self.vm("dc-gc", Self.role(count: 4, gc: true)),
            Self.vm("dc-pdc", Self.role(count: 4, fsmo: ["PDCEmulator"])), Self.vm("db"),
            Self.vm("dc-rid", Self.role(count: 4, fsmo: ["RIDMaster"])),
        ]
        #expect(
            DomainControllerPlan.restoreOrder(vms).map(\.name) == ["dc-pdc", "dc-rid", "dc-gc", "dc-rodc", "app", "db"])
        #expect(DomainControllerPlan.restoreOrder([Self.vm("b"), Self.vm("a")]).map(\.name) == ["b", "a"])
    }

    @Test func tombstoneWarningOnlyPastTheLifetime() throws {
        #expect(DomainControllerPlan.tombstoneFinding(vm: "dc", recoveryPointAgeDays: 60) == nil)
        let finding = try #require(DomainControllerPlan.tombstoneFinding(vm: "dc", recoveryPointAgeDays: 61))
        #expect(finding.code == "dc.recovery-point.tombstone")
        #expect(finding.message.contains("61 days old"))
        #expect(DomainControllerPlan.tombstoneFinding(vm: "dc", recoveryPointAgeDays: 100, lifetimeDays: 180) == nil)
    }

    @Test func nonDCsHaveNoPlan() {
        let vm = Self.vm("app")
        #expect(DomainControllerPlan.plan(for: vm, in: Manifest(virtualMachines: [vm])) == nil)
    }
}

@Suite struct DomainControllerPlanDateTests {
    @Test func countsWholeDaysBetweenISOTimes() {
        #expect(DomainControllerPlan.days(from: "2024-01-01T00:00:00Z", to: "2024-03-01T12:00:00Z") == 60)
        #expect(DomainControllerPlan.days(from: "2023-12-31", to: "2024-12-31T00:00:00Z") == 366)
        #expect(DomainControllerPlan.days(from: "2024-05-01T23:30:00-02:00", to: "2024-05-02T00:00:00Z") == 0)
        #expect(DomainControllerPlan.days(from: "2024-05-02T00:30:00+02:00", to: "2024-05-02T00:00:00Z") == 1)
        #expect(DomainControllerPlan.days(from: "yesterday", to: "2024-05-02") == nil)
        #expect(DomainControllerPlan.days(from: "2024-13-01", to: "2024-05-02") == nil)
    }
}
