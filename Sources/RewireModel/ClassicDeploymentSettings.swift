/// Cloud-service-wide settings of a classic deployment, copied onto each of its VMs so that every
/// VM's script can recreate the cloud service when it is the first one restored.
@CanonicalJSONWritable
public struct ClassicDeploymentSettings: Codable, Sendable, Equatable {
    public var name: String
    /// `Production` or `Staging` (VMs are always Production).
    public var slot: String?
    /// `http://<service>.cloudapp.net/`.
    public var url: String?
    /// The cloud service's region (`HostedServiceProperties/Location`, or from the VNet / reserved IP).
    public var location: String?
    public var affinityGroup: String?
    /// `Deployment/ReservedIPName`: the reserved IP the deployment was created with.
    public var reservedIPName: String?
    /// The cloud service VIPs; more than one is a multi-VIP service.
    public var virtualIPs: [ClassicVirtualIP]
    /// Internal load balancers (`Deployment/LoadBalancers`).
    public var internalLoadBalancers: [ClassicInternalLoadBalancer]
    /// Deployment DNS servers (`Deployment/Dns/DnsServers`).
    public var dnsServers: [ClassicDNSServer]
    /// Details (address, region) of the reserved IPs the deployment uses, when the input had them.
    public var reservedIPs: [ClassicReservedIP]

    public init(
        name: String, slot: String? = nil, url: String? = nil, location: String? = nil, affinityGroup: String? = nil,
        reservedIPName: String? = nil, virtualIPs: [ClassicVirtualIP] = [],
        internalLoadBalancers: [ClassicInternalLoadBalancer] = [], dnsServers: [ClassicDNSServer] = [],
        reservedIPs: [ClassicReservedIP] = []
    ) {
        self.name = name
        self.slot = slot
        self.url = url
        self.location = location
        self.affinityGroup = affinityGroup
        self.reservedIPName = reservedIPName
        self.virtualIPs = virtualIPs
        self.internalLoadBalancers = internalLoadBalancers
        self.dnsServers = dnsServers
        self.reservedIPs = reservedIPs
    }

    /// Every reserved IP name the deployment refers to: the deployment's own, then the VIPs', once each.
    public var referencedReservedIPNames: [String] {
        var names: [String] = []
        for name in [reservedIPName].compactMap({ $0 }) + virtualIPs.compactMap(\.reservedIPName)
        where !names.contains(where: { $0.lowercased() == name.lowercased() }) {
            names.append(name)
        }
        return names
    }
}

/// One cloud service VIP (`Deployment/VirtualIPs/VirtualIP`).
@CanonicalJSONWritable
public struct ClassicVirtualIP: Codable, Sendable, Equatable {
    /// `<deployment>ContractContract` for the default VIP; user names (`Vip2`) for extra ones.
    public var name: String?
    public var address: String?
    /// True for the VIP the cloud service's DNS name points at.
    public var isDnsProgrammed: Bool
    public var isReserved: Bool
    public var reservedIPName: String?
    /// `Private` for a VIP that belongs to an internal load balancer (documented only).
    public var type: String?

    public init(
        name: String? = nil, address: String? = nil, isDnsProgrammed: Bool = false, isReserved: Bool = false,
        reservedIPName: String? = nil, type: String? = nil
    ) {
        self.name = name
        self.address = address
        self.isDnsProgrammed = isDnsProgrammed
        self.isReserved = isReserved
        self.reservedIPName = reservedIPName
        self.type = type
    }
}

/// An internal load balancer of a classic deployment: a private frontend in a subnet.
@CanonicalJSONWritable
public struct ClassicInternalLoadBalancer: Codable, Sendable, Equatable {
    public var name: String
    public var subnetName: String?
    /// nil: the frontend address is dynamic.
    public var staticVirtualNetworkIPAddress: String?

    public init(name: String, subnetName: String? = nil, staticVirtualNetworkIPAddress: String? = nil) {
        self.name = name
        self.subnetName = subnetName
        self.staticVirtualNetworkIPAddress = staticVirtualNetworkIPAddress
    }
}

@CanonicalJSONWritable
public struct ClassicDNSServer: Codable, Sendable, Equatable {
    public var name: String
    public var address: String?

    public init(name: String, address: String? = nil) {
        self.name = name
        self.address = address
    }
}

/// A reserved IP (List / Get Reserved IP Addresses). It outlives the VMs, so after a restore the
/// same address can be bound to the new cloud service by name.
@CanonicalJSONWritable
public struct ClassicReservedIP: Codable, Sendable, Equatable {
    public var name: String
    public var address: String?
    public var id: String?
    public var label: String?
    public var state: String?
    public var inUse: Bool
    /// Cloud service, deployment and VIP that hold it when in use.
    public var serviceName: String?
    public var deploymentName: String?
    public var virtualIPName: String?
    public var location: String?

    public init(
        name: String, address: String? = nil, id: String? = nil, label: String? = nil, state: String? = nil,
        inUse: Bool = false, serviceName: String? = nil, deploymentName: String? = nil, virtualIPName: String? = nil,
        location: String? = nil
    ) {
        self.name = name
        self.address = address
        self.id = id
        self.label = label
        self.state = state
        self.inUse = inUse
        self.serviceName = serviceName
        self.deploymentName = deploymentName
        self.virtualIPName = virtualIPName
        self.location = location
    }
}

/// A classic VNet (Get Network Configuration's `VirtualNetworkSite`, or List Virtual Network Sites).
@CanonicalJSONWritable
public struct ClassicVirtualNetworkSite: Codable, Sendable, Equatable {
    public var name: String
    public var id: String?
    public var location: String?
    /// Older VNets belong to an affinity group instead of a region.
    public var affinityGroup: String?
    public var addressPrefixes: [String]
    public var subnets: [ClassicSubnet]
    /// DNS servers the site uses, with addresses when the document has them.
    public var dnsServers: [ClassicDNSServer]

    public init(
        name: String, id: String? = nil, location: String? = nil, affinityGroup: String? = nil,
        addressPrefixes: [String] = [], subnets: [ClassicSubnet] = [], dnsServers: [ClassicDNSServer] = []
    ) {
        self.name = name
        self.id = id
        self.location = location
        self.affinityGroup = affinityGroup
        self.addressPrefixes = addressPrefixes
        self.subnets = subnets
        self.dnsServers = dnsServers
    }
}

@CanonicalJSONWritable
public struct ClassicSubnet: Codable, Sendable, Equatable {
    public var name: String
    public var addressPrefix: String?

    public init(name: String, addressPrefix: String? = nil) {
        self.name = name
        self.addressPrefix = addressPrefix
    }
}
