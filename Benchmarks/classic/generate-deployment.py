#!/usr/bin/env python3
"""Writes a classic Get Deployment body with N roles, shaped like the service's responses.

Compact (one line, no whitespace) like real bodies; every role has a RoleInstance with runtime
facts, a network configuration set with a load-balanced endpoint (probe, ACL, idle timeout,
distribution), an ILB endpoint, a plain endpoint, a static VNet IP, a secondary NIC with a static
IP, two data disks (the first without <Lun>), plus the deployment's VIPs, reserved IP and ILB.

    python3 Benchmarks/classic/generate-deployment.py --roles 5000 -o /tmp/deployment-5000.xml
"""

import argparse

NS = 'xmlns="http://schemas.microsoft.com/windowsazure" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"'


def ip(base, n):
    return f"{base}.{(n // 250) % 250}.{n % 250 + 4}"


def instance(n):
    name = f"vm{n:05d}"
    return (
        f"<RoleInstance><RoleName>{name}</RoleName><InstanceName>{name}</InstanceName>"
        "<InstanceStatus>ReadyRole</InstanceStatus><InstanceUpgradeDomain>0</InstanceUpgradeDomain>"
        "<InstanceFaultDomain>0</InstanceFaultDomain><InstanceSize>Large</InstanceSize><InstanceStateDetails/>"
        f"<IpAddress>{ip('10.1', n)}</IpAddress><InstanceEndpoints><InstanceEndpoint><Name>HTTP</Name>"
        "<Vip>203.0.113.10</Vip><PublicPort>80</PublicPort><LocalPort>80</LocalPort><Protocol>tcp</Protocol>"
        f"</InstanceEndpoint></InstanceEndpoints><PowerState>Started</PowerState><HostName>{name}</HostName>"
        f"<NetworkInterfaces><NetworkInterface><Name>{name}-nic2</Name><MacAddress>000D3A{n:06X}</MacAddress>"
        f"<IPConfigurations><IPConfiguration><SubnetName>BackEnd</SubnetName><Address>{ip('10.2', n)}</Address>"
        "</IPConfiguration></IPConfigurations><IPForwarding>Disabled</IPForwarding></NetworkInterface>"
        "</NetworkInterfaces></RoleInstance>"
    )


def role(n):
    name = f"vm{n:05d}"
    return (
        f'<Role i:type="PersistentVMRole"><RoleName>{name}</RoleName><OsVersion/><RoleType>PersistentVMRole</RoleType>'
        '<ConfigurationSets><ConfigurationSet i:type="NetworkConfigurationSet">'
        "<ConfigurationSetType>NetworkConfiguration</ConfigurationSetType><InputEndpoints>"
        "<InputEndpoint><LoadBalancedEndpointSetName>web-lbset</LoadBalancedEndpointSetName><LocalPort>80</LocalPort>"
        "<Name>HTTP</Name><Port>80</Port><LoadBalancerProbe><Path>/health</Path><Port>80</Port><Protocol>http</Protocol>"
        "<IntervalInSeconds>15</IntervalInSeconds><TimeoutInSeconds>31</TimeoutInSeconds></LoadBalancerProbe>"
        "<Protocol>tcp</Protocol><Vip>203.0.113.10</Vip><EnableDirectServerReturn>false</EnableDirectServerReturn>"
        "<EndpointAcl><Rules><Rule><Order>100</Order><Action>permit</Action><RemoteSubnet>192.0.2.0/24</RemoteSubnet>"
        "<Description>office</Description></Rule><Rule><Order>200</Order><Action>deny</Action>"
        "<RemoteSubnet>0.0.0.0/0</RemoteSubnet></Rule></Rules></EndpointAcl><IdleTimeoutInMinutes>15</IdleTimeoutInMinutes>"
        "<LoadBalancerDistribution>sourceIP</LoadBalancerDistribution></InputEndpoint>"
        "<InputEndpoint><LoadBalancedEndpointSetName>app-ilb-set</LoadBalancedEndpointSetName><LocalPort>8080</LocalPort>"
        "<Name>App-ILB</Name><Port>8080</Port><LoadBalancerProbe><Port>8080</Port><Protocol>tcp</Protocol>"
        "<IntervalInSeconds>15</IntervalInSeconds><TimeoutInSeconds>31</TimeoutInSeconds></LoadBalancerProbe>"
        "<Protocol>tcp</Protocol><EnableDirectServerReturn>false</EnableDirectServerReturn>"
        "<LoadBalancerName>app-ilb</LoadBalancerName></InputEndpoint>"
        f"<InputEndpoint><LocalPort>3389</LocalPort><Name>RDP</Name><Port>{50000 + n}</Port><Protocol>tcp</Protocol>"
        "<Vip>203.0.113.10</Vip><EnableDirectServerReturn>false</EnableDirectServerReturn></InputEndpoint>"
        "</InputEndpoints><SubnetNames><SubnetName>FrontEnd</SubnetName></SubnetNames>"
        f"<StaticVirtualNetworkIPAddress>{ip('10.1', n)}</StaticVirtualNetworkIPAddress>"
        f"<NetworkInterfaces><NetworkInterface><Name>{name}-nic2</Name><IPConfigurations><IPConfiguration>"
        f"<SubnetName>BackEnd</SubnetName><StaticVirtualNetworkIPAddress>{ip('10.2', n)}</StaticVirtualNetworkIPAddress>"
        "</IPConfiguration></IPConfigurations><IPForwarding>Disabled</IPForwarding></NetworkInterface></NetworkInterfaces>"
        "</ConfigurationSet></ConfigurationSets><AvailabilitySetName>web-avset</AvailabilitySetName><DataVirtualHardDisks>"
        f"<DataVirtualHardDisk><HostCaching>None</HostCaching><DiskName>bench-{name}-1</DiskName>"
        f"<LogicalDiskSizeInGB>128</LogicalDiskSizeInGB><MediaLink>https://benchstore.blob.core.windows.net/vhds/{name}-data0.vhd</MediaLink>"
        "<IOType>Standard</IOType></DataVirtualHardDisk>"
        f"<DataVirtualHardDisk><HostCaching>ReadOnly</HostCaching><DiskName>bench-{name}-2</DiskName><Lun>1</Lun>"
        f"<LogicalDiskSizeInGB>256</LogicalDiskSizeInGB><MediaLink>https://benchstore.blob.core.windows.net/vhds/{name}-data1.vhd</MediaLink>"
        "<IOType>Standard</IOType></DataVirtualHardDisk></DataVirtualHardDisks>"
        f"<OSVirtualHardDisk><HostCaching>ReadWrite</HostCaching><DiskName>bench-{name}-0</DiskName>"
        f"<MediaLink>https://benchstore.blob.core.windows.net/vhds/{name}-os.vhd</MediaLink>"
        "<SourceImageName>a699494373c04fc0bc8f2bb1389d6106__Windows-Server-2012-R2-201412.01-en.us-127GB.vhd</SourceImageName>"
        "<OS>Windows</OS><IOType>Standard</IOType></OSVirtualHardDisk><RoleSize>Large</RoleSize>"
        "<ProvisionGuestAgent>true</ProvisionGuestAgent></Role>"
    )


def deployment(roles):
    parts = [
        f"<Deployment {NS}><Name>bench</Name><DeploymentSlot>Production</DeploymentSlot><Status>Running</Status>"
        "<Url>http://bench.cloudapp.net/</Url><RoleInstanceList>"
    ]
    parts += [instance(n) for n in range(roles)]
    parts.append("</RoleInstanceList><UpgradeDomainCount>5</UpgradeDomainCount><RoleList>")
    parts += [role(n) for n in range(roles)]
    parts.append(
        "</RoleList><SdkVersion/><Locked>false</Locked><RollbackAllowed>false</RollbackAllowed>"
        "<VirtualNetworkName>bench-vnet</VirtualNetworkName><ExtendedProperties/><VirtualIPs><VirtualIP>"
        "<Address>203.0.113.10</Address><IsDnsProgrammed>true</IsDnsProgrammed><Name>bench-rip</Name>"
        "<IsReserved>true</IsReserved><ReservedIPName>bench-rip</ReservedIPName></VirtualIP></VirtualIPs>"
        "<ReservedIPName>bench-rip</ReservedIPName><LoadBalancers><LoadBalancer><Name>app-ilb</Name>"
        "<FrontendIpConfiguration><Type>Private</Type><SubnetName>FrontEnd</SubnetName>"
        "<StaticVirtualNetworkIPAddress>10.1.255.250</StaticVirtualNetworkIPAddress></FrontendIpConfiguration>"
        "</LoadBalancer></LoadBalancers></Deployment>"
    )
    return "".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roles", type=int, default=5000)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    with open(args.output, "w", encoding="utf-8", newline="") as out:
        out.write(deployment(args.roles))


if __name__ == "__main__":
    main()
