/// How a domain controller is brought back, decided from its captured role and from what else is
/// restored with it (restore-procedures §4.1, §4.2):
///
/// - **like any VM** when other DCs of its domain exist outside this restore and can be reached:
///   the restored DC replicates from them (non-authoritatively, which Windows Server 2012+ does by
///   itself on Azure thanks to VM-GenerationID);
/// - **forest recovery** when it is the last DC of its domain, when every DC of the domain is
///   restored together (one of them, the PDC emulator first, recovers the domain; the others follow
///   it), when the restore goes into an isolated network (a rehearsal: no other DC is reachable),
///   or when how many DCs the domain has is not known (conservative).
///
/// Pure: `check`, `script`, `rehearse` and the runbook all read the same decision.
public struct DomainControllerPlan: Sendable, Equatable {
    @CanonicalJSONWritable
    public enum Path: String, Sendable, Equatable, Codable {
        /// Restore like any VM; AD replicates in from the other DCs.
        case replica
        /// Forest recovery: DSRM boot, non-authoritative restore (authoritative SYSVOL), cleanup.
        case forestRecovery
    }

    @CanonicalJSONWritable
    public enum Reason: String, Sendable, Equatable, Codable {
        /// Other DCs of the domain exist outside this restore.
        case otherDomainControllersReachable
        /// The domain has one DC: this one.
        case lastDomainController
        /// Every DC of the domain is being restored; this one goes first and recovers the domain.
        case wholeDomainRestored
        /// Every DC of the domain is being restored; this one follows the DC that recovers the domain.
        case followsRecoveredDomainController
        /// The restore goes into an isolated network (rehearsal): no other DC is reachable.
        case isolatedNetwork
        /// The manifest does not say how many DCs the domain has.
        case unknownCount
    }

    /// What restore runs the decision is made for.
    public struct Context: Sendable, Equatable {
        /// Names of the VMs restored in this run (nil: every VM of the manifest).
        public var restoring: Set<String>?
        /// The restore goes into a network that cannot reach production (rehearsal).
        public var isolated: Bool

        public init(restoring: Set<String>? = nil, isolated: Bool = false) {
            self.restoring = restoring
            self.isolated = isolated
        }
    }

    public var vm: String
    public var role: DomainControllerRole
    public var path: Path
    public var reason: Reason
    /// DCs of the domain outside this restore (nil when the count is unknown).
    public var otherDomainControllers: Int?
    /// The DC of the same domain that recovers the domain first, for `.followsRecoveredDomainController`.
    public var recoveredFirst: String?
    /// What the script and the runbook say about this DC: the decision, FSMO roles, global catalog.
    public var findings: [Finding]

    /// The plan of every DC of the manifest restored in `context`, in restore order.
    public static func plans(for manifest: Manifest, context: Context = Context()) -> [DomainControllerPlan] {
        let restored = restoreOrder(manifest.virtualMachines).filter { vm in
            vm.domainController != nil && (context.restoring?.contains(vm.name) ?? true)
        }
        // The DCs of each domain restored together; the first recovers the domain.
        var together: [String: [VirtualMachine]] = [:]
        for vm in restored { together[domainKey(vm.domainController!), default: []].append(vm) }
        return restored.map { vm in
            let role = vm.domainController!
            let siblings = together[domainKey(role)] ?? [vm]
            return plan(vm, role: role, restoredTogether: siblings, context: context)
        }
    }

    /// The plan of one DC, or nil for a VM that is not one.
    public static func plan(for vm: VirtualMachine, in manifest: Manifest, context: Context = Context())
        -> DomainControllerPlan?
    {
        plans(for: manifest, context: context).first { $0.vm == vm.name }
    }

    static func plan(
        _ vm: VirtualMachine, role: DomainControllerRole, restoredTogether: [VirtualMachine], context: Context
    )
        -> DomainControllerPlan
    {
        let domain = role.domain ?? "its domain"
        var plan = DomainControllerPlan(
            vm: vm.name, role: role, path: .forestRecovery, reason: .unknownCount, otherDomainControllers: nil,
            recoveredFirst: nil, findings: [])
        // A DC without a domain name cannot be grouped with others: only itself is known to be restored.
        let together = role.domain == nil ? [vm] : restoredTogether
        if let count = role.domainControllerCount {
            plan.otherDomainControllers = max(0, count - together.count)
        }
        let message: String
        let action: String
        if context.isolated {
            plan.reason = .isolatedNetwork
            message =
                "VM '\(vm.name)' is a domain controller of \(domain) restored into an isolated network: no other DC is reachable, so it is restored by forest recovery"
            action =
                "boot it into DSRM, restore AD non-authoritatively (SYSVOL authoritative), and never connect it to production"
        } else if let count = role.domainControllerCount, count <= 1 {
            plan.reason = .lastDomainController
            message = "VM '\(vm.name)' is the only domain controller of \(domain): restoring it is a forest recovery"
            action =
                "restore it in DSRM with the DSRM administrator password at hand (non-authoritative, SYSVOL authoritative)"
        } else if let others = plan.otherDomainControllers, others > 0 {
            plan.path = .replica
            plan.reason = .otherDomainControllersReachable
            message =
                "VM '\(vm.name)' is one of \(role.domainControllerCount!) domain controllers of \(domain); \(others) other\(others == 1 ? " is" : "s are") not restored with it, so it is restored like any VM and replicates from them"
            action =
                "make sure another DC of \(domain) answers before restoring; if none does, treat this as a forest recovery instead"
        } else if role.domainControllerCount != nil {
            // Every DC of the domain is in this restore.
            if together.first?.name == vm.name {
                plan.reason = .wholeDomainRestored
                message =
                    "every domain controller of \(domain) is restored together; VM '\(vm.name)' goes first and recovers the domain (forest recovery)"
                action =
                    "restore it in DSRM first; restore the other DCs of \(domain) only after it is back and healthy (or rebuild them by promotion)"
            } else {
                plan.path = .replica
                plan.reason = .followsRecoveredDomainController
                plan.recoveredFirst = together.first?.name
                message =
                    "every domain controller of \(domain) is restored together; VM '\(vm.name)' follows '\(together.first!.name)', which recovers the domain"
                action = "start it only after '\(together.first!.name)' is back and healthy; it replicates from it"
            }
        } else {
            plan.reason = .unknownCount
            message =
                "VM '\(vm.name)' is a domain controller of \(domain), and how many DCs the domain has is not known: planned as a forest recovery to be safe"
            action =
                "if another DC of \(domain) is up, restore it like any VM instead; capture Get-ADDomainController -Filter * | Export-Clixml to decide next time"
        }
        plan.findings.append(
            Finding(
                severity: plan.path == .forestRecovery ? .warning : .info,
                code: "dc.restore-path.\(plan.path.rawValue)",
                message: message, vm: vm.name, setting: "domainController", action: action))
        if !role.fsmoRoles.isEmpty {
            plan.findings.append(
                Finding(
                    severity: .warning, code: "dc.fsmo-holder",
                    message:
                        "VM '\(vm.name)' holds the FSMO role\(role.fsmoRoles.count == 1 ? "" : "s") \(role.fsmoRoles.joined(separator: ", "))",
                    vm: vm.name, setting: "domainController.fsmoRoles",
                    action: plan.path == .forestRecovery
                        ? "after the recovery, check the roles with netdom query fsmo; seize any role held by a DC that is not coming back"
                        : "if the restored DC cannot take its roles back, transfer or seize them on a surviving DC (Move-ADDirectoryServerOperationMasterRole)"
                ))
        }
        if role.isGlobalCatalog == true {
            plan.findings.append(
                Finding(
                    severity: .info, code: "dc.global-catalog",
                    message: "VM '\(vm.name)' is a global catalog server",
                    vm: vm.name, setting: "domainController.isGlobalCatalog",
                    action: plan.path == .forestRecovery
                        ? "logons that need universal groups wait until the GC is back: restore it first"
                        : "clients fail over to another GC until it has replicated"))
        }
        if role.isReadOnly == true {
            plan.findings.append(
                Finding(
                    severity: .info, code: "dc.read-only",
                    message: "VM '\(vm.name)' is a read-only domain controller: it cannot recover a domain on its own",
                    vm: vm.name, setting: "domainController.isReadOnly",
                    action: "recover a writable DC of the domain first"))
        }
        return plan
    }

    /// VMs in restore order: domain controllers first (the PDC emulator of each domain first, then
    /// the other FSMO holders, global catalogs, writable before read-only), then the rest; stable
    /// within each group (the manifest keeps VMs by name).
    public static func restoreOrder(_ vms: [VirtualMachine]) -> [VirtualMachine] {
        let ranked = vms.enumerated().map { (rank: rank($0.element), index: $0.offset, vm: $0.element) }
        return ranked.sorted { ($0.rank, $0.index) < ($1.rank, $1.index) }.map(\.vm)
    }

    static func rank(_ vm: VirtualMachine) -> Int {
        guard let role = vm.domainController else { return 9 }
        if role.fsmoRoles.contains("PDCEmulator") { return 0 }
        if !role.fsmoRoles.isEmpty { return 1 }
        if role.isReadOnly == true { return 4 }
        return role.isGlobalCatalog == true ? 2 : 3
    }

    static func domainKey(_ role: DomainControllerRole) -> String { role.domain?.lowercased() ?? "" }

    /// Tombstone lifetime Windows uses when `tombstoneLifetime` is not set (restore-procedures §4.2).
    public static let defaultTombstoneLifetimeDays = 60

    /// A warning when a recovery point of `ageDays` days is older than the tombstone lifetime: a DC
    /// restored from it reintroduces deleted objects (lingering objects) and must not replicate.
    public static func tombstoneFinding(
        vm: String, recoveryPointAgeDays ageDays: Int, lifetimeDays: Int = defaultTombstoneLifetimeDays
    )
        -> Finding?
    {
        guard ageDays > lifetimeDays else { return nil }
        return Finding(
            severity: .blocker, code: "dc.recovery-point.tombstone",
            message:
                "the recovery point of domain controller '\(vm)' is \(ageDays) days old, older than the tombstone lifetime (\(lifetimeDays) days)",
            vm: vm, setting: "recoveryPoint",
            action:
                "choose a recovery point younger than \(lifetimeDays) days, or rebuild the DC by promotion instead of restoring it"
        )
    }

    /// Whole days from one ISO 8601 time to another (`2024-05-01T10:00:00Z`), by their UTC dates
    /// (an offset is applied); nil when either does not start with a date.
    public static func days(from start: String, to end: String) -> Int? {
        guard let first = dayNumber(start), let second = dayNumber(end) else { return nil }
        return second - first
    }

    /// Days since 1970-01-01 of the UTC date of an ISO 8601 time.
    static func dayNumber(_ text: String) -> Int? {
        let scalars = Array(text.unicodeScalars)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= scalars.count else { return nil }
            var value = 0
            for index in range {
                guard let digit = Int(String(scalars[index])) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), scalars.count >= 10, scalars[4] == "-", scalars[7] == "-",
            let month = number(5..<7), let day = number(8..<10), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var days = Int(CivilCalendar.days(year: year, month: month, day: day))
        // A time with an offset: move to UTC when the offset crosses midnight.
        if scalars.count >= 16, scalars[10] == "T", let hour = number(11..<13), let minute = number(14..<16) {
            var rest = scalars[16...].drop { $0 != "+" && $0 != "-" && $0 != "Z" }
            if let sign = rest.first, sign != "Z" {
                rest = rest.dropFirst()
                let offset = Array(rest)
                if offset.count >= 5, let oh = Int(String(String.UnicodeScalarView(offset[0..<2]))),
                    let om = Int(String(String.UnicodeScalarView(offset[3..<5])))
                {
                    let local = hour * 60 + minute
                    let utc = local - (sign == "+" ? 1 : -1) * (oh * 60 + om)
                    if utc < 0 { days -= 1 } else if utc >= 24 * 60 { days += 1 }
                }
            }
        }
        return days
    }
}
