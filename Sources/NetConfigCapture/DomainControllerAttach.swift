public import RewireModel

/// Where capture learns that a VM is a domain controller, and the step that records it on the
/// manifest's VMs after the join:
///
/// 1. `rewire capture --domain-controller VM` (repeatable): the role, nothing else known.
/// 2. VM tags (names compared case-insensitively):
///    - `rewire-role: domain-controller` marks the VM;
///    - `rewire-ad-domain`, `rewire-ad-forest`, `rewire-ad-site`: DNS names / site name;
///    - `rewire-ad-fsmo`: roles held, separated by commas or spaces (`PDCEmulator, RIDMaster`; `pdc`,
///      `rid`, `infrastructure`, `schema`, `naming` accepted);
///    - `rewire-ad-gc`, `rewire-ad-rodc`: `true` / `false`;
///    - `rewire-ad-dc-count`: how many DCs the domain has.
/// 3. The CLIXML of `Get-ADDomainController -Filter * | Export-Clixml`: every DC of the export,
///    matched to a VM by IPv4 address (against NIC private IPs), then by the host name's first
///    label (against `computerName`, then the VM name). Every DC of the export counts towards its
///    domain's `domainControllerCount`, matched or not: an unmatched one is another DC of the domain.
///
/// The richest source wins field by field: the export, then tags; `source` says which one marked it.
public struct DomainControllerInputs: Sendable {
    public private(set) var records: [DomainControllerRecord] = []

    public init() {}

    public var isEmpty: Bool { records.isEmpty }

    public static let roleTag = "rewire-role"
    public static let roleTagValue = "domain-controller"

    public mutating func add(file: String, bytes: [UInt8]) throws(CaptureError) {
        records += try DomainControllerCLIXML.records(from: bytes, file: file)
    }

    public mutating func add(_ records: [DomainControllerRecord]) {
        self.records += records
    }

    /// Records the DC role on the manifest's VMs. Throws when a `--domain-controller` name is not a
    /// VM of the manifest.
    public func apply(to manifest: inout Manifest, commandLine names: [String]) throws(CaptureError) {
        var findings: [Finding] = []
        var roles: [Int: DomainControllerRole] = [:]
        // `manifest.virtualMachines` is read in place throughout: a copy of the array would be
        // copied again, VM by VM, when a role is written into it.
        func vmName(_ index: Int) -> String { manifest.virtualMachines[index].name }

        // Tags.
        for index in manifest.virtualMachines.indices where !manifest.virtualMachines[index].tags.isEmpty {
            if let role = Self.tagRole(manifest.virtualMachines[index], &findings) { roles[index] = role }
        }
        // Command line.
        for name in names {
            let matches = manifest.virtualMachines.indices.filter { vmName($0).lowercased() == name.lowercased() }
            guard !matches.isEmpty else {
                throw CaptureError(
                    .empty, SourceLocation(file: "--domain-controller \(name)"),
                    "no virtual machine named '\(name)' in the \(manifest.virtualMachines.isEmpty ? "input" : "captured VMs (\(Self.list(manifest.virtualMachines.map(\.name))))")"
                )
            }
            for index in matches where roles[index] == nil {
                roles[index] = DomainControllerRole(source: .commandLine)
            }
        }
        // The export.
        var unique: [DomainControllerRecord] = []
        var seen: [String: Int] = [:]
        for record in records {
            if let position = seen[record.hostName.lowercased()] {
                let earlier = unique[position]
                var same = record
                same.location = earlier.location
                if earlier != same {
                    findings.append(
                        Finding(
                            severity: .warning, code: "dc.clixml.duplicate",
                            message:
                                "domain controller '\(record.hostName)' is in the export twice, differently; kept the one from \(earlier.location)",
                            location: record.location))
                }
                continue
            }
            seen[record.hostName.lowercased()] = unique.count
            unique.append(record)
        }
        var perDomain: [String: Int] = [:]
        for record in unique { perDomain[record.domain?.lowercased() ?? "", default: 0] += 1 }
        var matchedBy: [Int: DomainControllerRecord] = [:]
        var unmatched: [DomainControllerRecord] = []
        let candidates = unique.isEmpty ? nil : Candidates(manifest.virtualMachines, ManifestIndex(manifest))  // only an export needs them
        for record in unique {
            switch candidates!.match(record) {
            case .none:
                unmatched.append(record)
            case .ambiguous(let candidates):
                findings.append(
                    Finding(
                        severity: .warning, code: "dc.clixml.ambiguous",
                        message:
                            "domain controller '\(record.hostName)'\(record.ipv4Address.map { " (\($0))" } ?? "") matches \(candidates.count) VMs (\(Self.list(candidates.map { vmName($0) }))); none was marked as a domain controller",
                        setting: "domainController",
                        action: "mark the right VM with --domain-controller or the tag rewire-role: domain-controller",
                        location: record.location))
            case .one(let index):
                if let earlier = matchedBy[index] {
                    findings.append(
                        Finding(
                            severity: .warning, code: "dc.clixml.ambiguous",
                            message:
                                "VM '\(vmName(index))' matches two domain controllers of the export, '\(earlier.hostName)' and '\(record.hostName)'; kept '\(earlier.hostName)'",
                            vm: vmName(index), setting: "domainController", location: record.location))
                    continue
                }
                matchedBy[index] = record
                var role = DomainControllerRole(
                    domain: record.domain, forest: record.forest, site: record.site,
                    isGlobalCatalog: record.isGlobalCatalog,
                    isReadOnly: record.isReadOnly, fsmoRoles: record.operationMasterRoles,
                    domainControllerCount: perDomain[record.domain?.lowercased() ?? ""],
                    ipv4Address: record.ipv4Address,
                    source: .clixml)
                if let tagged = roles[index] {
                    role.forest = role.forest ?? tagged.forest
                    role.site = role.site ?? tagged.site
                    role.domain = role.domain ?? tagged.domain
                    role.isGlobalCatalog = role.isGlobalCatalog ?? tagged.isGlobalCatalog
                    role.isReadOnly = role.isReadOnly ?? tagged.isReadOnly
                    if tagged.domain != nil, let domain = record.domain,
                        tagged.domain?.lowercased() != domain.lowercased()
                    {
                        findings.append(
                            Finding(
                                severity: .warning, code: "dc.tag.conflict",
                                message:
                                    "VM '\(vmName(index))' is tagged with domain '\(tagged.domain!)' but the export says '\(domain)'; kept the export's",
                                vm: vmName(index), setting: "tags.rewire-ad-domain", location: record.location))
                    }
                }
                roles[index] = role
            }
        }
        if !unmatched.isEmpty {
            let byDomain = Dictionary(grouping: unmatched) { $0.domain ?? "(no domain)" }
            for (domain, records) in byDomain.sorted(by: { $0.key < $1.key }) {
                findings.append(
                    Finding(
                        severity: .info, code: "dc.clixml.unmatched",
                        message:
                            "\(records.count) domain controller\(records.count == 1 ? "" : "s") of \(domain) in the export match\(records.count == 1 ? "es" : "") no captured VM (\(Self.list(records.map(\.hostName)))): counted as other DCs of the domain",
                        location: records[0].location))
            }
        }
        for (index, var role) in roles {
            if role.domainControllerCount == nil {
                findings.append(
                    Finding(
                        severity: .info, code: "dc.count.unknown",
                        message:
                            "VM '\(vmName(index))' is a domain controller, but how many DCs its domain has is not known",
                        vm: vmName(index), setting: "domainController.domainControllerCount",
                        action:
                            "add Get-ADDomainController -Filter * | Export-Clixml to the capture inputs, or tag the VM rewire-ad-dc-count"
                    ))
            }
            role.fsmoRoles =
                DomainControllerRoleNames.all.filter(role.fsmoRoles.contains)
                + role.fsmoRoles.filter { !DomainControllerRoleNames.all.contains($0) }
            manifest.virtualMachines[index].domainController = role
        }
        if !findings.isEmpty {
            manifest.findings = Estate.ordered(manifest.findings + findings)
        }
    }

    enum Match: Equatable {
        case none
        case one(Int)
        case ambiguous([Int])
    }

    /// The captured VMs by private address, computer name and name (first labels, lowercased),
    /// built once so that matching an export of thousands of DCs stays linear.
    struct Candidates {
        var byAddress: [String: [Int]] = [:]
        var byComputerName: [String: [Int]] = [:]
        var byName: [String: [Int]] = [:]

        init(_ vms: [VirtualMachine], _ lookup: ManifestIndex) {
            for (index, vm) in vms.enumerated() {
                for address in Set(DomainControllerInputs.privateAddresses(vm, lookup)) {
                    byAddress[address, default: []].append(index)
                }
                if let computerName = vm.computerName {
                    byComputerName[firstLabel(computerName), default: []].append(index)
                }
                byName[vm.name.lowercased(), default: []].append(index)
            }
        }

        /// By IPv4 address first; among several (or none), by the host name's first label against
        /// `computerName`, then the VM name.
        func match(_ record: DomainControllerRecord) -> Match {
            var shared: Set<Int>?
            if let address = record.ipv4Address, let owners = byAddress[address] {
                if owners.count == 1 { return .one(owners[0]) }
                shared = Set(owners)
            }
            let label = record.shortName.lowercased()
            for table in [byComputerName, byName] {
                let hits = (table[label] ?? []).filter { shared?.contains($0) ?? true }
                if hits.count == 1 { return .one(hits[0]) }
                if hits.count > 1 { return .ambiguous(hits) }
            }
            return shared.map { .ambiguous($0.sorted()) } ?? .none
        }
    }

    static func firstLabel(_ name: String) -> String {
        String(name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").lowercased()
    }

    /// Every private address of a VM's NICs (ARM) or of its classic configuration sets.
    static func privateAddresses(_ vm: VirtualMachine, _ lookup: ManifestIndex) -> [String] {
        var addresses: [String] = []
        for reference in vm.networkInterfaces {
            for configuration in lookup.networkInterface(id: reference.id)?.ipConfigurations ?? [] {
                if let address = configuration.privateIPAddress { addresses.append(address) }
            }
        }
        if let classic = vm.classic {
            let primary = classic.primaryNetworkInterface
            addresses += [primary.staticVirtualNetworkIPAddress, primary.currentIPAddress].compactMap { $0 }
            for nic in classic.secondaryNetworkInterfaces {
                addresses += [nic.staticVirtualNetworkIPAddress, nic.currentIPAddress].compactMap { $0 }
            }
        }
        return addresses
    }

    /// The role the VM's tags describe; nil when it is not tagged `rewire-role: domain-controller`.
    static func tagRole(_ vm: VirtualMachine, _ findings: inout [Finding]) -> DomainControllerRole? {
        var tags: [String: (key: String, value: String)] = [:]
        for (key, value) in vm.tags { tags[key.lowercased()] = (key, value.trimmingCharacters()) }
        guard let role = tags[roleTag], role.value.lowercased() == roleTagValue else { return nil }
        func invalid(_ tag: String, _ expected: String) {
            findings.append(
                Finding(
                    severity: .warning, code: "dc.tag.invalid",
                    message:
                        "VM '\(vm.name)' has tag \(tags[tag]!.key) = '\(tags[tag]!.value)'; expected \(expected); ignored",
                    vm: vm.name, setting: "tags.\(tag)"))
        }
        func flag(_ tag: String) -> Bool? {
            guard let value = tags[tag]?.value.lowercased() else { return nil }
            switch value {
            case "true", "yes", "1": return true
            case "false", "no", "0": return false
            default:
                invalid(tag, "true or false")
                return nil
            }
        }
        func text(_ tag: String) -> String? { tags[tag].flatMap { $0.value.isEmpty ? nil : $0.value } }
        var fsmo: [String] = []
        if let list = tags["rewire-ad-fsmo"]?.value {
            for piece in list.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }) {
                if let name = DomainControllerRoleNames.canonical(String(piece)) {
                    if !fsmo.contains(name) { fsmo.append(name) }
                } else {
                    invalid(
                        "rewire-ad-fsmo", "FSMO role names (\(DomainControllerRoleNames.all.joined(separator: ", ")))")
                    break
                }
            }
        }
        var count: Int?
        if let value = tags["rewire-ad-dc-count"]?.value {
            if let number = Int(value), number >= 1 {
                count = number
            } else {
                invalid("rewire-ad-dc-count", "a whole number of at least 1")
            }
        }
        return DomainControllerRole(
            domain: text("rewire-ad-domain"), forest: text("rewire-ad-forest"), site: text("rewire-ad-site"),
            isGlobalCatalog: flag("rewire-ad-gc"), isReadOnly: flag("rewire-ad-rodc"), fsmoRoles: fsmo,
            domainControllerCount: count, source: .tag)
    }

    static func list(_ names: [String]) -> String {
        names.count <= 5 ? names.joined(separator: ", ") : names.prefix(5).joined(separator: ", ") + ", ..."
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
