import Foundation
import NetConfigCapture
import RewireModel
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The libxml2 wrapper against hostile and odd input: every case ends in a typed error (or a
/// correct parse) without touching the network or the file system and without unbounded memory.
@Suite struct ClassicXMLDocumentTests {
    static let wa = XMLNamespace.windowsAzure

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func parseError(_ text: String, maximumSize: Int = XMLDocument.defaultMaximumSize) -> XMLDocumentError? {
        parseError(bytes(text), maximumSize: maximumSize)
    }

    static func parseError(_ bytes: [UInt8], maximumSize: Int = XMLDocument.defaultMaximumSize) -> XMLDocumentError? {
        do {
            _ = try XMLDocument.parse(bytes, maximumSize: maximumSize)
            return nil
        } catch {
            return error
        }
    }

    @Test func refusesExternalFileEntityWithoutReadingTheFile() throws {
        let directory = try ClassicTemporaryDirectory()
        let secret = directory.url.appendingPathComponent("secret.txt")
        try Data("REWIRE-SECRET-MARKER".utf8).write(to: secret)
        let document = """
            <?xml version="1.0"?>
            <!DOCTYPE Deployment [
              <!ENTITY xxe SYSTEM "file://\(secret.path)">
            ]>
            <Deployment xmlns="\(Self.wa)"><Name>&xxe;</Name></Deployment>
            """
        let error = try #require(Self.parseError(document))
        #expect(error.code == .entityDeclaration)
        #expect(error.line == 3)
        #expect(error.message.contains("xxe"))
        #expect(!error.description.contains("REWIRE-SECRET-MARKER"))
    }

    @Test func refusesHTTPEntitiesAndExternalDTDsWithoutConnecting() throws {
        let listener = try ClassicTrapListener()
        let url = "http://127.0.0.1:\(listener.port)/evil"
        let cases: [(String, XMLDocumentError.Code)] = [
            (
                "<!DOCTYPE Deployment [<!ENTITY xxe SYSTEM \"\(url)\">]><Deployment xmlns=\"\(Self.wa)\">&xxe;</Deployment>",
                .entityDeclaration
            ),
            (
                "<!DOCTYPE Deployment [<!ENTITY % remote SYSTEM \"\(url).dtd\"> %remote;]><Deployment xmlns=\"\(Self.wa)\"/>",
                .entityDeclaration
            ),
            ("<!DOCTYPE Deployment SYSTEM \"\(url).dtd\"><Deployment xmlns=\"\(Self.wa)\"/>", .externalDTD),
            (
                "<!DOCTYPE Deployment PUBLIC \"-//EVIL//DTD x//EN\" \"\(url).dtd\"><Deployment xmlns=\"\(Self.wa)\"/>",
                .externalDTD
            ),
            (
                "<!DOCTYPE Deployment [<!ENTITY pic SYSTEM \"\(url).gif\" NDATA gif>]><Deployment xmlns=\"\(Self.wa)\"/>",
                .entityDeclaration
            ),
        ]
        for (document, code) in cases {
            let error = try #require(Self.parseError(document), "\(document)")
            #expect(error.code == code, "\(document)")
            #expect(error.message.contains("remove the DOCTYPE"))
        }
        #expect(!listener.receivedConnection(), "libxml2 connected to \(url)")
    }

    @Test func refusesBillionLaughsAtTheFirstDeclaration() throws {
        var document = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            document += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">\n"
        }
        document += "]>\n<Deployment xmlns=\"\(Self.wa)\"><Name>&lol9;</Name></Deployment>"
        let clock = ContinuousClock()
        var error: XMLDocumentError?
        let elapsed = clock.measure { error = Self.parseError(document) }
        let refused = try #require(error)
        #expect(refused.code == .entityDeclaration)
        #expect(refused.line == 3)
        #expect(elapsed < .seconds(1))
    }

    @Test func acceptsADoctypeThatDeclaresNothing() throws {
        let document = try XMLDocument.parse(
            Self.bytes("<!DOCTYPE Deployment><Deployment xmlns=\"\(Self.wa)\"><Name>a</Name></Deployment>"))
        #expect(document.root.value(of: "Name") == "a")
    }

    @Test func reportsTheFirstErrorWithLineAndColumn() throws {
        // The documentation's own sample has this typo.
        let document =
            "<Deployment xmlns=\"\(Self.wa)\">\n  <Name>d</Name>\n  <ReservedIPName>rip</ReservedIpName>\n</Deployment>"
        let error = try #require(Self.parseError(document))
        #expect(error.code == .malformed)
        #expect(error.line == 3)
        #expect(error.column > 1)
        #expect(error.message.contains("ReservedIPName"))
    }

    @Test func reportsATruncatedDocument() throws {
        let full = try ClassicFixtures.bytes("xplat-get-deployment-multi-nic.xml")
        let error = try #require(Self.parseError(Array(full.prefix(full.count / 2))))
        #expect(error.code == .malformed)
        #expect(error.line == 1)
    }

    @Test func reportsAnUndeclaredEntity() throws {
        let error = try #require(Self.parseError("<Deployment xmlns=\"\(Self.wa)\"><Name>&nbsp;</Name></Deployment>"))
        #expect(error.code == .malformed)
        #expect(error.message.contains("nbsp"))
    }

    @Test func stopsAtExcessiveNesting() throws {
        let depth = 100_000
        let document = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let error = try #require(Self.parseError(document))
        #expect(error.code == .malformed)
    }

    @Test func refusesADocumentOverTheSizeLimitBeforeParsing() throws {
        let error = try #require(Self.parseError("<Deployment xmlns=\"\(Self.wa)\"/>", maximumSize: 10))
        #expect(error.code == .tooLarge)
    }

    @Test func refusesEmptyAndAllPaddingInput() throws {
        #expect(Self.parseError([])?.code == .empty)
        #expect(Self.parseError([UInt8](repeating: 0, count: 512))?.code == .empty)
        #expect(Self.parseError(" \r\n")?.code == .empty)
    }

    @Test func readsUTF8WithBOMAndDeclaration() throws {
        let document = try XMLDocument.parse(
            [0xEF, 0xBB, 0xBF]
                + Self.bytes(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<R xmlns=\"\(Self.wa)\">\r\n<Name>é</Name></R>"))
        #expect(document.root.value(of: "Name") == "é")
        #expect(document.root.child("Name")?.line == 3)
        #expect(!document.wasUTF16)
    }

    @Test(arguments: [
        ("UTF-16LE with BOM", [UInt8]([0xFF, 0xFE]), true),
        ("UTF-16BE with BOM", [UInt8]([0xFE, 0xFF]), false),
        ("UTF-16LE without BOM", [UInt8](), true),
        ("UTF-16BE without BOM", [UInt8](), false),
    ])
    func readsUTF16WithAndWithoutBOMAndPadding(name: String, bom: [UInt8], littleEndian: Bool) throws {
        let text =
            "<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n<PersistentVMRole xmlns=\"\(Self.wa)\">\r\n<RoleName>vm-ü</RoleName></PersistentVMRole>\r\n"
        var bytes = bom
        for unit in text.utf16 {
            bytes += littleEndian ? [UInt8(unit & 0xFF), UInt8(unit >> 8)] : [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        let padded = bytes + [UInt8](repeating: 0, count: 512 - bytes.count % 512)
        let document = try XMLDocument.parse(padded)
        #expect(document.root.localName == "PersistentVMRole", "\(name)")
        #expect(document.root.value(of: "RoleName") == "vm-ü", "\(name)")
        #expect(document.root.child("RoleName")?.line == 3, "\(name)")
        #expect(document.wasUTF16)
        #expect(document.hadNULPadding)
    }

    @Test func refusesBrokenUTF16() throws {
        // A lone high surrogate.
        let bytes: [UInt8] = [0xFF, 0xFE, 0x3C, 0x00, 0x61, 0x00, 0x00, 0xD8, 0x2F, 0x00, 0x3E, 0x00]
        #expect(Self.parseError(bytes)?.code == .encoding)
    }

    @Test func resolvesNamespacesAndNil() throws {
        let document = try XMLDocument.parse(
            Self.bytes(
                "<wa:PublicIP xmlns:wa=\"\(Self.wa)\" xmlns:i=\"\(XMLNamespace.schemaInstance)\"><wa:Name> pip </wa:Name><wa:DomainNameLabel i:nil=\"true\"/><Other>x</Other></wa:PublicIP>"
            ))
        let root = document.root
        #expect(root.namespace == Self.wa)
        #expect(root.localName == "PublicIP")
        #expect(root.value(of: "Name") == "pip")
        #expect(root.child("DomainNameLabel")?.isNil == true)
        #expect(root.value(of: "DomainNameLabel") == nil)
        // An element in no namespace is not found under the parent's namespace.
        #expect(root.child("Other") == nil)
        #expect(root.child("Other", namespace: nil)?.namespace == nil)
    }

    @Test func parsesConcurrentlyWithSeparateErrors() async throws {
        let good = try ClassicFixtures.bytes("constructed-get-deployment-lbset-ilb-multivip-pip-nics.xml")
        let results = await withTaskGroup(of: (Int, String).self) { group in
            for index in 0..<16 {
                group.addTask {
                    if index % 2 == 0 {
                        let document = try? XMLDocument.parse(good)
                        return (index, document?.root.value(of: "Name") ?? "failed")
                    }
                    let broken =
                        "<Deployment xmlns=\"\(Self.wa)\">" + String(repeating: "\n", count: index)
                        + "<Name>x</Nome></Deployment>"
                    return (index, Self.parseError(broken).map { "line \($0.line)" } ?? "parsed")
                }
            }
            var collected: [Int: String] = [:]
            for await (index, outcome) in group { collected[index] = outcome }
            return collected
        }
        for index in 0..<16 {
            #expect(results[index] == (index % 2 == 0 ? "contoso-web" : "line \(index + 1)"))
        }
    }
}

/// A TCP listener on 127.0.0.1 that never answers: a connection attempt shows up in its backlog.
final class ClassicTrapListener {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 16) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard descriptor >= 0, bound else { throw POSIXError(.EADDRNOTAVAIL) }
        port = UInt16(bigEndian: address.sin_port)
        _ = fcntl(descriptor, F_SETFL, O_NONBLOCK)
    }

    func receivedConnection() -> Bool {
        let connection = accept(descriptor, nil, nil)
        if connection >= 0 {
            close(connection)
            return true
        }
        return false
    }

    deinit { close(descriptor) }
}

struct ClassicTemporaryDirectory: ~Copyable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("rewire-classic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

enum ClassicFixtures {
    /// `../shared/fixtures/classic` beside the repository.
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures/classic")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static var allXMLFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".xml") }
            .sorted()
    }
}
