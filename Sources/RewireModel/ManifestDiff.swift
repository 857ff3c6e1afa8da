/// Drift between two captures of an estate: per VM, the settings added, removed or changed (NICs,
/// IP configurations, static and public IPs, pools, NAT rules, NSG rules, disks, size, zone, tags,
/// DC role, ...), then the estate's shared resources (load balancers, public IPs, NSGs, networks,
/// storage accounts). Pure: two manifests in, a value out.
///
/// Each resource is flattened into settings named by path, with list elements keyed by name
/// (`networkInterfaces[nic-web01].ipConfigurations[ipconfig1].privateIPAddress`), so that a
/// reordering is not drift and a change says exactly where it is.
@CanonicalJSONWritable
public struct ManifestDiff: Codable, Sendable, Equatable {
    public var changes: [Change]
    /// What was not compared and why (a category an older capture did not record).
    public var notes: [String]

    public var isEmpty: Bool { changes.isEmpty }

    /// The value of a setting that is a list element's presence (`dataDisks[lun 1]`): the element
    /// itself was added or removed.
    public static let presentValue = "present"

    public init(changes: [Change], notes: [String] = []) {
        self.changes = changes
        self.notes = notes
    }

    @CanonicalJSONWritable
    public struct Change: Codable, Sendable, Equatable {
        @CanonicalJSONWritable
        public enum Kind: String, Codable, Sendable {
            case added
            case removed
            case changed
        }

        @CanonicalJSONWritable
        public enum Scope: String, Codable, Sendable, CaseIterable {
            case virtualMachine
            case loadBalancer
            case publicIPAddress
            case networkSecurityGroup
            case virtualNetwork
            case storageAccount

            /// How the human output names it.
            public var label: String {
                switch self {
                case .virtualMachine: "VM"
                case .loadBalancer: "load balancer"
                case .publicIPAddress: "public IP"
                case .networkSecurityGroup: "NSG"
                case .virtualNetwork: "virtual network"
                case .storageAccount: "storage account"
                }
            }
        }

        public var scope: Scope
        /// The resource's name (and resource group, when two share a name).
        public var resource: String
        public var kind: Kind
        /// The setting's path inside the resource; nil when the whole resource was added or removed.
        public var setting: String?
        public var old: String?
        public var new: String?

        public init(
            scope: Scope, resource: String, kind: Kind, setting: String? = nil, old: String? = nil, new: String? = nil
        ) {
            self.scope = scope
            self.resource = resource
            self.kind = kind
            self.setting = setting
            self.old = old
            self.new = new
        }
    }

    /// The drift from `old` to `new`.
    public init(old: Manifest, new: Manifest) {
        var changes: [Change] = []
        var notes: [String] = []
        let oldIndex = ManifestIndex(old)
        let newIndex = ManifestIndex(new)
        changes += Self.compare(
            .virtualMachine, old.virtualMachines, new.virtualMachines, id: \.id, name: \.name, group: \.resourceGroup
        ) { vm, side in Settings.virtualMachine(vm, side == 0 ? oldIndex : newIndex) }
        changes += Self.compare(
            .loadBalancer, old.loadBalancers, new.loadBalancers, id: \.id, name: \.name, group: \.resourceGroup
        ) {
            lb, _ in Settings.loadBalancer(lb)
        }
        changes += Self.compare(
            .publicIPAddress, old.publicIPAddresses, new.publicIPAddresses, id: \.id, name: \.name,
            group: \.resourceGroup
        ) { pip, _ in Settings.publicIP(pip) }
        changes += Self.compare(
            .networkSecurityGroup, old.networkSecurityGroups, new.networkSecurityGroups, id: \.id, name: \.name,
            group: \.resourceGroup
        ) { nsg, _ in Settings.securityGroup(nsg) }
        // Manifests written before networks and storage accounts were captured have neither: an
        // empty side is "not recorded", not "all deleted".
        if old.virtualNetworks.isEmpty != new.virtualNetworks.isEmpty {
            notes.append(
                "virtual networks not compared: only \(old.virtualNetworks.isEmpty ? "NEW" : "OLD") records them (the other capture had no network exports, or came from an older rewire)"
            )
        } else {
            changes += Self.compare(
                .virtualNetwork, old.virtualNetworks, new.virtualNetworks, id: \.id, name: \.name,
                group: \.resourceGroup
            ) { network, _ in Settings.network(network) }
        }
        if old.storageAccounts.isEmpty != new.storageAccounts.isEmpty {
            notes.append(
                "storage accounts not compared: only \(old.storageAccounts.isEmpty ? "NEW" : "OLD") records them")
        } else {
            changes += Self.compare(
                .storageAccount, old.storageAccounts, new.storageAccounts, id: \.id, name: \.name,
                group: \.resourceGroup
            ) { account, _ in Settings.storageAccount(account) }
        }
        self.init(changes: changes, notes: notes)
    }

    /// Resources matched by id (case-insensitively, as ARM compares them), then setting by setting.
    static func compare<T>(
        _ scope: Change.Scope, _ old: [T], _ new: [T], id: (T) -> String, name: (T) -> String, group: (T) -> String,
        settings: (T, Int) -> [(String, String)]
    ) -> [Change] {
        func table(_ items: [T]) -> [String: T] {
            Dictionary(items.map { (ResourceID.key(id($0)), $0) }, uniquingKeysWith: { first, _ in first })
        }
        let before = table(old)
        let after = table(new)
        // Names shared by two resources get their resource group, so the output is unambiguous.
        var idsByName: [String: Set<String>] = [:]
        for (key, item) in before.merging(after, uniquingKeysWith: { first, _ in first }) {
            idsByName[name(item).lowercased(), default: []].insert(key)
        }
        func label(_ item: T) -> String {
            (idsByName[name(item).lowercased()]?.count ?? 0) > 1 ? "\(name(item)) (\(group(item)))" : name(item)
        }
        var changes: [Change] = []
        let keys = Set(before.keys).union(after.keys).sorted { lhs, rhs in
            let left = before[lhs] ?? after[lhs]!
            let right = before[rhs] ?? after[rhs]!
            return (name(left).lowercased(), lhs) < (name(right).lowercased(), rhs)
        }
        for key in keys {
            switch (before[key], after[key]) {
            case (let item?, nil): changes.append(Change(scope: scope, resource: label(item), kind: .removed))
            case (nil, let item?): changes.append(Change(scope: scope, resource: label(item), kind: .added))
            case (let was?, let now?):
                changes += settingChanges(scope, label(now), settings(was, 0), settings(now, 1))
            case (nil, nil): break
            }
        }
        return changes
    }

    /// Setting-level changes; a setting whose parent element was added or removed is not repeated.
    static func settingChanges(
        _ scope: Change.Scope, _ resource: String, _ old: [(String, String)], _ new: [(String, String)]
    ) -> [Change] {
        let before = Dictionary(old, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new, uniquingKeysWith: { first, _ in first })
        var order: [String] = []
        var seen = Set<String>()
        for (path, _) in old + new where !seen.contains(path) {
            seen.insert(path)
            order.append(path)
        }
        order.sort()
        var whole: [String] = []
        var changes: [Change] = []
        for path in order {
            let was = before[path]
            let now = after[path]
            guard was != now else { continue }
            if whole.contains(where: { path.hasPrefix($0 + ".") || path.hasPrefix($0 + "[") }) { continue }
            switch (was, now) {
            case (nil, let value?):
                changes.append(Change(scope: scope, resource: resource, kind: .added, setting: path, new: value))
                if value == Settings.present { whole.append(path) }
            case (let value?, nil):
                changes.append(Change(scope: scope, resource: resource, kind: .removed, setting: path, old: value))
                if value == Settings.present { whole.append(path) }
            default:
                changes.append(
                    Change(scope: scope, resource: resource, kind: .changed, setting: path, old: was, new: now))
            }
        }
        return changes
    }
}

/// Each resource as (path, value) settings. An element of a keyed list has a `present` entry of
/// its own, so that adding or removing it is one change, not one per setting.
enum Settings {
    static let present = ManifestDiff.presentValue

    static func virtualMachine(_ vm: VirtualMachine, _ index: ManifestIndex) -> [(String, String)] {
        var out: [(String, String)] = []
        func add(_ path: String, _ value: String?) { if let value { out.append((path, value)) } }
        add("size", vm.size)
        add("osType", vm.osType.rawValue)
        add("location", vm.location)
        add("zone", vm.zone)
        add("availabilitySet", vm.availabilitySetId.map(name))
        add("proximityPlacementGroup", vm.proximityPlacementGroupId.map(name))
        add("licenseType", vm.licenseType)
        add("computerName", vm.computerName)
        for (key, value) in vm.tags { add("tags.\(key)", value) }
        disk("osDisk", vm.osDisk, into: &out)
        for data in vm.dataDisks {
            let path = "dataDisks[lun \(data.lun.map(String.init) ?? "?")]"
            add(path, present)
            disk(path, data, into: &out)
        }
        if let image = vm.image {
            add(
                "image",
                [image.publisher, image.offer, image.sku, image.version].map { $0 ?? "" }.joined(separator: ":"))
        }
        add("osName", vm.osName)
        add("osVersion", vm.osVersion)
        add("agent.version", vm.agent?.version)
        for ext in vm.extensions ?? [] {
            add("extensions[\(ext.name)]", "\(ext.publisher)/\(ext.type)" + (ext.version.map { " \($0)" } ?? ""))
        }
        if let backup = vm.backup {
            add("backup.vault", name(backup.vaultId))
            add("backup.policy", backup.policyId.map(name))
            add("backup.protectionState", backup.protectionState)
        }
        if let dc = vm.domainController {
            add("domainController", present)
            add("domainController.domain", dc.domain)
            add("domainController.site", dc.site)
            add("domainController.globalCatalog", dc.isGlobalCatalog.map { String($0) })
            add("domainController.readOnly", dc.isReadOnly.map { String($0) })
            add(
                "domainController.fsmoRoles", dc.fsmoRoles.isEmpty ? nil : dc.fsmoRoles.sorted().joined(separator: ", ")
            )
            add("domainController.count", dc.domainControllerCount.map(String.init))
            add("domainController.ipv4Address", dc.ipv4Address)
        }
        if let classic = vm.classic {
            add("classic", present)
            for (path, value) in classicSettings(classic) { add("classic.\(path)", value) }
        }
        for reference in vm.networkInterfaces {
            let path = "networkInterfaces[\(name(reference.id))]"
            add(path, present)
            add(path + ".primary", String(reference.primary))
            guard let nic = index.networkInterface(id: reference.id) else {
                add(path + ".captured", "false")
                continue
            }
            add(path + ".acceleratedNetworking", String(nic.enableAcceleratedNetworking))
            add(path + ".ipForwarding", String(nic.enableIPForwarding))
            add(path + ".dnsServers", nic.dnsServers.isEmpty ? nil : nic.dnsServers.joined(separator: ", "))
            for (key, value) in nic.tags { add(path + ".tags.\(key)", value) }
            if let nsgID = nic.networkSecurityGroupId {
                add(path + ".networkSecurityGroup", name(nsgID))
                if let nsg = index.networkSecurityGroup(id: nsgID) {
                    for (rulePath, value) in securityGroup(nsg) where rulePath.hasPrefix("rules") {
                        add(path + ".networkSecurityGroup.\(rulePath)", value)
                    }
                }
            }
            for configuration in nic.ipConfigurations {
                let ip = path + ".ipConfigurations[\(configuration.name)]"
                add(ip, present)
                add(ip + ".primary", String(configuration.primary))
                add(ip + ".subnet", configuration.subnetId.map(childName))
                add(ip + ".privateIPAllocation", configuration.privateIPAllocationMethod.rawValue)
                // A dynamic address moves on its own: only a static one is a setting.
                if configuration.privateIPAllocationMethod == .static {
                    add(ip + ".staticPrivateIPAddress", configuration.privateIPAddress)
                }
                add(ip + ".ipVersion", configuration.privateIPAddressVersion.rawValue)
                if let pipID = configuration.publicIPAddressId {
                    let pip = index.publicIPAddress(id: pipID)
                    add(ip + ".publicIP", name(pipID))
                    add(ip + ".publicIP.address", pip?.ipAddress)
                    add(ip + ".publicIP.allocation", pip?.allocationMethod.rawValue)
                }
                for pool in configuration.loadBalancerBackendAddressPoolIds {
                    add(ip + ".backendPools[\(childName(pool))]", present)
                }
                for rule in configuration.loadBalancerInboundNatRuleIds {
                    add(ip + ".natRules[\(childName(rule))]", present)
                }
                for group in configuration.applicationSecurityGroupIds {
                    add(ip + ".applicationSecurityGroups[\(name(group))]", present)
                }
            }
        }
        return out
    }

    static func disk(_ path: String, _ disk: Disk, into out: inout [(String, String)]) {
        out.append((path + ".name", disk.name))
        out.append((path + ".kind", disk.kind.rawValue))
        if let size = disk.sizeGB { out.append((path + ".sizeGB", String(size))) }
        if let caching = disk.caching { out.append((path + ".caching", caching)) }
        if let type = disk.storageAccountType { out.append((path + ".storageAccountType", type)) }
        if disk.writeAcceleratorEnabled { out.append((path + ".writeAccelerator", "true")) }
    }

    static func classicSettings(_ classic: ClassicVMSettings) -> [(String, String)] {
        // The classic settings have no stable keys to match on; compare them as one canonical text.
        guard let bytes = try? CanonicalJSON.encode(classic) else { return [] }
        return [
            (
                "settings",
                String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).map {
                    $0.trimmingPrefix(while: \.isWhitespace)
                }.joined(separator: " ")
            )
        ]
    }

    static func loadBalancer(_ lb: LoadBalancer) -> [(String, String)] {
        var out: [(String, String)] = [("location", lb.location)]
        if let sku = lb.sku { out.append(("sku", sku)) }
        for (key, value) in lb.tags { out.append(("tags.\(key)", value)) }
        for frontend in lb.frontendIPConfigurations {
            let path = "frontends[\(frontend.name)]"
            out.append((path, present))
            if let pip = frontend.publicIPAddressId { out.append((path + ".publicIP", name(pip))) }
            if let subnet = frontend.subnetId { out.append((path + ".subnet", childName(subnet))) }
            if frontend.privateIPAllocationMethod == .static, let address = frontend.privateIPAddress {
                out.append((path + ".staticPrivateIPAddress", address))
            }
            if !frontend.zones.isEmpty { out.append((path + ".zones", frontend.zones.joined(separator: ", "))) }
        }
        for pool in lb.backendAddressPools { out.append(("backendPools[\(pool.name)]", present)) }
        for probe in lb.probes {
            out.append(("probes[\(probe.name)]", "\(probe.protocol):\(probe.port)\(probe.requestPath ?? "")"))
        }
        for rule in lb.loadBalancingRules {
            out.append(
                (
                    "rules[\(rule.name)]",
                    "\(rule.protocol) \(rule.frontendIPConfigurationName ?? "?"):\(rule.frontendPort) to \(rule.backendAddressPoolName ?? "?"):\(rule.backendPort)"
                        + (rule.probeName.map { " probe \($0)" } ?? "") + (rule.enableFloatingIP ? " floating IP" : "")
                ))
        }
        for rule in lb.inboundNatRules {
            out.append(
                (
                    "natRules[\(rule.name)]",
                    "\(rule.protocol) \(rule.frontendIPConfigurationName ?? "?"):\(rule.frontendPort.map(String.init) ?? "?") to port \(rule.backendPort.map(String.init) ?? "?")"
                ))
        }
        return out
    }

    static func publicIP(_ pip: PublicIPAddress) -> [(String, String)] {
        var out: [(String, String)] = [
            ("allocation", pip.allocationMethod.rawValue), ("ipVersion", pip.ipVersion.rawValue),
        ]
        if let address = pip.ipAddress { out.append(("address", address)) }
        if let sku = pip.sku { out.append(("sku", sku)) }
        if let label = pip.domainNameLabel { out.append(("domainNameLabel", label)) }
        if !pip.zones.isEmpty { out.append(("zones", pip.zones.joined(separator: ", "))) }
        for (key, value) in pip.tags { out.append(("tags.\(key)", value)) }
        return out
    }

    static func securityGroup(_ nsg: NetworkSecurityGroup) -> [(String, String)] {
        var out: [(String, String)] = [("location", nsg.location)]
        for (key, value) in nsg.tags { out.append(("tags.\(key)", value)) }
        for rule in nsg.securityRules {
            let source = (rule.sourceAddressPrefixes.isEmpty ? ["*"] : rule.sourceAddressPrefixes).joined(
                separator: ",")
            let sourcePorts = (rule.sourcePortRanges.isEmpty ? ["*"] : rule.sourcePortRanges).joined(separator: ",")
            let destination = (rule.destinationAddressPrefixes.isEmpty ? ["*"] : rule.destinationAddressPrefixes)
                .joined(separator: ",")
            let ports = (rule.destinationPortRanges.isEmpty ? ["*"] : rule.destinationPortRanges).joined(separator: ",")
            out.append(
                (
                    "rules[\(rule.name)]",
                    "\(rule.direction) \(rule.access) \(rule.priority) \(rule.protocol) from \(source):\(sourcePorts) to \(destination):\(ports)"
                ))
        }
        return out
    }

    static func network(_ network: VirtualNetwork) -> [(String, String)] {
        var out: [(String, String)] = [
            ("location", network.location), ("addressPrefixes", network.addressPrefixes.joined(separator: ", ")),
        ]
        if !network.dnsServers.isEmpty { out.append(("dnsServers", network.dnsServers.joined(separator: ", "))) }
        for peer in network.peeredNetworkIds { out.append(("peerings[\(name(peer))]", present)) }
        for (key, value) in network.tags { out.append(("tags.\(key)", value)) }
        for subnet in network.subnets {
            let path = "subnets[\(subnet.name)]"
            out.append((path, present))
            out.append((path + ".addressPrefixes", subnet.addressPrefixes.joined(separator: ", ")))
            if let nsg = subnet.networkSecurityGroupId { out.append((path + ".networkSecurityGroup", name(nsg))) }
        }
        return out
    }

    static func storageAccount(_ account: StorageAccount) -> [(String, String)] {
        var out: [(String, String)] = [("location", account.location)]
        if let sku = account.sku { out.append(("sku", sku)) }
        if let action = account.networkDefaultAction { out.append(("networkDefaultAction", action)) }
        if !account.networkBypass.isEmpty {
            out.append(("networkBypass", account.networkBypass.joined(separator: ", ")))
        }
        return out
    }

    /// A resource's name from its id (the id itself when it does not parse).
    static func name(_ id: String) -> String { ResourceID(id)?.name ?? id }

    /// `lb-web/be-web` for a pool, `vnet-prod/snet-web` for a subnet: the parent's name and the child's.
    static func childName(_ id: String) -> String {
        guard let parsed = ResourceID(id) else { return id }
        return parsed.segments.map(\.name).joined(separator: "/")
    }
}
