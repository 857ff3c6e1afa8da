/// An NSG that keeps the backup extension from reaching Azure Storage: the deny rule that wins for
/// its traffic, the ports it blocks, and a free priority for an allow rule that would outrank it.
public struct BackupConnectivityBlock: Sendable, Equatable {
    public var networkSecurityGroupId: String
    public var networkSecurityGroupName: String
    /// Where the NSG is attached: `NIC 'web01-nic'` or `subnet 'web' of 'vnet-prod'`.
    public var attachedTo: String
    /// The highest-ranking outbound deny that is the first match for one of the ports.
    public var denyRule: SecurityRule
    /// Every deny that is the first match for one of the ports, in the order of the ports.
    public var denyRuleNames: [String]
    /// Of the ports asked about, the ones this NSG denies, ascending.
    public var blockedPorts: [Int]
    /// The nearest free outbound priority above the deny (deny − 1, − 2, … down to 100): an allow
    /// rule there outranks the deny and nothing that already ranked above it. nil when none is free.
    public var allowPriority: Int?

    public init(
        networkSecurityGroupId: String, networkSecurityGroupName: String, attachedTo: String, denyRule: SecurityRule,
        denyRuleNames: [String], blockedPorts: [Int], allowPriority: Int?
    ) {
        self.networkSecurityGroupId = networkSecurityGroupId
        self.networkSecurityGroupName = networkSecurityGroupName
        self.attachedTo = attachedTo
        self.denyRule = denyRule
        self.denyRuleNames = denyRuleNames
        self.blockedPorts = blockedPorts
        self.allowPriority = allowPriority
    }
}

/// Outbound reachability of Azure Storage for the backup extension, judged from NSG rules the way
/// Azure evaluates them: outbound rules by ascending priority, the first that matches decides;
/// when none matches, the default `AllowInternetOutBound` (65001) lets the traffic out. `rewire
/// check` reports what blocks, `rewire prepare` adds the allow rule that fixes it: both read it here.
///
/// The 2018 documents ask for an outbound rule to the `Storage.<region>` service tag on ports 80
/// (unmanaged, unencrypted account), 443 (unmanaged, encrypted) and 8443 (managed disks) whenever a
/// rule denies Internet. Assumptions, because the manifest cannot say better: every outbound rule
/// applies to the VM (source prefixes are not compared), and an explicit address range other than
/// `0.0.0.0/0` or `::/0` does not cover Azure Storage (its addresses are not in the manifest), so an
/// allow to one does not count and a deny to one does not block.
public enum BackupConnectivity {
    /// The ports the backup extension uses to reach Azure Storage.
    public static let ports = [80, 443, 8443]

    /// The ports a VM's backup needs: 443 and 8443 for managed disks (the generated estate and the
    /// 2018 documents allow both), 80 and 443 for unmanaged disks in storage accounts.
    public static func requiredPorts(for vm: VirtualMachine) -> [Int] {
        let disks = [vm.osDisk] + vm.dataDisks
        var ports: Set<Int> = []
        if disks.contains(where: { $0.kind == .managed }) { ports.formUnion([443, 8443]) }
        if vm.classic != nil || disks.contains(where: { $0.kind == .vhd }) { ports.formUnion([80, 443]) }
        return ports.sorted()
    }

    /// The first outbound rule that matches the extension's traffic on each port (nil: no custom
    /// rule matches, Azure's default lets it out), in the order of `ports`.
    public static func decidingRules(in nsg: NetworkSecurityGroup, region: String, ports: [Int])
        -> [(port: Int, rule: SecurityRule?)]
    {
        let outbound = nsg.securityRules.filter { $0.direction.lowercased() == "outbound" }.sorted {
            $0.priority < $1.priority
        }
        return ports.map { port in (port, outbound.first { matches($0, port: port, region: region) }) }
    }

    /// The deny that wins for the backup extension's traffic in `nsg` on any of `ports`, or nil
    /// when every one of them gets out.
    public static func block(
        in nsg: NetworkSecurityGroup, region: String, attachedTo: String, ports: [Int] = BackupConnectivity.ports
    )
        -> BackupConnectivityBlock?
    {
        let denies = decidingRules(in: nsg, region: region, ports: ports).compactMap { entry in
            entry.rule.flatMap { $0.access.lowercased() == "deny" ? (entry.port, $0) : nil }
        }
        guard let topDeny = denies.map(\.1).min(by: { $0.priority < $1.priority }) else { return nil }
        return BackupConnectivityBlock(
            networkSecurityGroupId: nsg.id, networkSecurityGroupName: nsg.name, attachedTo: attachedTo,
            denyRule: topDeny, denyRuleNames: denies.map(\.1.name).reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
            blockedPorts: denies.map(\.0).sorted(), allowPriority: freePriority(outranking: topDeny.priority, in: nsg))
    }

    /// The nearest unused outbound priority above `priority` (a smaller number ranks higher;
    /// custom rules use 100…4096), or nil when 100…priority−1 are all taken.
    public static func freePriority(outranking priority: Int, in nsg: NetworkSecurityGroup) -> Int? {
        let used = Set(nsg.securityRules.filter { $0.direction.lowercased() == "outbound" }.map(\.priority))
        var candidate = min(priority, 4097) - 1
        while candidate >= 100 {
            if !used.contains(candidate) { return candidate }
            candidate -= 1
        }
        return nil
    }

    /// Every NSG on the VM's NICs and on their subnets that blocks the backup extension (both apply
    /// to outbound traffic: the NIC's first, then the subnet's). NSGs not in the manifest are skipped.
    public static func blocks(for vm: VirtualMachine, index: ManifestIndex) -> [BackupConnectivityBlock] {
        var blocks: [BackupConnectivityBlock] = []
        var seen: Set<String> = []
        func consider(_ nsgID: String?, _ attachedTo: String) {
            guard let nsgID, let nsg = index.networkSecurityGroup(id: nsgID) else { return }
            guard seen.insert(ResourceID.key(nsgID)).inserted,
                let block = block(in: nsg, region: vm.location, attachedTo: attachedTo, ports: requiredPorts(for: vm))
            else { return }
            blocks.append(block)
        }
        for reference in vm.networkInterfaces {
            guard let nic = index.networkInterface(id: reference.id) else { continue }
            consider(nic.networkSecurityGroupId, "NIC '\(nic.name)'")
            for configuration in nic.ipConfigurations {
                guard let subnetID = configuration.subnetId, let found = index.subnet(id: subnetID) else { continue }
                consider(
                    found.subnet.networkSecurityGroupId, "subnet '\(found.subnet.name)' of '\(found.network.name)'")
            }
        }
        return blocks
    }

    /// Whether a rule applies to TCP traffic from the VM to Azure Storage in `region` on `port`.
    static func matches(_ rule: SecurityRule, port: Int, region: String) -> Bool {
        let proto = rule.protocol.lowercased()
        guard proto == "*" || proto == "tcp" else { return false }
        let ranges = rule.destinationPortRanges.isEmpty ? ["*"] : rule.destinationPortRanges
        guard ranges.contains(where: { portRange($0, contains: port) }) else { return false }
        let destinations = rule.destinationAddressPrefixes.isEmpty ? ["*"] : rule.destinationAddressPrefixes
        let regionKey = Region.key(region)
        return destinations.contains {
            switch $0.lowercased() {
            case "*", "internet", "0.0.0.0/0", "::/0", "storage", "azurecloud", "storage.\(regionKey)",
                "azurecloud.\(regionKey)":
                true
            default: false
            }
        }
    }

    /// The region's storage service tag: `Storage.westeurope` (also for `West Europe`).
    public static func storageTag(region: String) -> String { "Storage.\(Region.key(region))" }


    /// NSG port ranges: `*`, `443`, `8000-9000`.
    public static func portRange(_ range: String, contains port: Int) -> Bool {
        let text = range.filter { !$0.isWhitespace }
        if text == "*" { return true }
        let bounds = text.split(separator: "-", maxSplits: 1).map { Int($0) }
        if bounds.count == 1, let single = bounds[0] { return single == port }
        if bounds.count == 2, let low = bounds[0], let high = bounds[1] { return (low...max(low, high)).contains(port) }
        return false
    }
}
