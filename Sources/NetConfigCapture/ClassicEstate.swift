public import RewireModel

/// The classic documents of one capture run and the join that turns them into VMs: Get Role and
/// restore config blobs give way to a Get Deployment of the same VM; reserved IPs, VNet sites and
/// the cloud service's region are attached to the VMs that use them; whatever no VM uses is
/// reported as a finding, never dropped silently.
public struct ClassicEstate: Sendable {
    public private(set) var documents: [ClassicDocument] = []

    public init() {}

    public var isEmpty: Bool { documents.isEmpty }

    /// Parses and keeps one document (see `ClassicCapture.document(from:file:maximumSize:)`).
    public mutating func add(file: String, bytes: [UInt8]) throws(CaptureError) {
        documents.append(try ClassicCapture.document(from: bytes, file: file))
    }

    public mutating func add(_ document: ClassicDocument) {
        documents.append(document)
    }

    /// Joins the documents. `subscriptionId` goes into the VMs' ids; classic bodies do not carry it.
    /// Consuming: the VMs are moved from the documents into the result, not copied.
    public consuming func resolve(subscriptionId: String? = nil) -> ClassicResolution {
        var join = ClassicJoin()
        return join.run(taking(&documents, leaving: []), subscriptionId: subscriptionId)
    }

    /// Stands in for what the input does not say (the subscription; the cloud service of a lone
    /// Get Role), so that a classic VM's id keeps the ARM shape
    /// `/subscriptions/{sub}/resourceGroups/{cloud service}/providers/Microsoft.ClassicCompute/virtualMachines/{role}`
    /// (the id ARM itself gives a classic VM: its resource group is named after the cloud service).
    public static let unknownSegment = "unknown"

    /// The manifest id of a classic VM.
    public static func virtualMachineID(subscriptionId: String?, cloudService: String?, roleName: String) -> String {
        "/subscriptions/\(subscriptionId ?? unknownSegment)/resourceGroups/\(cloudService ?? unknownSegment)"
            + "/providers/Microsoft.ClassicCompute/virtualMachines/\(roleName)"
    }
}

/// Classic VMs ready for the manifest (ordered by name, then id) and what the join found.
public struct ClassicResolution: Sendable, Equatable {
    public var virtualMachines: [ClassicEntry<VirtualMachine>]
    public var findings: [Finding]

    public init(virtualMachines: [ClassicEntry<VirtualMachine>] = [], findings: [Finding] = []) {
        self.virtualMachines = virtualMachines
        self.findings = findings
    }
}

private struct ClassicJoin {
    var findings: [Finding] = []
    var reservedIPs: [String: ClassicEntry<ClassicReservedIP>] = [:]
    /// The reserved IPs each cloud service holds (by lower-cased service name), in key order.
    var reservedIPsHeld: [String: [(key: String, value: ClassicReservedIP)]] = [:]
    var sites: [String: ClassicEntry<ClassicVirtualNetworkSite>] = [:]
    var usedReservedIPs = Set<String>()
    var usedSites = Set<String>()
    var reportedMissing = Set<String>()

    /// The VMs are large values: they are moved from `documents` to the result, never copied.
    mutating func run(_ documents: consuming [ClassicDocument], subscriptionId: String?) -> ClassicResolution {
        for index in documents.indices {
            findings += documents[index].findings
            for entry in documents[index].reservedIPs { insertReservedIP(entry) }
            for entry in documents[index].virtualNetworkSites { insertSite(entry) }
        }
        for (key, entry) in reservedIPs.sorted(by: { $0.key < $1.key }) {
            guard let service = entry.value.serviceName?.lowercased() else { continue }
            reservedIPsHeld[service, default: []].append((key, entry.value))
        }

        // VMs from deployments first: they are complete. Get Role and config blobs fill in only
        // VMs no deployment describes. `machines` is in that order; `positions` finds a VM in it by key.
        var machines: [ClassicEntry<ClassicVMSettings>] = []
        machines.reserveCapacity(documents.reduce(0) { $0 + $1.virtualMachines.count })
        var positions: [String: Int] = [:]
        for index in documents.indices
        where documents[index].kind == .getDeployment || documents[index].kind == .getCloudServiceProperties {
            taking(&documents[index].virtualMachines, leaving: []).forEachMoved { entry in
                let key = "\(entry.value.cloudService?.lowercased() ?? "")/\(entry.value.roleName.lowercased())"
                if let position = positions[key] {
                    let existing = machines[position]
                    if existing.value != entry.value {
                        findings.append(
                            Finding(
                                severity: .warning, code: "input.duplicate-resource",
                                message:
                                    "the input describes classic VM '\(entry.value.roleName)' of cloud service '\(entry.value.cloudService ?? "?")' twice, differently; kept the one from \(existing.location)",
                                vm: entry.value.roleName, location: entry.location))
                    }
                    return
                }
                positions[key] = machines.count
                machines.append(entry)
            }
        }
        let deployed = machines.count
        for index in documents.indices
        where documents[index].kind == .getRole || documents[index].kind == .restoreConfigBlob {
            let kind = documents[index].kind
            taking(&documents[index].virtualMachines, leaving: []).forEachMoved { entry in
                let name = entry.value.roleName.lowercased()
                let matches = machines[..<deployed].filter { $0.value.roleName.lowercased() == name }
                if let deployed = matches.first {
                    let which = matches.count == 1 ? "" : " (\(matches.count) cloud services have a VM of that name)"
                    findings.append(
                        Finding(
                            severity: .info, code: "classic.role.superseded",
                            message:
                                "\(kind == .restoreConfigBlob ? "restore config blob" : "Get Role") of '\(entry.value.roleName)' not used: the Get Deployment in \(deployed.location) describes the VM completely\(which)",
                            vm: entry.value.roleName, location: entry.location))
                    return
                }
                let key = "/\(name)"
                if let position = positions[key] {
                    // A Get Role and the restore config blob of the same VM agree but for their source.
                    let existing = machines[position]
                    var same = entry.value
                    same.source = existing.value.source
                    if existing.value != same {
                        findings.append(
                            Finding(
                                severity: .warning, code: "input.duplicate-resource",
                                message:
                                    "the input describes classic VM '\(entry.value.roleName)' twice, differently; kept the one from \(existing.location)",
                                vm: entry.value.roleName, location: entry.location))
                    }
                    return
                }
                positions[key] = machines.count
                machines.append(entry)
            }
        }

        for index in machines.indices {
            let location = machines[index].location
            enrich(&machines[index].value, at: location)
        }
        var result: [ClassicEntry<VirtualMachine>] = []
        result.reserveCapacity(machines.count)
        (consume machines).forEachMoved { entry in
            let location = entry.location
            result.append(ClassicEntry(virtualMachine(entry, subscriptionId: subscriptionId), location))
        }
        reportUnused()
        // Sort (name, id key, index) triples, not the large entries, and lower-case each id once;
        // then move the entries into that order.
        let order = result.indices.map { (result[$0].value.name, ResourceID.key(result[$0].value.id), $0) }.sorted {
            ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2)
        }
        result.permute(into: order.map(\.2))
        let sorted = findings.sorted {
            ($0.location?.file ?? "", $0.location?.line ?? 0, $0.code, $0.message)
                < ($1.location?.file ?? "", $1.location?.line ?? 0, $1.code, $1.message)
        }
        return ClassicResolution(virtualMachines: result, findings: sorted)
    }

    mutating func insertReservedIP(_ entry: ClassicEntry<ClassicReservedIP>) {
        let key = entry.value.name.lowercased()
        guard let existing = reservedIPs[key] else {
            reservedIPs[key] = entry
            return
        }
        if existing.value != entry.value {
            findings.append(
                Finding(
                    severity: .warning, code: "input.duplicate-resource",
                    message:
                        "the input has two different copies of reserved IP '\(entry.value.name)'; kept the one from \(existing.location)",
                    location: entry.location))
        }
    }

    /// A site can come from both Get Network Configuration and List Virtual Network Sites; the
    /// first copy wins and the second only fills in what the first lacks.
    mutating func insertSite(_ entry: ClassicEntry<ClassicVirtualNetworkSite>) {
        let key = entry.value.name.lowercased()
        guard var existing = sites[key] else {
            sites[key] = entry
            return
        }
        let other = entry.value
        if existing.value.id == nil { existing.value.id = other.id }
        if existing.value.location == nil { existing.value.location = other.location }
        if existing.value.affinityGroup == nil { existing.value.affinityGroup = other.affinityGroup }
        if existing.value.addressPrefixes.isEmpty { existing.value.addressPrefixes = other.addressPrefixes }
        if existing.value.subnets.isEmpty { existing.value.subnets = other.subnets }
        for (index, server) in existing.value.dnsServers.enumerated() where server.address == nil {
            existing.value.dnsServers[index].address = other.dnsServers.first { $0.name == server.name }?.address
        }
        if existing.value.dnsServers.isEmpty { existing.value.dnsServers = other.dnsServers }
        sites[key] = existing
    }

    /// Attaches reserved IPs, the VNet site and the derived region to the VM, in place.
    mutating func enrich(_ vm: inout ClassicVMSettings, at location: SourceLocation) {
        let name = vm.roleName
        if var deployment = vm.deployment {
            var attached: [ClassicReservedIP] = []
            for ipName in deployment.referencedReservedIPNames {
                let key = ipName.lowercased()
                if let reserved = reservedIPs[key] {
                    attached.append(reserved.value)
                    usedReservedIPs.insert(key)
                } else if reportedMissing.insert("rip/\(vm.cloudService ?? "")/\(key)").inserted {
                    findings.append(
                        Finding(
                            severity: .info, code: "classic.reference.missing.reservedIP",
                            message:
                                "cloud service '\(vm.cloudService ?? "?")' uses reserved IP '\(ipName)', whose address and region are not in the input (add List Reserved IPs to the capture)",
                            vm: name, location: location))
                }
            }
            // A reserved IP associated with this cloud service after its creation.
            for (key, reserved) in vm.cloudService.flatMap({ reservedIPsHeld[$0.lowercased()] }) ?? []
            where !attached.contains(where: { $0.name.lowercased() == key }) {
                attached.append(reserved)
                usedReservedIPs.insert(key)
            }
            deployment.reservedIPs = attached
            vm.deployment = deployment
        }

        if let networkName = vm.virtualNetworkName {
            if let site = sites[networkName.lowercased()] {
                usedSites.insert(networkName.lowercased())
                vm.virtualNetwork = site.value
                checkSubnets(of: vm, in: site.value, at: location)
            } else if !sites.isEmpty, reportedMissing.insert("vnet/\(networkName.lowercased())").inserted {
                findings.append(
                    Finding(
                        severity: .warning, code: "classic.reference.missing.virtualNetwork",
                        message:
                            "VNet '\(networkName)' is not in the network configuration given; the restore needs it to exist",
                        vm: name, location: location))
            }
        }

        if vm.deployment?.location == nil {
            let derived = vm.virtualNetwork?.location ?? vm.deployment?.reservedIPs.compactMap(\.location).first
            vm.deployment?.location = derived
        }
        if vm.cloudService == nil {
            findings.append(
                Finding(
                    severity: .warning, code: "classic.cloud-service.unknown",
                    message:
                        "classic VM '\(name)' was read from a single role; its cloud service is not in the input and the restore must be told which one to create",
                    vm: name, location: location))
        }
        if vm.osDisk.os == nil {
            findings.append(
                Finding(
                    severity: .warning, code: "classic.os.assumed",
                    message:
                        "classic VM '\(name)': the OS disk has no readable <OS>; the manifest records Windows, check before restoring",
                    vm: name, location: location))
        }
    }

    mutating func checkSubnets(
        of vm: ClassicVMSettings, in site: ClassicVirtualNetworkSite, at location: SourceLocation
    ) {
        func check(_ subnetName: String?, _ staticIP: String?, _ what: String) {
            guard let subnetName else { return }
            guard let subnet = site.subnets.first(where: { $0.name.lowercased() == subnetName.lowercased() }) else {
                findings.append(
                    Finding(
                        severity: .warning, code: "classic.reference.missing.subnet",
                        message: "\(what) uses subnet '\(subnetName)', which VNet '\(site.name)' does not have",
                        vm: vm.roleName, location: location))
                return
            }
            if let staticIP, let prefix = subnet.addressPrefix, let inside = IPv4.address(staticIP, isIn: prefix),
                !inside
            {
                findings.append(
                    Finding(
                        severity: .warning, code: "classic.static-ip.outside-subnet",
                        message: "\(what) has static IP \(staticIP), outside subnet '\(subnet.name)' (\(prefix))",
                        vm: vm.roleName, location: location))
            }
        }
        let primary = vm.primaryNetworkInterface
        for subnet in primary.subnetNames {
            check(
                subnet, primary.subnetNames.count == 1 ? primary.staticVirtualNetworkIPAddress : nil,
                "the primary NIC of '\(vm.roleName)'")
        }
        for nic in vm.secondaryNetworkInterfaces {
            check(nic.subnetName, nic.staticVirtualNetworkIPAddress, "NIC '\(nic.name)'")
        }
        for balancer in vm.deployment?.internalLoadBalancers ?? [] {
            check(
                balancer.subnetName, balancer.staticVirtualNetworkIPAddress, "internal load balancer '\(balancer.name)'"
            )
        }
    }

    mutating func reportUnused() {
        for (key, entry) in reservedIPs.sorted(by: { $0.key < $1.key }) where !usedReservedIPs.contains(key) {
            let reserved = entry.value
            let holder = reserved.serviceName.map { ", held by cloud service '\($0)'" } ?? ""
            findings.append(
                Finding(
                    severity: .info, code: "classic.reserved-ip.unused",
                    message:
                        "reserved IP '\(reserved.name)' (\(reserved.address ?? "no address"), \(reserved.location ?? "no region")\(holder)) is not used by any VM captured in this run; kept out of the manifest",
                    location: entry.location))
        }
        var unusedSites: [String: [String]] = [:]
        for (key, entry) in sites where !usedSites.contains(key) {
            unusedSites[entry.location.file, default: []].append(entry.value.name)
        }
        for (file, names) in unusedSites {
            let sorted = names.sorted()
            findings.append(
                Finding(
                    severity: .info, code: "classic.virtual-network.unused",
                    message:
                        "\(sorted.count) VNet site\(sorted.count == 1 ? " is" : "s are") not used by any VM captured in this run: \(sorted.map { "'\($0)'" }.joined(separator: ", "))",
                    location: SourceLocation(file: file)))
        }
    }

    func virtualMachine(_ entry: consuming ClassicEntry<ClassicVMSettings>, subscriptionId: String?) -> VirtualMachine {
        let settings = entry.value
        let osDisk = settings.osDisk
        return VirtualMachine(
            id: ClassicEstate.virtualMachineID(
                subscriptionId: subscriptionId, cloudService: settings.cloudService, roleName: settings.roleName),
            name: settings.roleName, resourceGroup: settings.cloudService ?? ClassicEstate.unknownSegment,
            subscriptionId: subscriptionId ?? ClassicEstate.unknownSegment,
            location: settings.deployment?.location ?? "", size: settings.roleSize, osType: osDisk.os ?? .windows,
            osDisk: Disk(
                name: osDisk.diskName, sizeGB: osDisk.sizeGB, caching: osDisk.hostCaching, kind: .vhd,
                vhdUri: osDisk.mediaLink),
            dataDisks: settings.dataDisks.map {
                Disk(
                    name: $0.diskName, lun: $0.lun ?? 0, sizeGB: $0.sizeGB, caching: $0.hostCaching, kind: .vhd,
                    vhdUri: $0.mediaLink)
            },
            classic: settings)
    }
}

/// Dotted-quad IPv4 arithmetic for the static-IP-in-subnet check.
enum IPv4 {
    static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let octet = UInt8(part) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }

    /// Nil when either text is not IPv4 / CIDR.
    static func address(_ address: String, isIn cidr: String) -> Bool? {
        let pieces = cidr.split(separator: "/")
        guard pieces.count == 2, let network = parse(String(pieces[0])), let bits = Int(pieces[1]),
            (0...32).contains(bits),
            let ip = parse(address)
        else { return nil }
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - bits)
        return ip & mask == network & mask
    }
}

extension Estate {
    /// Adds the joined classic VMs to the ARM estate, so `--vm` selection, ordering and the
    /// manifest's findings treat both kinds alike.
    mutating func add(_ classic: consuming ClassicResolution) {
        let classicFindings = classic.findings
        vms.reserveCapacity(vms.count + classic.virtualMachines.count)
        taking(&classic.virtualMachines, leaving: []).forEachMoved { entry in
            let key = ResourceID.key(entry.value.id)
            guard vms[key] == nil else {
                findings.append(
                    Finding(
                        severity: .warning, code: "input.duplicate-resource",
                        message: "the input has two VMs with the id \(entry.value.id); kept the first",
                        vm: entry.value.name, location: entry.location))
                return
            }
            vms[key] = Entry(value: entry.value, location: entry.location)
        }
        findings += classicFindings
    }
}
