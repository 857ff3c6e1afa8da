public import RewireModel

/// Which era's documented limitations a check applies (`../shared/docs/restore-procedures.md` §5).
/// An estate still backed up the old way, or a runbook written against an old support matrix,
/// is checked against that era's limits; `current` is the 2026 support matrix.
public enum LimitationProfile: String, CaseIterable, Sendable {
    /// Classic (Service Management) and early ARM backup, 2015–2017 prepare documents.
    case classic2015 = "classic-2015"
    /// ARM backup 2018–2019: 16 data disks, 1023 GB disks (4095 GB on backup stack V2).
    case arm2018 = "arm-2018"
    /// The 2026 support matrix: 32 data disks, 64 TB disks, cross-region restore with conditions.
    case current

    /// True for the eras before the 2019 support matrix, when special configurations could be
    /// restored only through PowerShell and many limits were tighter.
    var isLegacy: Bool { self != .current }
}

/// Preflight checks: what stands between a manifest and a successful restore, before the outage.
///
/// A pure function of its inputs: the manifest, the era's limits, what the caller knows about the
/// vault and the target region, and optionally an inventory of the target subscription (a manifest
/// captured from it) to find collisions with what already exists there.
public struct Preflight: Sendable {
    public var profile: LimitationProfile
    /// The Recovery Services vault the restore will use, checked against the naming rules.
    public var vaultName: String?
    /// The vault's region: Azure Backup needs the vault and the VM in the same region.
    public var vaultLocation: String?
    /// The region the VMs will be restored into, when it is not their own (cross-region restore).
    public var targetLocation: String?
    /// "Now" as ISO 8601, injected by the caller (the core reads no clock): with it, a domain
    /// controller whose newest recovery point is older than the tombstone lifetime is a blocker.
    public var asOf: String?
    /// The restore goes into an isolated network (a rehearsal): domain controllers are then planned
    /// as forest recoveries, since no other DC is reachable. Set by the rehearsal.
    public var isolatedNetwork = false

    public init(
        profile: LimitationProfile = .current, vaultName: String? = nil, vaultLocation: String? = nil,
        targetLocation: String? = nil,
        asOf: String? = nil
    ) {
        self.profile = profile
        self.vaultName = vaultName
        self.vaultLocation = vaultLocation
        self.targetLocation = targetLocation
        self.asOf = asOf
    }

    /// Findings about the manifest alone, and, with a target inventory, about conflicts with it.
    /// Sorted blocker first, then VM, then code.
    ///
    /// The manifest's own capture findings are not repeated here: callers that want them (the
    /// `check` command does) merge them in.
    public func findings(for manifest: Manifest, target: Manifest? = nil) -> [Finding] {
        let context = PreflightContext(manifest: manifest, target: target, profile: profile)
        var findings = vaultFindings()
        for vm in manifest.virtualMachines {
            findings += diskFindings(vm)
            findings += regionFindings(vm)
            findings += protectionFindings(vm)
            findings += operatingSystemFindings(vm)
            findings += agentFindings(vm)
            findings += encryptionFindings(vm)
            findings += guestFindings(vm)
            findings += eraFindings(vm)
            findings += specialConfigurationFindings(vm, context)
            findings += storageFindings(vm, context)
            findings += connectivityFindings(vm, context)
            findings += networkInterfaceCountFindings(vm, context)
            if let target = context.target {
                findings += targetFindings(vm, context, target)
            }
        }
        findings += domainControllerFindings(manifest)
        if let target = context.target { findings += targetInventoryFindings(context, target) }
        return Preflight.sorted(findings)
    }

    /// The restore path of every domain controller (the same decision the scripts and the runbook
    /// follow), and the tombstone check of its newest recovery point when `asOf` is known.
    func domainControllerFindings(_ manifest: Manifest) -> [Finding] {
        var findings: [Finding] = []
        let byName = Dictionary(manifest.virtualMachines.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for plan in DomainControllerPlan.plans(for: manifest, context: .init(isolated: isolatedNetwork)) {
            findings += plan.findings
            if let asOf, let newest = byName[plan.vm]?.backup?.lastRecoveryPoint,
                let age = DomainControllerPlan.days(from: newest, to: asOf),
                let finding = DomainControllerPlan.tombstoneFinding(vm: plan.vm, recoveryPointAgeDays: age)
            {
                findings.append(finding)
            }
        }
        return findings
    }

    /// Blocker first, then by VM (estate-wide findings before per-VM ones), code, setting, message.
    public static func sorted(_ findings: [Finding]) -> [Finding] {
        findings.sorted { a, b in
            if a.severity != b.severity { return a.severity < b.severity }
            if (a.vm ?? "") != (b.vm ?? "") { return (a.vm ?? "") < (b.vm ?? "") }
            if a.code != b.code { return a.code < b.code }
            if (a.setting ?? "") != (b.setting ?? "") { return (a.setting ?? "") < (b.setting ?? "") }
            return a.message < b.message
        }
    }
}

/// What every rule may look up, built once per check.
struct PreflightContext {
    let manifest: Manifest
    let index: ManifestIndex
    let profile: LimitationProfile
    let target: TargetInventory?

    init(manifest: Manifest, target: Manifest?, profile: LimitationProfile) {
        self.manifest = manifest
        self.index = ManifestIndex(manifest)
        self.profile = profile
        self.target = target.map(TargetInventory.init)
    }

    /// The VM's captured NICs, in the VM's order (references to NICs not in the input are skipped;
    /// capture already reported them).
    func networkInterfaces(of vm: VirtualMachine) -> [NetworkInterface] {
        vm.networkInterfaces.compactMap { index.networkInterface(id: $0.id) }
    }
}
