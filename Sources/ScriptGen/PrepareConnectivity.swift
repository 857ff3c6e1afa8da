public import RewireModel

/// Does an NSG let the backup extension reach Azure Storage, and if not, which rule fixes it. The
/// rules are judged by `BackupConnectivity` (RewireModel), as `rewire check` judges them; this adds
/// what prepare writes: the rule's name and where it goes.
public enum PrepareConnectivity {
    /// The name of the rule prepare adds (with `-2`, `-3`, ... when the NSG already has a rule so named).
    public static let ruleName = "rewire-allow-backup-storage"
    /// The lowest priority number Azure accepts for a custom rule.
    public static let highestPriority = 100
    public static let lowestPriority = 4096

    /// Why no allow can outrank a deny at `denyPriority`.
    public static func noFreePriorityReason(denyPriority: Int) -> String {
        denyPriority <= highestPriority
            ? "it has the highest priority there is (\(highestPriority))"
            : "every priority from \(highestPriority) to \(denyPriority - 1) is taken"
    }

    /// The service tag of the region's storage: `Storage.westeurope`.
    public static func storageTag(region: String) -> String {
        BackupConnectivity.storageTag(region: region)
    }

    /// Decides for one NSG (its own location is the region) and the ports its VMs need.
    public static func assess(_ group: NetworkSecurityGroup, ports: [Int]) -> Verdict {
        let region = Region.key(group.location)
        guard let block = BackupConnectivity.block(in: group, region: region, attachedTo: group.name, ports: ports) else {
            let allows = BackupConnectivity.decidingRules(in: group, region: region, ports: ports).compactMap(\.rule?.name)
            let allowedBy = allows.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            return allowedBy.isEmpty ? .open : .allowedBy(ruleNames: allowedBy)
        }
        // The highest free number below the deny: the new allow sits right above it and does not
        // move any other rule's precedence.
        guard let priority = block.allowPriority else {
            return .noFreePriority(
                denyRuleNames: block.denyRuleNames, denyPriority: block.denyRule.priority, ports: block.blockedPorts)
        }
        let names = Set(group.securityRules.map { $0.name.lowercased() })
        var name = ruleName
        var counter = 2
        while names.contains(name.lowercased()) {
            name = "\(ruleName)-\(counter)"
            counter += 1
        }
        return .blocked(
            denyRuleNames: block.denyRuleNames, denyPriority: block.denyRule.priority,
            fix: RuleFix(name: name, priority: priority, destination: storageTag(region: region), ports: block.blockedPorts))
    }

    /// What an NSG does to the backup extension's traffic.
    public enum Verdict: Sendable, Equatable {
        /// No custom rule matches: Azure's default rule lets it out.
        case open
        /// Custom allow rules that outrank every deny let it out; nothing to add.
        case allowedBy(ruleNames: [String])
        /// A deny wins: add this allow rule.
        case blocked(denyRuleNames: [String], denyPriority: Int, fix: RuleFix)
        /// A deny wins and every priority from 100 to the deny's is taken: a blocker, no rule.
        case noFreePriority(denyRuleNames: [String], denyPriority: Int, ports: [Int])
    }

    /// The outbound allow rule prepare adds.
    public struct RuleFix: Sendable, Equatable {
        public var name: String
        public var priority: Int
        /// The region's storage service tag.
        public var destination: String
        public var ports: [Int]

        public init(name: String, priority: Int, destination: String, ports: [Int]) {
            self.name = name
            self.priority = priority
            self.destination = destination
            self.ports = ports
        }
    }
}

/// One NSG on the path of a prepared VM's traffic, with the verdict.
public struct SecurityGroupAssessment: Sendable, Equatable {
    public var id: String
    public var name: String
    public var resourceGroup: String
    public var subscriptionId: String
    public var region: String
    /// Where it is attached: `NIC nic-web01`, `subnet vnet-prod/web`.
    public var attachments: [String]
    /// The prepared VMs behind it.
    public var vms: [String]
    /// nil when the NSG is referenced but not in the manifest (it could not be checked).
    public var verdict: PrepareConnectivity.Verdict?

    /// The rule to add, when the NSG blocks and a priority is free.
    public var addition: PlannedSecurityRule? {
        guard case .blocked(let denies, let denyPriority, let fix) = verdict else { return nil }
        return PlannedSecurityRule(
            securityGroupName: name, resourceGroup: resourceGroup, subscriptionId: subscriptionId, fix: fix,
            denyRuleNames: denies, denyPriority: denyPriority)
    }
}

public struct PlannedSecurityRule: Sendable, Equatable {
    public var securityGroupName: String
    public var resourceGroup: String
    public var subscriptionId: String
    public var fix: PrepareConnectivity.RuleFix
    public var denyRuleNames: [String]
    public var denyPriority: Int
}
