public import RewireModel

/// Does an NSG let the backup extension reach Azure Storage, and if not, which rule fixes it.
///
/// The 2018 prepare documentation: allow outbound to the region's `Storage` service tag on 443
/// (and 8443 for managed-disk VMs, 80 for unmanaged ones) when a rule denies Internet traffic.
/// Azure evaluates the outbound rules by priority and the first rule that matches decides; with no custom match the default
/// `AllowInternetOutBound` (65001) lets the traffic out. So, per port, the first custom outbound
/// rule matching TCP to the storage endpoints decides: a deny blocks, an allow (to `Storage`,
/// `Storage.<region>`, `Internet` or `*`) lets it through.
///
/// Assumptions, stated because rewire cannot know better from the manifest: every source prefix is
/// taken to include the VM; a destination given as an IP range other than `0.0.0.0/0` or `::/0` is
/// taken not to cover Azure Storage (its addresses are not in the manifest).
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

    /// The ports the extension needs (2018 documentation): 443 and 8443 for managed disks, 80 and
    /// 443 for unmanaged disks in storage accounts.
    public static func ports(managedDisks: Bool, unmanagedDisks: Bool = false) -> [Int] {
        var ports: Set<Int> = [443]
        if managedDisks { ports.insert(8443) }
        if unmanagedDisks { ports.insert(80) }
        return ports.sorted()
    }

    /// The service tag of the region's storage: `Storage.westeurope`.
    public static func storageTag(region: String) -> String {
        "Storage.\(region)"
    }

    /// Decides for one NSG (its own location is the region) and the ports its VMs need.
    public static func assess(_ group: NetworkSecurityGroup, ports: [Int]) -> Verdict {
        let region = PreparePlanner.region(group.location)
        let outbound = group.securityRules.filter { $0.direction.caseInsensitiveEquals("Outbound") }.sorted {
            $0.priority < $1.priority
        }
        var blocked: [(port: Int, rule: SecurityRule)] = []
        var allowedBy: [String] = []
        for port in ports {
            guard let first = outbound.first(where: { matches($0, port: port, region: region) }) else { continue }
            if first.access.caseInsensitiveEquals("Deny") {
                blocked.append((port, first))
            } else if !allowedBy.contains(first.name) {
                allowedBy.append(first.name)
            }
        }
        guard let firstDeny = blocked.min(by: { $0.rule.priority < $1.rule.priority })?.rule else {
            return allowedBy.isEmpty ? .open : .allowedBy(ruleNames: allowedBy)
        }
        let blockedPorts = blocked.map(\.port)
        let denyNames = blocked.map(\.rule.name).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let used = Set(outbound.map(\.priority))
        let bound = min(firstDeny.priority - 1, lowestPriority)
        // The highest free number below the deny: the new allow sits right above it and does not
        // move any other rule's precedence.
        guard bound >= highestPriority,
            let priority = stride(from: bound, through: highestPriority, by: -1).first(where: { !used.contains($0) })
        else {
            return .noFreePriority(denyRuleNames: denyNames, denyPriority: firstDeny.priority, ports: blockedPorts)
        }
        let names = Set(group.securityRules.map { $0.name.lowercased() })
        var name = ruleName
        var counter = 2
        while names.contains(name.lowercased()) {
            name = "\(ruleName)-\(counter)"
            counter += 1
        }
        return .blocked(
            denyRuleNames: denyNames, denyPriority: firstDeny.priority,
            fix: RuleFix(name: name, priority: priority, destination: storageTag(region: region), ports: blockedPorts))
    }

    /// Whether a rule applies to TCP traffic from the VM to Azure Storage in `region` on `port`.
    static func matches(_ rule: SecurityRule, port: Int, region: String) -> Bool {
        guard rule.protocol == "*" || rule.protocol.caseInsensitiveEquals("Tcp") else { return false }
        let destinations = rule.destinationAddressPrefixes.isEmpty ? ["*"] : rule.destinationAddressPrefixes
        let storage: Set<String> = [
            "*", "internet", "0.0.0.0/0", "::/0", "storage", "storage.\(region.lowercased())", "azurecloud",
            "azurecloud.\(region.lowercased())",
        ]
        guard destinations.contains(where: { storage.contains($0.lowercased()) }) else { return false }
        let ranges = rule.destinationPortRanges.isEmpty ? ["*"] : rule.destinationPortRanges
        return ranges.contains { covers($0, port: port) }
    }

    /// `*`, `443` or `400-500`.
    static func covers(_ range: String, port: Int) -> Bool {
        let text = range.trimmingSpaces
        if text == "*" { return true }
        let bounds = text.split(separator: "-", maxSplits: 1).map { Int($0.trimmingSpaces) }
        switch bounds.count {
        case 1: return bounds[0] == port
        case 2:
            guard let low = bounds[0], let high = bounds[1] else { return false }
            return (low...max(low, high)).contains(port)
        default: return false
        }
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

extension String {
    fileprivate func caseInsensitiveEquals(_ other: String) -> Bool { lowercased() == other.lowercased() }
    fileprivate var trimmingSpaces: String { String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}

extension Substring {
    fileprivate var trimmingSpaces: String { String(self).trimmingSpaces }
}
