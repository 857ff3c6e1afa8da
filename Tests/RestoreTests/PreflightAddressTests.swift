import RewireModel
import Testing

@testable import Restore

@Suite("Preflight: address and prefix arithmetic")
struct PreflightAddressTests {
    @Test(arguments: [
        ("10.1.0.10", ["10.1.0.0/24"], true as Bool?), ("10.1.1.10", ["10.1.0.0/24"], false),
        ("10.1.1.10", ["10.1.0.0/24", "10.1.1.0/25"], true),
        ("192.168.255.255", ["192.168.0.0/16"], true), ("8.8.8.8", ["0.0.0.0/0"], true),
        ("10.0.0.1", ["10.0.0.1/32"], true),
        ("10.0.0.2", ["10.0.0.1/32"], false), ("10.0.0.1", ["fd00::/8"], nil), ("fd00::1", ["10.0.0.0/8"], nil),
        ("fd00:db8::1", ["fd00:db8::/32"], true), ("fd00:db9::1", ["fd00:db8::/32"], false),
        ("::ffff:10.0.0.1", ["::ffff:0:0/96"], true),
        ("10.0.0.300", ["10.0.0.0/8"], nil), ("not-an-ip", ["10.0.0.0/8"], nil),
        ("10.0.0.1", ["10.0.0.0/33", "garbage"], nil),
    ])
    func containment(address: String, prefixes: [String], expected: Bool?) {
        #expect(AddressContainment.isAddress(address, inAnyOf: prefixes) == expected)
    }

    @Test(arguments: ["10.0.0", "1.2.3.4.5", "01234.1.1.1", "1.2.3.-4", "256.0.0.0", "", "1..2.3", " 1.2.3.4"])
    func malformedIPv4IsRejected(text: String) {
        #expect(IPv4Network.address(text) == nil)
    }

    @Test(arguments: ["1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7"])
    func malformedIPv6IsRejected(text: String) {
        #expect(IPv6Network.address(text) == nil)
    }

    @Test func ipv6ExpandsTheDoubleColon() {
        #expect(IPv6Network.address("::") == [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(IPv6Network.address("fe80::1") == [0xfe80, 0, 0, 0, 0, 0, 0, 1])
        #expect(IPv6Network.address("1:2:3:4:5:6:7:8") == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(IPv6Network("fd00::/129") == nil && IPv6Network("fd00::/64")?.prefixLength == 64)
    }

    @Test(arguments: [
        ("*", 443, true), ("443", 443, true), ("80", 443, false), ("400-500", 443, true), ("8443-8443", 8443, true),
        ("1-79", 80, false), ("abc", 80, false),
    ])
    func portRanges(range: String, port: Int, expected: Bool) {
        #expect(BackupConnectivity.portRange(range, contains: port) == expected)
    }

    @Test(arguments: [
        ("https://stapp01.blob.core.windows.net/vhds/os.vhd", "stapp01" as String?),
        ("http://StApp01.blob.core.chinacloudapi.cn/vhds/x.vhd", "stapp01"),
        ("https://stapp01.file.core.windows.net/share", nil), ("not a uri", nil),
    ])
    func storageAccountFromBlobURI(uri: String, expected: String?) {
        #expect(StorageAccountName.fromBlobURI(uri) == expected)
    }

    @Test(arguments: [
        ("Standard_D2s_v3", 2 as Int?), ("standard_d16s_v5", 8), ("Standard_F16s_v2", 4), ("Large", 2),
        ("ExtraLarge", 4), ("Standard_DS3_v2_Promo", 4), ("Standard_NC24ads_A100_v4", nil),
    ])
    func vmSizeNICLimits(size: String, expected: Int?) {
        #expect(VMSizeLimits.maximumNetworkInterfaces(size: size) == expected)
    }
}
