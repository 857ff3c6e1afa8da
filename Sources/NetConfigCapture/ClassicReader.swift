import Dispatch
import RewireModel

/// Reads the elements of classic documents into `RewireModel` values. Absent elements take the
/// service's documented defaults (it omits defaults, `EmitDefaultValue=false`); a value that is
/// present but unreadable becomes a finding with its XML line, and the item it belongs to is
/// dropped only when it cannot be rebuilt without it. Enum-like values are compared
/// case-insensitively (the service writes `tcp`, the docs `TCP`). `Node` is a copied `XMLElement`
/// or, for a document read once, an element of an `XMLArena` (built from SAX2 events, no tree).
struct ClassicReader<Node: XMLElementReading> {
    let file: String
    var findings: [Finding] = []

    init(file: String) {
        self.file = file
    }

    func location(_ element: Node) -> SourceLocation {
        SourceLocation(file: file, line: element.line)
    }

    mutating func note(_ severity: Severity, _ code: String, _ message: String, vm: String?, at element: Node) {
        findings.append(Finding(severity: severity, code: code, message: message, vm: vm, location: location(element)))
    }

    func shapeError(_ element: Node, _ message: String) -> CaptureError {
        CaptureError(.shape, location(element), message)
    }

    // MARK: Values

    enum Parsed<Value> {
        case absent
        case invalid
        case value(Value)

        var value: Value? {
            if case .value(let value) = self { return value }
            return nil
        }
    }

    /// A decimal integer child. An unreadable one is reported (with `what` naming the item) and
    /// comes back `.invalid`.
    mutating func integer(_ parent: Node, _ name: String, _ what: @autoclosure () -> String, vm: String?) -> Parsed<Int>
    {
        guard let child = parent.child(name), let text = child.value else { return .absent }
        guard let number = Int(text) else {
            note(
                .warning, "classic.value.invalid", "\(what()): <\(name)> is '\(text)', expected a whole number", vm: vm,
                at: child)
            return .invalid
        }
        return .value(number)
    }

    mutating func boolean(_ parent: Node, _ name: String, _ what: @autoclosure () -> String, vm: String?) -> Parsed<
        Bool
    > {
        guard let child = parent.child(name), let text = child.value else { return .absent }
        switch text.lowercased() {
        case "true", "1": return .value(true)
        case "false", "0": return .value(false)
        default:
            note(
                .warning, "classic.value.invalid", "\(what()): <\(name)> is '\(text)', expected true or false", vm: vm,
                at: child)
            return .invalid
        }
    }

    /// An enum child matched case-insensitively against the raw values.
    mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ parent: Node, _ name: String, _ what: @autoclosure () -> String, vm: String?, severity: Severity = .warning
    ) -> Parsed<Value> where Value.RawValue == String {
        guard let child = parent.child(name), let text = child.value else { return .absent }
        let lowered = text.lowercased()
        if let match = Value.allCases.first(where: { $0.rawValue.lowercased() == lowered }) {
            return .value(match)
        }
        let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
        note(
            severity, "classic.value.invalid", "\(what()): <\(name)> is '\(text)', expected one of \(allowed)", vm: vm,
            at: child)
        return .invalid
    }

    /// `Enabled` / `Disabled`, as `IPForwarding` is written.
    mutating func enabled(_ parent: Node, _ name: String, _ what: @autoclosure () -> String, vm: String?) -> Bool? {
        guard let child = parent.child(name), let text = child.value else { return nil }
        switch text.lowercased() {
        case "enabled": return true
        case "disabled": return false
        default:
            note(
                .warning, "classic.value.invalid", "\(what()): <\(name)> is '\(text)', expected Enabled or Disabled",
                vm: vm, at: child)
            return nil
        }
    }

    /// `None`, `ReadOnly`, `ReadWrite`, spelled as the classic cmdlets expect.
    mutating func hostCaching(_ disk: Node, _ what: @autoclosure () -> String, vm: String?) -> String? {
        guard let child = disk.child("HostCaching"), let text = child.value else { return nil }
        let lowered = text.lowercased()
        if let match = ["None", "ReadOnly", "ReadWrite"].first(where: { $0.lowercased() == lowered }) {
            return match
        }
        note(
            .warning, "classic.value.invalid",
            "\(what()): <HostCaching> is '\(text)', expected None, ReadOnly or ReadWrite; the default applies", vm: vm,
            at: child)
        return nil
    }

    // MARK: Cloud service and deployment

    mutating func hostedService(_ service: Node) throws(CaptureError) -> [ClassicEntry<ClassicVMSettings>] {
        let properties = service.child("HostedServiceProperties")
        let name = service.value(of: "ServiceName")
        var machines: [ClassicEntry<ClassicVMSettings>] = []
        for deployment in service.child("Deployments")?.children("Deployment") ?? [] {
            machines += try self.deployment(
                deployment, source: .getCloudServiceProperties, cloudService: name,
                location: properties?.value(of: "Location"), affinityGroup: properties?.value(of: "AffinityGroup"))
        }
        if machines.isEmpty {
            note(
                .info, "classic.cloud-service.no-virtual-machines",
                "cloud service '\(name ?? "?")' has no deployment with virtual machines (was it read without embed-detail=true?)",
                vm: nil, at: service)
        }
        return machines
    }

    /// `parts`: how many runs of roles to read at once (`parts(forRoles:)` when nil).
    mutating func deployment(
        _ deployment: Node, source: ClassicSourceKind, cloudService: String?, location: String?,
        affinityGroup: String?, parts: Int? = nil
    ) throws(CaptureError) -> [ClassicEntry<ClassicVMSettings>] {
        let name = deployment.value(of: "Name")
        let url = deployment.value(of: "Url")
        var service = cloudService ?? url.flatMap(Self.cloudServiceName(fromURL:))
        // The URL is lowercase; the deployment name usually is the service name in its own casing.
        if cloudService == nil, let name, name.lowercased() == service?.lowercased() { service = name }
        if service == nil, let name {
            service = name
            note(
                .info, "classic.cloud-service.from-deployment-name",
                "the deployment has no <Url>; took its name '\(name)' as the cloud service name (VM deployments usually share it)",
                vm: nil, at: deployment)
        }
        let settings = deploymentSettings(
            deployment, name: name ?? service ?? "", location: location, affinityGroup: affinityGroup)
        // Runtime facts join the configuration by role name (one RoleInstance per VM).
        var instances: [String: Node] = [:]
        for instance in deployment.child("RoleInstanceList")?.children("RoleInstance") ?? [] {
            if let roleName = instance.value(of: "RoleName"), instances[roleName] == nil {
                instances[roleName] = instance
            }
        }
        let virtualNetwork = deployment.value(of: "VirtualNetworkName")
        let roles = deployment.child("RoleList")?.children("Role") ?? []
        let byName = instances
        let cloudService = service
        var machines = try self.roles(roles, parts: parts ?? Self.parts(forRoles: roles.count)) {
            (reader, role) throws(CaptureError) in
            let instance = role.value(of: "RoleName").flatMap { byName[$0]?.inDocument(of: role) }
            return try reader.role(
                role, source: source, deployment: settings, cloudService: cloudService, instance: instance)
        }
        for index in machines.indices { machines[index].value.virtualNetworkName = virtualNetwork }
        check(endpointsOf: machines, against: settings)
        return machines
    }

    /// How many runs to read `count` roles in: runs of at least `minimumRolesPerPart` roles, at
    /// most `maximumParts` of them, which `concurrentPerform` spreads over the cores there are;
    /// one run (no other thread) for the deployments most inputs are.
    static func parts(forRoles count: Int) -> Int {
        max(1, min(maximumParts, count / minimumRolesPerPart))
    }

    static var minimumRolesPerPart: Int { 256 }
    static var maximumParts: Int { 16 }

    /// Reads `roles` with `read` in `parts` consecutive runs at once, each with its own reader,
    /// then joins the runs in document order: the same VMs, findings and first error (the one
    /// of the earliest role) as one reader going through them in turn. Roles are independent
    /// of each other; a Get Deployment of thousands spends a third of its capture here.
    mutating func roles(
        _ roles: [Node], parts: Int,
        read: @escaping @Sendable (inout ClassicReader, Node) throws(CaptureError) -> ClassicEntry<ClassicVMSettings>?
    ) throws(CaptureError) -> [ClassicEntry<ClassicVMSettings>] {
        typealias Run = (findings: [Finding], result: Result<[ClassicEntry<ClassicVMSettings>], CaptureError>)
        let file = file
        @Sendable func run(_ slice: ArraySlice<Node>) -> Run {
            var reader = ClassicReader(file: file)
            var machines: [ClassicEntry<ClassicVMSettings>] = []
            machines.reserveCapacity(slice.count)
            do throws(CaptureError) {
                guard let first = slice.first?.withOwnDocument() else { return ([], .success([])) }
                for role in slice {
                    if let vm = try read(&reader, role.inDocument(of: first)) { machines.append(vm) }
                }
                return (reader.findings, .success(machines))
            } catch {
                return (reader.findings, .failure(error))
            }
        }
        let parts = max(1, min(parts, roles.count))
        var runs = [Run?](repeating: nil, count: parts)
        if parts == 1 {
            runs[0] = run(roles[...])
        } else {
            let size = (roles.count + parts - 1) / parts
            runs.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let slots = buffer  // each part writes its own slot only
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    slots[part] = run(roles[min(part * size, roles.count)..<min((part + 1) * size, roles.count)])
                }
            }
        }
        // Moved out of the runs, not copied: each VM is a large value.
        var machines: [ClassicEntry<ClassicVMSettings>] = []
        machines.reserveCapacity(roles.count)
        for index in runs.indices {
            guard let (runFindings, result) = taking(&runs[index], leaving: nil) else { continue }
            findings += runFindings
            try result.get().forEachMoved { machines.append($0) }
        }
        return machines
    }

    /// `http://<service>.cloudapp.net/` → `<service>`.
    static func cloudServiceName(fromURL url: String) -> String? {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        let host = rest.prefix { $0 != "/" && $0 != ":" }
        guard host.lowercased().hasSuffix(".cloudapp.net") else { return nil }
        let label = host.prefix { $0 != "." }
        return label.isEmpty ? nil : String(label)
    }

    mutating func deploymentSettings(
        _ deployment: Node, name: String, location: String?, affinityGroup: String?
    ) -> ClassicDeploymentSettings {
        var settings = ClassicDeploymentSettings(
            name: name, slot: deployment.value(of: "DeploymentSlot"), url: deployment.value(of: "Url"),
            location: location,
            affinityGroup: affinityGroup, reservedIPName: deployment.value(of: "ReservedIPName"))
        for vip in deployment.child("VirtualIPs")?.children("VirtualIP") ?? [] {
            let what = "VIP '\(vip.value(of: "Name") ?? vip.value(of: "Address") ?? "?")'"
            settings.virtualIPs.append(
                ClassicVirtualIP(
                    name: vip.value(of: "Name"), address: vip.value(of: "Address"),
                    isDnsProgrammed: boolean(vip, "IsDnsProgrammed", what, vm: nil).value ?? false,
                    isReserved: boolean(vip, "IsReserved", what, vm: nil).value ?? false,
                    reservedIPName: vip.value(of: "ReservedIPName"), type: vip.value(of: "Type")))
        }
        for balancer in deployment.child("LoadBalancers")?.children("LoadBalancer") ?? [] {
            guard let balancerName = balancer.value(of: "Name") else {
                note(
                    .warning, "classic.value.missing", "an internal load balancer has no <Name>; it is skipped",
                    vm: nil, at: balancer)
                continue
            }
            let frontend = balancer.child("FrontendIpConfiguration")
            if let type = frontend?.value(of: "Type"), type.lowercased() != "private", let frontend {
                note(
                    .warning, "classic.value.invalid",
                    "internal load balancer '\(balancerName)': frontend <Type> is '\(type)', expected Private", vm: nil,
                    at: frontend)
            }
            settings.internalLoadBalancers.append(
                ClassicInternalLoadBalancer(
                    name: balancerName, subnetName: frontend?.value(of: "SubnetName"),
                    staticVirtualNetworkIPAddress: frontend?.value(of: "StaticVirtualNetworkIPAddress")))
        }
        for server in deployment.child("Dns")?.child("DnsServers")?.children("DnsServer") ?? [] {
            guard let serverName = server.value(of: "Name") else { continue }
            settings.dnsServers.append(ClassicDNSServer(name: serverName, address: server.value(of: "Address")))
        }
        return settings
    }

    /// Cross-role checks inside one deployment: endpoint references to ILBs and VIPs, and the
    /// members of one load-balanced set agreeing on what the set is.
    mutating func check(
        endpointsOf machines: [ClassicEntry<ClassicVMSettings>], against settings: ClassicDeploymentSettings
    ) {
        let balancers = Set(settings.internalLoadBalancers.map { $0.name.lowercased() })
        let vips = Set(settings.virtualIPs.compactMap { $0.name?.lowercased() })
        var sets: [String: (vm: String, endpoint: ClassicInputEndpoint)] = [:]
        for machine in machines {
            let vm = machine.value.roleName
            for endpoint in machine.value.inputEndpoints {
                if let balancer = endpoint.internalLoadBalancerName, !balancers.contains(balancer.lowercased()) {
                    findings.append(
                        Finding(
                            severity: .warning, code: "classic.reference.missing.internalLoadBalancer",
                            message:
                                "endpoint '\(endpoint.name)' uses internal load balancer '\(balancer)', which the deployment does not define",
                            vm: vm, location: machine.location))
                }
                if let vip = endpoint.virtualIPName, !settings.virtualIPs.isEmpty, !vips.contains(vip.lowercased()) {
                    findings.append(
                        Finding(
                            severity: .warning, code: "classic.reference.missing.virtualIP",
                            message:
                                "endpoint '\(endpoint.name)' uses VIP '\(vip)', which is not among the deployment's VIPs",
                            vm: vm, location: machine.location))
                }
                guard let set = endpoint.loadBalancedEndpointSetName else { continue }
                let key = set.lowercased()
                guard let first = sets[key] else {
                    sets[key] = (vm, endpoint)
                    continue
                }
                let a = first.endpoint
                if a.port != endpoint.port || a.protocol != endpoint.protocol || a.probe != endpoint.probe
                    || a.enableDirectServerReturn != endpoint.enableDirectServerReturn
                    || a.internalLoadBalancerName?.lowercased() != endpoint.internalLoadBalancerName?.lowercased()
                {
                    findings.append(
                        Finding(
                            severity: .warning, code: "classic.load-balanced-set.inconsistent",
                            message:
                                "load-balanced set '\(set)': endpoint '\(endpoint.name)' differs from '\(a.name)' of VM '\(first.vm)' in port, protocol, probe, direct server return or internal load balancer; each VM's own values are kept",
                            vm: vm, location: machine.location))
                }
            }
        }
    }

    // MARK: Role

    /// A `Role` of a deployment or the root of Get Role. Nil for roles that are not VMs (PaaS web
    /// and worker roles share `RoleList` in a cloud service).
    mutating func role(
        _ role: Node, source: ClassicSourceKind, deployment: ClassicDeploymentSettings?, cloudService: String?,
        instance: Node?
    ) throws(CaptureError) -> ClassicEntry<ClassicVMSettings>? {
        guard let name = role.value(of: "RoleName") else { throw shapeError(role, "expected <RoleName> in the role") }
        let roleType = role.value(of: "RoleType") ?? role.attribute("type", namespace: XMLNamespace.schemaInstance)
        if let roleType, roleType.lowercased() != "persistentvmrole" {
            note(
                .info, "classic.role.not-a-virtual-machine", "role '\(name)' is a \(roleType), not a VM; skipped",
                vm: nil, at: role)
            return nil
        }
        guard let size = role.value(of: "RoleSize") else {
            throw shapeError(role, "expected <RoleSize> in role '\(name)'")
        }
        guard let osElement = role.child("OSVirtualHardDisk") else {
            throw shapeError(role, "expected <OSVirtualHardDisk> in role '\(name)'")
        }
        var vm = ClassicVMSettings(
            cloudService: cloudService, deploymentName: deployment?.name, roleName: name, roleSize: size,
            availabilitySetName: role.value(of: "AvailabilitySetName"), osDisk: try osDisk(osElement, vm: name),
            deployment: deployment, source: source)
        vm.dataDisks = dataDisks(role.child("DataVirtualHardDisks"), vm: name)

        var network: Node?
        for set in role.child("ConfigurationSets")?.children("ConfigurationSet") ?? [] {
            // Keyed on <ConfigurationSetType>, not i:type: request bodies omit i:type and one
            // recording has i:type="PersistentVMRole" on a configuration set.
            let type = set.value(of: "ConfigurationSetType") ?? ""
            if type.lowercased() == "networkconfiguration" {
                if network == nil {
                    network = set
                } else {
                    note(
                        .warning, "classic.configuration-set.duplicate",
                        "role '\(name)' has a second network configuration set; the first is used", vm: name, at: set)
                }
            } else {
                // Provisioning sets hold passwords and keys: never read, never kept.
                note(
                    .info, "classic.configuration-set.ignored",
                    "role '\(name)': configuration set '\(type.isEmpty ? "?" : type)' is not network configuration; ignored (rewire never keeps credentials)",
                    vm: name, at: set)
            }
        }
        if let network { read(network: network, into: &vm, instance: instance) }
        if let instance, let address = instance.value(of: "IpAddress") {
            vm.primaryNetworkInterface.currentIPAddress = address
        }
        return ClassicEntry(vm, location(role))
    }

    mutating func osDisk(_ disk: Node, vm: String) throws(CaptureError) -> ClassicDisk {
        guard let name = disk.value(of: "DiskName") else {
            throw shapeError(disk, "expected <DiskName> in the OS disk of role '\(vm)'")
        }
        let what = "OS disk '\(name)'"
        let os: Parsed<OSType> = choice(disk, "OS", what, vm: vm)
        return ClassicDisk(
            diskName: name, label: disk.value(of: "DiskLabel"), hostCaching: hostCaching(disk, what, vm: vm),
            sizeGB: integer(disk, "LogicalDiskSizeInGB", what, vm: vm).value
                ?? integer(disk, "ResizedSizeInGB", what, vm: vm).value,
            mediaLink: disk.value(of: "MediaLink"), sourceImageName: disk.value(of: "SourceImageName"), os: os.value,
            ioType: disk.value(of: "IOType"))
    }

    mutating func dataDisks(_ list: Node?, vm: String) -> [ClassicDisk] {
        var disks: [ClassicDisk] = []
        for disk in list?.children("DataVirtualHardDisk") ?? [] {
            guard let name = disk.value(of: "DiskName") else {
                note(
                    .blocker, "classic.value.missing",
                    "a data disk of role '\(vm)' has no <DiskName>; it cannot be reattached", vm: vm, at: disk)
                continue
            }
            let what = "data disk '\(name)'"
            // LUN 0 has no <Lun> element: the service omits default values.
            let lun: Int
            switch integer(disk, "Lun", what, vm: vm) {
            case .absent: lun = 0
            case .value(let value): lun = value
            case .invalid:
                note(
                    .blocker, "classic.data-disk.unusable", "\(what) has no usable LUN; it cannot be reattached",
                    vm: vm, at: disk)
                continue
            }
            if let clash = disks.first(where: { $0.lun == lun }) {
                note(
                    .blocker, "classic.data-disk.lun-conflict", "\(what) and '\(clash.diskName)' both use LUN \(lun)",
                    vm: vm, at: disk)
            }
            disks.append(
                ClassicDisk(
                    diskName: name, label: disk.value(of: "DiskLabel"), lun: lun,
                    hostCaching: hostCaching(disk, what, vm: vm),
                    sizeGB: integer(disk, "LogicalDiskSizeInGB", what, vm: vm).value,
                    mediaLink: disk.value(of: "MediaLink"),
                    ioType: disk.value(of: "IOType")))
        }
        return disks.sorted { ($0.lun ?? 0) < ($1.lun ?? 0) }
    }

    // MARK: Network configuration set

    mutating func read(network set: Node, into vm: inout ClassicVMSettings, instance: Node?) {
        let name = vm.roleName
        vm.primaryNetworkInterface.subnetNames =
            set.child("SubnetNames")?.children("SubnetName").compactMap(\.value) ?? []
        vm.primaryNetworkInterface.staticVirtualNetworkIPAddress = set.value(of: "StaticVirtualNetworkIPAddress")
        vm.primaryNetworkInterface.networkSecurityGroup = set.value(of: "NetworkSecurityGroup")
        vm.primaryNetworkInterface.ipForwarding = enabled(set, "IPForwarding", "role '\(name)'", vm: name)
        if vm.primaryNetworkInterface.staticVirtualNetworkIPAddress != nil
            && vm.primaryNetworkInterface.subnetNames.count != 1
        {
            note(
                .warning, "classic.static-ip.subnet",
                "role '\(name)' has a static VNet IP but \(vm.primaryNetworkInterface.subnetNames.count) subnets; Azure requires exactly one",
                vm: name, at: set)
        }
        for endpoint in set.child("InputEndpoints")?.children("InputEndpoint") ?? [] {
            if let read = inputEndpoint(endpoint, vm: name) {
                if vm.inputEndpoints.contains(where: { $0.name.lowercased() == read.name.lowercased() }) {
                    note(
                        .warning, "classic.endpoint.duplicate", "role '\(name)' has two endpoints named '\(read.name)'",
                        vm: name, at: endpoint)
                }
                vm.inputEndpoints.append(read)
            }
        }
        let instanceIPs = instance?.child("PublicIPs")?.children("PublicIP") ?? []
        for publicIP in set.child("PublicIPs")?.children("PublicIP") ?? [] {
            guard let ipName = publicIP.value(of: "Name") else {
                note(
                    .warning, "classic.value.missing", "an instance public IP of role '\(name)' has no <Name>; skipped",
                    vm: name, at: publicIP)
                continue
            }
            let what = "instance public IP '\(ipName)'"
            let actual = instanceIPs.first { $0.value(of: "Name") == ipName }
            vm.instancePublicIPs.append(
                ClassicInstancePublicIP(
                    name: ipName,
                    idleTimeoutInMinutes: integer(publicIP, "IdleTimeoutInMinutes", what, vm: name).value,
                    domainNameLabel: publicIP.value(of: "DomainNameLabel") ?? actual?.value(of: "DomainNameLabel"),
                    address: actual?.value(of: "Address"),
                    fqdns: actual?.child("Fqdns")?.children("Fqdn").compactMap(\.value) ?? []))
        }
        let instanceNICs = instance?.child("NetworkInterfaces")?.children("NetworkInterface") ?? []
        for nic in set.child("NetworkInterfaces")?.children("NetworkInterface") ?? [] {
            guard let nicName = nic.value(of: "Name") else {
                note(
                    .blocker, "classic.value.missing",
                    "a secondary NIC of role '\(name)' has no <Name>; it cannot be recreated", vm: name, at: nic)
                continue
            }
            let configurations = nic.child("IPConfigurations")?.children("IPConfiguration") ?? []
            if configurations.count > 1 {
                note(
                    .warning, "classic.nic.ip-configurations",
                    "NIC '\(nicName)' has \(configurations.count) IP configurations; classic NICs have one, the first is used",
                    vm: name, at: nic)
            }
            let actual = instanceNICs.first { $0.value(of: "Name") == nicName }
            vm.secondaryNetworkInterfaces.append(
                ClassicNetworkInterface(
                    name: nicName, subnetName: configurations.first?.value(of: "SubnetName"),
                    staticVirtualNetworkIPAddress: configurations.first?.value(of: "StaticVirtualNetworkIPAddress"),
                    networkSecurityGroup: nic.value(of: "NetworkSecurityGroup"),
                    ipForwarding: enabled(nic, "IPForwarding", "NIC '\(nicName)'", vm: name),
                    macAddress: actual?.value(of: "MacAddress"),
                    currentIPAddress: actual?.child("IPConfigurations")?.child("IPConfiguration")?.value(of: "Address"))
            )
        }
        if !vm.secondaryNetworkInterfaces.isEmpty && !vm.instancePublicIPs.isEmpty {
            note(
                .warning, "classic.nic.public-ip",
                "role '\(name)' has several NICs and an instance public IP; Azure does not allow both on a classic VM",
                vm: name, at: set)
        }
    }

    /// One `InputEndpoint`. Nil (with a finding) when it lacks what `Add-AzureEndpoint` requires.
    mutating func inputEndpoint(_ endpoint: Node, vm: String) -> ClassicInputEndpoint? {
        guard let name = endpoint.value(of: "Name") else {
            note(
                .warning, "classic.value.missing", "an endpoint of role '\(vm)' has no <Name>; skipped", vm: vm,
                at: endpoint)
            return nil
        }
        let what = "endpoint '\(name)'"
        let transport: Parsed<ClassicTransportProtocol> = choice(endpoint, "Protocol", what, vm: vm)
        let port = integer(endpoint, "Port", what, vm: vm)
        let localPort = integer(endpoint, "LocalPort", what, vm: vm)
        guard let transport = transport.value, let port = port.value, let localPort = localPort.value else {
            note(
                .warning, "classic.endpoint.unusable",
                "\(what) of role '\(vm)' needs a tcp/udp <Protocol>, a <Port> and a <LocalPort>; it is skipped", vm: vm,
                at: endpoint)
            return nil
        }
        var read = ClassicInputEndpoint(
            name: name, protocol: transport, port: port, localPort: localPort,
            loadBalancedEndpointSetName: endpoint.value(of: "LoadBalancedEndpointSetName"),
            vip: endpoint.value(of: "Vip"),
            internalLoadBalancerName: endpoint.value(of: "LoadBalancerName"),
            virtualIPName: endpoint.value(of: "VirtualIPName"))
        if let probe = endpoint.child("LoadBalancerProbe") { read.probe = self.probe(probe, what, vm: vm) }
        if case .value(let flag) = boolean(endpoint, "EnableDirectServerReturn", what, vm: vm) {
            read.enableDirectServerReturn = flag
        }
        if case .value(let minutes) = integer(endpoint, "IdleTimeoutInMinutes", what, vm: vm) {
            read.idleTimeoutInMinutes = minutes
        }
        if case .value(let mode) = choice(endpoint, "LoadBalancerDistribution", what, vm: vm)
            as Parsed<ClassicLoadBalancerDistribution>
        {
            read.loadBalancerDistribution = mode
        }
        // The service returns <EndpointAcl>; the documentation (and request samples) spell it <EndpointACL>.
        if let acl = endpoint.child("EndpointAcl") ?? endpoint.child("EndpointACL") {
            read.accessControlList = accessControlList(acl, what, vm: vm)
        }
        return read
    }

    mutating func probe(_ probe: Node, _ what: String, vm: String) -> ClassicLoadBalancerProbe? {
        let transport: Parsed<ClassicProbeProtocol> = choice(probe, "Protocol", "\(what) probe", vm: vm)
        let port = integer(probe, "Port", "\(what) probe", vm: vm)
        guard let transport = transport.value, let port = port.value else {
            note(
                .warning, "classic.probe.unusable",
                "\(what): the probe needs a tcp/http <Protocol> and a <Port>; it is dropped", vm: vm, at: probe)
            return nil
        }
        var read = ClassicLoadBalancerProbe(protocol: transport, port: port, path: probe.value(of: "Path"))
        if case .value(let seconds) = integer(probe, "IntervalInSeconds", "\(what) probe", vm: vm) {
            read.intervalInSeconds = seconds
        }
        if case .value(let seconds) = integer(probe, "TimeoutInSeconds", "\(what) probe", vm: vm) {
            read.timeoutInSeconds = seconds
        }
        if transport == .tcp && read.path != nil {
            note(
                .info, "classic.probe.path-ignored",
                "\(what): a TCP probe has the path '\(read.path ?? "")', which TCP probes do not use", vm: vm, at: probe
            )
        }
        return read
    }

    /// ACL rules sorted by `Order`. A rule that cannot be read is a blocker: applying the others
    /// alone would open or close the endpoint differently than before.
    mutating func accessControlList(_ acl: Node, _ what: String, vm: String) -> [ClassicAccessControlRule] {
        var rules: [ClassicAccessControlRule] = []
        for rule in acl.child("Rules")?.children("Rule") ?? [] {
            let order = integer(rule, "Order", "\(what) ACL rule", vm: vm)
            let action: Parsed<ClassicAccessControlAction> = choice(rule, "Action", "\(what) ACL rule", vm: vm)
            guard let order = order.value, let action = action.value, let subnet = rule.value(of: "RemoteSubnet") else {
                note(
                    .blocker, "classic.acl.unusable",
                    "\(what): an ACL rule needs a numeric <Order>, permit/deny <Action> and a <RemoteSubnet>; without it the endpoint's access would change",
                    vm: vm, at: rule)
                continue
            }
            rules.append(
                ClassicAccessControlRule(
                    order: order, action: action, remoteSubnet: subnet, description: rule.value(of: "Description")))
        }
        return rules.sorted { $0.order < $1.order }
    }

    // MARK: Reserved IPs and virtual networks

    mutating func reservedIPs(_ elements: [Node]) -> [ClassicEntry<ClassicReservedIP>] {
        var result: [ClassicEntry<ClassicReservedIP>] = []
        for element in elements {
            guard let name = element.value(of: "Name") else {
                note(.warning, "classic.value.missing", "a reserved IP has no <Name>; skipped", vm: nil, at: element)
                continue
            }
            let what = "reserved IP '\(name)'"
            result.append(
                ClassicEntry(
                    ClassicReservedIP(
                        name: name, address: element.value(of: "Address"), id: element.value(of: "Id"),
                        label: element.value(of: "Label"), state: element.value(of: "State"),
                        inUse: boolean(element, "InUse", what, vm: nil).value ?? false,
                        serviceName: element.value(of: "ServiceName"),
                        deploymentName: element.value(of: "DeploymentName"),
                        virtualIPName: element.value(of: "VirtualIPName"), location: element.value(of: "Location")),
                    location(element)))
        }
        return result
    }

    /// Get Network Configuration: attribute-style, unlike every other document.
    mutating func networkConfiguration(_ root: Node) -> [ClassicEntry<ClassicVirtualNetworkSite>] {
        let configuration = root.child("VirtualNetworkConfiguration")
        var servers: [String: String] = [:]
        for server in configuration?.child("Dns")?.child("DnsServers")?.children("DnsServer") ?? [] {
            if let name = server.attribute("name") { servers[name] = server.attribute("IPAddress") }
        }
        var sites: [ClassicEntry<ClassicVirtualNetworkSite>] = []
        for site in configuration?.child("VirtualNetworkSites")?.children("VirtualNetworkSite") ?? [] {
            guard let name = site.attribute("name") else {
                note(
                    .warning, "classic.value.missing", "a virtual network site has no name attribute; skipped", vm: nil,
                    at: site)
                continue
            }
            let subnets = (site.child("Subnets")?.children("Subnet") ?? []).compactMap { subnet -> ClassicSubnet? in
                guard let subnetName = subnet.attribute("name") else { return nil }
                return ClassicSubnet(name: subnetName, addressPrefix: subnet.value(of: "AddressPrefix"))
            }
            let dns = (site.child("DnsServersRef")?.children("DnsServerRef") ?? []).compactMap {
                reference -> ClassicDNSServer? in
                guard let serverName = reference.attribute("name") else { return nil }
                return ClassicDNSServer(name: serverName, address: servers[serverName])
            }
            sites.append(
                ClassicEntry(
                    ClassicVirtualNetworkSite(
                        name: name, location: site.attribute("Location"),
                        affinityGroup: site.attribute("AffinityGroup"),
                        addressPrefixes: site.child("AddressSpace")?.children("AddressPrefix").compactMap(\.value)
                            ?? [],
                        subnets: subnets, dnsServers: dns),
                    location(site)))
        }
        return sites
    }

    /// List Virtual Network Sites: the same data as elements.
    mutating func virtualNetworkSiteList(_ root: Node) -> [ClassicEntry<ClassicVirtualNetworkSite>] {
        var sites: [ClassicEntry<ClassicVirtualNetworkSite>] = []
        for site in root.children("VirtualNetworkSite") {
            guard let name = site.value(of: "Name") else {
                note(
                    .warning, "classic.value.missing", "a virtual network site has no <Name>; skipped", vm: nil,
                    at: site)
                continue
            }
            let subnets = (site.child("Subnets")?.children("Subnet") ?? []).compactMap { subnet -> ClassicSubnet? in
                guard let subnetName = subnet.value(of: "Name") else { return nil }
                return ClassicSubnet(name: subnetName, addressPrefix: subnet.value(of: "AddressPrefix"))
            }
            let dns = (site.child("Dns")?.child("DnsServers")?.children("DnsServer") ?? []).compactMap {
                server -> ClassicDNSServer? in
                guard let serverName = server.value(of: "Name") else { return nil }
                return ClassicDNSServer(name: serverName, address: server.value(of: "Address"))
            }
            sites.append(
                ClassicEntry(
                    ClassicVirtualNetworkSite(
                        name: name, id: site.value(of: "Id"), location: site.value(of: "Location"),
                        affinityGroup: site.value(of: "AffinityGroup"),
                        addressPrefixes: site.child("AddressSpace")?.child("AddressPrefixes")?.children("AddressPrefix")
                            .compactMap(\.value) ?? [],
                        subnets: subnets, dnsServers: dns),
                    location(site)))
        }
        return sites
    }
}
