/// What a classic (Service Management) VM needs beyond the ARM-shaped `VirtualMachine` fields to be
/// rebuilt with the classic Azure module: its cloud service, the primary NIC that lives in the
/// role's network configuration set, secondary NICs, input endpoints (load-balanced sets, probes,
/// ACLs, internal load balancers), instance public IPs, and the cloud-service-wide settings
/// (VIPs, reserved IP, internal load balancers) that the first VM of a new cloud service creates.
///
/// Values are stored resolved: where the service omits an element because it holds the default
/// (`EmitDefaultValue=false`), the default is filled in (idle timeout 4, probe interval 15, ...).
@CanonicalJSONWritable
public struct ClassicVMSettings: Codable, Sendable, Equatable {
    /// The cloud service (hosted service) name; nil when the input does not say (Get Role, restore
    /// config blob).
    public var cloudService: String?
    public var deploymentName: String?
    public var roleName: String
    /// `Small`, `Large`, `Standard_D2`, ... as the classic API names sizes.
    public var roleSize: String
    public var availabilitySetName: String?
    /// The classic VNet (`Deployment/VirtualNetworkName`); portal-made ones look like `Group <rg> <vnet>`.
    public var virtualNetworkName: String?
    public var osDisk: ClassicDisk
    /// Data disks ordered by LUN.
    public var dataDisks: [ClassicDisk]
    public var primaryNetworkInterface: ClassicPrimaryNetworkInterface
    /// Secondary NICs in input order (the primary NIC is the configuration set itself).
    public var secondaryNetworkInterfaces: [ClassicNetworkInterface]
    public var inputEndpoints: [ClassicInputEndpoint]
    /// Instance-level public IPs (ILPIP); the address is the runtime one, lost when the VM is deleted.
    public var instancePublicIPs: [ClassicInstancePublicIP]
    /// Settings of the deployment the VM is in; nil when the input was a single role.
    public var deployment: ClassicDeploymentSettings?
    /// The VNet site as Get Network Configuration or List Virtual Network Sites described it.
    public var virtualNetwork: ClassicVirtualNetworkSite?
    /// Which kind of document the VM was read from.
    public var source: ClassicSourceKind

    public init(
        cloudService: String? = nil, deploymentName: String? = nil, roleName: String, roleSize: String,
        availabilitySetName: String? = nil, virtualNetworkName: String? = nil, osDisk: ClassicDisk,
        dataDisks: [ClassicDisk] = [],
        primaryNetworkInterface: ClassicPrimaryNetworkInterface = ClassicPrimaryNetworkInterface(),
        secondaryNetworkInterfaces: [ClassicNetworkInterface] = [], inputEndpoints: [ClassicInputEndpoint] = [],
        instancePublicIPs: [ClassicInstancePublicIP] = [], deployment: ClassicDeploymentSettings? = nil,
        virtualNetwork: ClassicVirtualNetworkSite? = nil, source: ClassicSourceKind
    ) {
        self.cloudService = cloudService
        self.deploymentName = deploymentName
        self.roleName = roleName
        self.roleSize = roleSize
        self.availabilitySetName = availabilitySetName
        self.virtualNetworkName = virtualNetworkName
        self.osDisk = osDisk
        self.dataDisks = dataDisks
        self.primaryNetworkInterface = primaryNetworkInterface
        self.secondaryNetworkInterfaces = secondaryNetworkInterfaces
        self.inputEndpoints = inputEndpoints
        self.instancePublicIPs = instancePublicIPs
        self.deployment = deployment
        self.virtualNetwork = virtualNetwork
        self.source = source
    }
}

/// The Service Management document a classic VM came from.
@CanonicalJSONWritable
public enum ClassicSourceKind: String, Codable, Sendable, CaseIterable {
    /// Get Deployment: configuration and runtime facts of every VM in the deployment.
    case getDeployment
    /// Get Cloud Service Properties with `embed-detail=true`: the deployments plus the service's location.
    case getCloudServiceProperties
    /// Get Role: one VM's configuration; no cloud service, VIPs or runtime facts.
    case getRole
    /// Azure Backup's classic restore config blob: a Get Role body in UTF-16, NUL-padded.
    case restoreConfigBlob
}

/// A classic OS or data disk: a registered disk (`DiskName`) over a VHD blob (`MediaLink`).
@CanonicalJSONWritable
public struct ClassicDisk: Codable, Sendable, Equatable {
    public var diskName: String
    public var label: String?
    /// The LUN of a data disk (absent in the XML means 0); nil for the OS disk.
    public var lun: Int?
    /// `None`, `ReadOnly` or `ReadWrite`.
    public var hostCaching: String?
    public var sizeGB: Int?
    public var mediaLink: String?
    public var sourceImageName: String?
    /// The OS disk's `OS` (`Windows` / `Linux`); nil for data disks.
    public var os: OSType?
    /// `Standard` or `Provisioned` (premium storage).
    public var ioType: String?

    public init(
        diskName: String, label: String? = nil, lun: Int? = nil, hostCaching: String? = nil, sizeGB: Int? = nil,
        mediaLink: String? = nil, sourceImageName: String? = nil, os: OSType? = nil, ioType: String? = nil
    ) {
        self.diskName = diskName
        self.label = label
        self.lun = lun
        self.hostCaching = hostCaching
        self.sizeGB = sizeGB
        self.mediaLink = mediaLink
        self.sourceImageName = sourceImageName
        self.os = os
        self.ioType = ioType
    }
}

/// The primary NIC of a classic VM, described by the network configuration set itself.
@CanonicalJSONWritable
public struct ClassicPrimaryNetworkInterface: Codable, Sendable, Equatable {
    /// `SubnetNames`: exactly one when a static IP is set; empty when the VM is not in a VNet.
    public var subnetNames: [String]
    /// `StaticVirtualNetworkIPAddress`; nil means the address is dynamic.
    public var staticVirtualNetworkIPAddress: String?
    public var networkSecurityGroup: String?
    /// `IPForwarding` `Enabled`/`Disabled`; nil when absent (disabled).
    public var ipForwarding: Bool?
    /// The address the VM had when captured (`RoleInstance/IpAddress`), for the record.
    public var currentIPAddress: String?

    public init(
        subnetNames: [String] = [], staticVirtualNetworkIPAddress: String? = nil, networkSecurityGroup: String? = nil,
        ipForwarding: Bool? = nil, currentIPAddress: String? = nil
    ) {
        self.subnetNames = subnetNames
        self.staticVirtualNetworkIPAddress = staticVirtualNetworkIPAddress
        self.networkSecurityGroup = networkSecurityGroup
        self.ipForwarding = ipForwarding
        self.currentIPAddress = currentIPAddress
    }
}

/// A secondary NIC (`ConfigurationSet/NetworkInterfaces/NetworkInterface`).
@CanonicalJSONWritable
public struct ClassicNetworkInterface: Codable, Sendable, Equatable {
    public var name: String
    public var subnetName: String?
    /// nil means dynamic.
    public var staticVirtualNetworkIPAddress: String?
    public var networkSecurityGroup: String?
    public var ipForwarding: Bool?
    /// Runtime facts from `RoleInstance/NetworkInterfaces`, for the record.
    public var macAddress: String?
    public var currentIPAddress: String?

    public init(
        name: String, subnetName: String? = nil, staticVirtualNetworkIPAddress: String? = nil,
        networkSecurityGroup: String? = nil, ipForwarding: Bool? = nil, macAddress: String? = nil,
        currentIPAddress: String? = nil
    ) {
        self.name = name
        self.subnetName = subnetName
        self.staticVirtualNetworkIPAddress = staticVirtualNetworkIPAddress
        self.networkSecurityGroup = networkSecurityGroup
        self.ipForwarding = ipForwarding
        self.macAddress = macAddress
        self.currentIPAddress = currentIPAddress
    }
}

/// An input endpoint: a port forward on the cloud service VIP, a member of a load-balanced set
/// (`loadBalancedEndpointSetName`), or an endpoint on an internal load balancer (`internalLoadBalancerName`).
@CanonicalJSONWritable
public struct ClassicInputEndpoint: Codable, Sendable, Equatable {
    public var name: String
    public var `protocol`: ClassicTransportProtocol
    /// The public port on the VIP (or the ILB frontend port).
    public var port: Int
    public var localPort: Int
    public var loadBalancedEndpointSetName: String?
    /// A probe can exist without a set name (seen in a real recording); it is kept.
    public var probe: ClassicLoadBalancerProbe?
    /// The VIP address (Get Deployment only), for the record.
    public var vip: String?
    public var enableDirectServerReturn: Bool
    /// ACL rules ordered by `order`.
    public var accessControlList: [ClassicAccessControlRule]
    /// `LoadBalancerName`: the endpoint is on this internal load balancer.
    public var internalLoadBalancerName: String?
    /// 4 when absent.
    public var idleTimeoutInMinutes: Int
    /// `none` (5-tuple) when absent.
    public var loadBalancerDistribution: ClassicLoadBalancerDistribution
    /// Which VIP of a multi-VIP cloud service; nil means the default VIP.
    public var virtualIPName: String?

    public static let defaultIdleTimeoutInMinutes = 4

    public init(
        name: String, protocol: ClassicTransportProtocol, port: Int, localPort: Int,
        loadBalancedEndpointSetName: String? = nil, probe: ClassicLoadBalancerProbe? = nil, vip: String? = nil,
        enableDirectServerReturn: Bool = false, accessControlList: [ClassicAccessControlRule] = [],
        internalLoadBalancerName: String? = nil,
        idleTimeoutInMinutes: Int = ClassicInputEndpoint.defaultIdleTimeoutInMinutes,
        loadBalancerDistribution: ClassicLoadBalancerDistribution = .none, virtualIPName: String? = nil
    ) {
        self.name = name
        self.protocol = `protocol`
        self.port = port
        self.localPort = localPort
        self.loadBalancedEndpointSetName = loadBalancedEndpointSetName
        self.probe = probe
        self.vip = vip
        self.enableDirectServerReturn = enableDirectServerReturn
        self.accessControlList = accessControlList
        self.internalLoadBalancerName = internalLoadBalancerName
        self.idleTimeoutInMinutes = idleTimeoutInMinutes
        self.loadBalancerDistribution = loadBalancerDistribution
        self.virtualIPName = virtualIPName
    }
}

/// Endpoint transport, lowercase as the service returns it and `Add-AzureEndpoint -Protocol` takes it.
@CanonicalJSONWritable
public enum ClassicTransportProtocol: String, Codable, Sendable, CaseIterable {
    case tcp
    case udp
}

@CanonicalJSONWritable
public enum ClassicProbeProtocol: String, Codable, Sendable, CaseIterable {
    case tcp
    case http
}

/// `LoadBalancerDistribution`: `sourceIP` (2-tuple), `sourceIPProtocol` (3-tuple), `none` (5-tuple, the default).
@CanonicalJSONWritable
public enum ClassicLoadBalancerDistribution: String, Codable, Sendable, CaseIterable {
    case none
    case sourceIP
    case sourceIPProtocol
}

@CanonicalJSONWritable
public struct ClassicLoadBalancerProbe: Codable, Sendable, Equatable {
    public var `protocol`: ClassicProbeProtocol
    public var port: Int
    /// The HTTP path; nil for TCP probes (`<Path/>` is seen).
    public var path: String?
    /// 15 when absent.
    public var intervalInSeconds: Int
    /// 31 when absent.
    public var timeoutInSeconds: Int

    public static let defaultIntervalInSeconds = 15
    public static let defaultTimeoutInSeconds = 31

    public init(
        protocol: ClassicProbeProtocol, port: Int, path: String? = nil,
        intervalInSeconds: Int = ClassicLoadBalancerProbe.defaultIntervalInSeconds,
        timeoutInSeconds: Int = ClassicLoadBalancerProbe.defaultTimeoutInSeconds
    ) {
        self.protocol = `protocol`
        self.port = port
        self.path = path
        self.intervalInSeconds = intervalInSeconds
        self.timeoutInSeconds = timeoutInSeconds
    }
}

@CanonicalJSONWritable
public enum ClassicAccessControlAction: String, Codable, Sendable, CaseIterable {
    case permit
    case deny
}

/// One endpoint ACL rule (`EndpointAcl/Rules/Rule`).
@CanonicalJSONWritable
public struct ClassicAccessControlRule: Codable, Sendable, Equatable {
    public var order: Int
    public var action: ClassicAccessControlAction
    /// A CIDR block.
    public var remoteSubnet: String
    public var description: String?

    public init(order: Int, action: ClassicAccessControlAction, remoteSubnet: String, description: String? = nil) {
        self.order = order
        self.action = action
        self.remoteSubnet = remoteSubnet
        self.description = description
    }
}

/// An instance-level public IP (`ConfigurationSet/PublicIPs/PublicIP`), with the address the
/// instance had (`RoleInstance/PublicIPs/PublicIP/Address`).
@CanonicalJSONWritable
public struct ClassicInstancePublicIP: Codable, Sendable, Equatable {
    public var name: String
    public var idleTimeoutInMinutes: Int?
    public var domainNameLabel: String?
    public var address: String?
    public var fqdns: [String]

    public init(
        name: String, idleTimeoutInMinutes: Int? = nil, domainNameLabel: String? = nil, address: String? = nil,
        fqdns: [String] = []
    ) {
        self.name = name
        self.idleTimeoutInMinutes = idleTimeoutInMinutes
        self.domainNameLabel = domainNameLabel
        self.address = address
        self.fqdns = fqdns
    }
}
