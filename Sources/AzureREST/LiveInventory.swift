import Foundation

/// The resource types a live capture reads, with the API version used for each.
public enum InventoryResourceType: String, CaseIterable, Sendable {
    case virtualMachines = "Microsoft.Compute/virtualMachines"
    case networkInterfaces = "Microsoft.Network/networkInterfaces"
    case loadBalancers = "Microsoft.Network/loadBalancers"
    case publicIPAddresses = "Microsoft.Network/publicIPAddresses"
    case networkSecurityGroups = "Microsoft.Network/networkSecurityGroups"
    case virtualNetworks = "Microsoft.Network/virtualNetworks"
    case storageAccounts = "Microsoft.Storage/storageAccounts"

    /// Compute 2025-04-01 and network 2025-07-01: the versions of the published examples in `fixtures/arm`;
    /// storage 2024-01-01.
    public var apiVersion: String {
        switch self {
        case .virtualMachines: "2025-04-01"
        case .storageAccounts: "2024-01-01"
        default: "2025-07-01"
        }
    }

    /// Extra query of the list call. VMs are listed with `$expand=instanceView` (List and List All accept it
    /// since compute 2023-07-01), so each VM carries its agent version and status and the guest's OS name: one
    /// list call instead of one instance-view call per VM.
    var listQuery: [(String, String)] {
        self == .virtualMachines ? [("$expand", "instanceView")] : []
    }

    /// Types kept whole even when only some VMs are captured: the few accounts of a scope are small, and which
    /// one holds a VM's unmanaged disks or boot diagnostics is not an ARM reference to follow.
    var keptWhole: Bool { self == .storageAccounts }

    /// Whether a reference from this type to `other` is followed. Only "uses" edges: VM → NIC, NIC → NSG /
    /// public IP / load balancer / virtual network (of its subnet), load balancer → public IP / virtual network. Back-references (a pool's `backendIPConfigurations`,
    /// an NSG's `networkInterfaces`, a public IP's `ipConfiguration`) would pull in other VMs' NICs.
    func follows(_ other: InventoryResourceType) -> Bool {
        switch (self, other) {
        case (.virtualMachines, .networkInterfaces): true
        case (.networkInterfaces, .networkSecurityGroups), (.networkInterfaces, .publicIPAddresses),
            (.networkInterfaces, .loadBalancers), (.networkInterfaces, .virtualNetworks):
            true
        case (.loadBalancers, .publicIPAddresses), (.loadBalancers, .virtualNetworks): true
        default: false
        }
    }

    /// The type named by an ARM id's provider segments, if it is one of these.
    init?(resourceID: String) {
        let parts = resourceID.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 8, parts[4].lowercased() == "providers" else { return nil }
        let type = "\(parts[5])/\(parts[6])".lowercased()
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == type }) else { return nil }
        self = match
    }
}

/// What a live capture fetched: each resource's ARM id and its JSON exactly as ARM sent it, ready for the same
/// capture code that reads exported files.
public struct LiveInventory: Sendable, Equatable {
    /// VMs, then NICs, load balancers, public IPs, NSGs, virtual networks and storage accounts; within a type
    /// ordered by id (case-insensitively).
    public var resources: [ARMResourceBody]

    /// The resources of one type.
    public func resources(of type: InventoryResourceType) -> [ARMResourceBody] {
        resources.filter { InventoryResourceType(resourceID: $0.id) == type }
    }
}

/// Reads VMs (with their instance view), NICs, load balancers, public IPs, NSGs, virtual networks and storage
/// accounts from ARM for a live capture.
public struct LiveInventoryFetcher: Sendable {
    public let arm: ARMClient

    /// A fetcher reading through `arm`.
    public init(arm: ARMClient) {
        self.arm = arm
    }

    /// Lists the seven types in the subscription (or one resource group), following `nextLink`.
    ///
    /// With `virtualMachineNames`, keeps only those VMs (case-insensitive; an unknown name throws code
    /// `VirtualMachineNotFound`), the NICs, load balancers, public IPs, NSGs and virtual networks they reach
    /// through references (VM → NIC → NSG / public IP / load balancer / subnet's network → frontend public IP;
    /// see ``InventoryResourceType/follows(_:)``), and every storage account of the scope.
    /// Either way, a referenced resource of
    /// these types outside the listed scope (an NSG in another resource group) is fetched by id; one that no
    /// longer exists (404) is left out for capture to report.
    public func fetch(
        subscriptionID: String,
        resourceGroup: String? = nil,
        virtualMachineNames: [String] = []
    ) async throws -> LiveInventory {
        let scope =
            "/subscriptions/\(subscriptionID)" + (resourceGroup.map { "/resourceGroups/\($0)" } ?? "")
        let arm = self.arm
        let listed = try await withThrowingTaskGroup(of: (InventoryResourceType, [ARMResourceBody]).self) { group in
            for type in InventoryResourceType.allCases {
                group.addTask {
                    (
                        type,
                        try await arm.list(
                            path: "\(scope)/providers/\(type.rawValue)", apiVersion: type.apiVersion, query: type.listQuery)
                    )
                }
            }
            var result: [InventoryResourceType: [ARMResourceBody]] = [:]
            for try await (type, items) in group { result[type] = items }
            return result
        }

        var kept: [String: ARMResourceBody] = [:]  // lower-cased id -> body
        let vms = listed[.virtualMachines] ?? []
        if virtualMachineNames.isEmpty {
            for resource in listed.values.joined() { kept[resource.id.lowercased()] = resource }
        } else {
            let wanted = Set(virtualMachineNames.map { $0.lowercased() })
            let chosen = vms.filter { wanted.contains(Self.name(of: $0.id).lowercased()) }
            let found = Set(chosen.map { Self.name(of: $0.id).lowercased() })
            let missing = virtualMachineNames.filter { !found.contains($0.lowercased()) }
            guard missing.isEmpty else {
                throw AzureRESTError(
                    kind: .invalidArgument, code: "VirtualMachineNotFound",
                    message: "No VM named \(missing.map { "'\($0)'" }.joined(separator: ", ")) in \(scope). VMs there: "
                        + vms.map { Self.name(of: $0.id) }.sorted().joined(separator: ", "),
                    location: scope)
            }
            for vm in chosen { kept[vm.id.lowercased()] = vm }
            for type in InventoryResourceType.allCases where type.keptWhole {
                for resource in listed[type] ?? [] { kept[resource.id.lowercased()] = resource }
            }
        }
        let inScope = Dictionary(
            listed.filter { $0.key != .virtualMachines }.values.joined().map { ($0.id.lowercased(), $0) },
            uniquingKeysWith: { first, _ in first })

        // Follow references until nothing new turns up.
        var frontier = Array(kept.values)
        var fetched: Set<String> = []
        while !frontier.isEmpty {
            var next: [ARMResourceBody] = []
            for resource in frontier {
                let from = InventoryResourceType(resourceID: resource.id)
                for (reference, spelled) in Self.references(in: resource.body) where kept[reference] == nil {
                    guard let type = InventoryResourceType(resourceID: reference), let from, from.follows(type) else {
                        continue
                    }
                    if let local = inScope[reference] {
                        kept[reference] = local
                        next.append(local)
                    } else if fetched.insert(reference).inserted, let remote = try await get(spelled, type: type) {
                        kept[reference] = remote
                        next.append(remote)
                    }
                }
            }
            frontier = next
        }

        let order = Dictionary(uniqueKeysWithValues: InventoryResourceType.allCases.enumerated().map { ($1, $0) })
        let sorted = kept.values.sorted { a, b in
            let ta = InventoryResourceType(resourceID: a.id).flatMap { order[$0] } ?? 99
            let tb = InventoryResourceType(resourceID: b.id).flatMap { order[$0] } ?? 99
            return ta != tb ? ta < tb : a.id.lowercased() < b.id.lowercased()
        }
        return LiveInventory(resources: sorted)
    }

    /// One resource by id, or `nil` when ARM says it does not exist.
    private func get(_ id: String, type: InventoryResourceType) async throws -> ARMResourceBody? {
        do {
            let body = try await arm.get(path: id, apiVersion: type.apiVersion)
            let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
            return ARMResourceBody(id: object?["id"] as? String ?? id, body: body)
        } catch let error as AzureRESTError where error.status == 404 {
            return nil
        }
    }

    /// The last segment of an ARM id.
    static func name(of id: String) -> String {
        id.split(separator: "/").last.map(String.init) ?? id
    }

    /// Every ARM id in the JSON, cut to the top-level resource (`/subscriptions/s/resourceGroups/rg/providers/
    /// ns/type/name`): lower-cased (for comparing) → as spelled (for fetching).
    static func references(in body: Data) -> [String: String] {
        guard let root = try? JSONSerialization.jsonObject(with: body) else { return [:] }
        var found: [String: String] = [:]
        func walk(_ value: Any, isRoot: Bool) {
            if let object = value as? [String: Any] {
                for (key, child) in object where !(isRoot && key == "id") { walk(child, isRoot: false) }
            } else if let array = value as? [Any] {
                for child in array { walk(child, isRoot: false) }
            } else if let text = value as? String, text.lowercased().hasPrefix("/subscriptions/") {
                let parts = text.split(separator: "/", omittingEmptySubsequences: true)
                if parts.count >= 8, parts[2].lowercased() == "resourcegroups", parts[4].lowercased() == "providers" {
                    let id = "/" + parts[0..<8].joined(separator: "/")
                    found[id.lowercased()] = found[id.lowercased()] ?? id
                }
            }
        }
        walk(root, isRoot: true)
        return found
    }
}
