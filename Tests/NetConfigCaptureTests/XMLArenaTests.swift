import Testing

@testable import NetConfigCapture

/// `XMLArena` (SAX2 into compact arrays, what classic capture parses with) reads elements,
/// attributes and text as `XMLDocument` does.
@Suite struct XMLArenaTests {
    static let xml = """
        <?xml version="1.0" encoding="utf-8"?>
        <r xmlns="urn:a" xmlns:b="urn:b" plain="x &amp; y &#38; z &lt;&#x41;" b:qualified="q">
          <c>one &amp; &#x32; &lt;three&gt;</c>
          <b:c>other namespace</b:c>
          <c b:attr="&#38;&amp;&amp;#38;">  two  </c>
          <empty/>
          <nested><c>deep</c></nested>
          <mixed>before <c>in<d>most</d>ner</c> after<e/> end</mixed>
        </r>
        """

    /// Every name is found at its own index, whatever the table's collisions; anything else,
    /// including a prefix, a different case or another spelling of a non-ASCII name, is not.
    @Test func nameTableFindsExactlyTheNames() {
        let names = (0..<300).map { "Name\($0)" } + ["", "é", "RoleName", "rolename", "http://schemas.microsoft.com/windowsazure"]
        let table = XMLArena.NameTable(names)
        for (index, name) in names.enumerated() {
            #expect(table[name] == Int32(index), "\(name)")
        }
        for absent in ["Name300", "Nam", "ROLENAME", "e\u{301}", "http://schemas.microsoft.com/windowsazurE", String(repeating: "x", count: 100)] {
            #expect(table[absent] == nil, "\(absent)")
        }
        #expect(XMLArena.NameTable([])["Name"] == nil)
        // `String` equality would equate the precomposed and the combining spelling; XML does not.
        let decomposed = XMLArena.NameTable(["e\u{301}"])
        #expect(decomposed["e\u{301}"] == 0)
        #expect(decomposed["\u{E9}"] == nil)
    }

    @Test func readsAsXMLDocumentDoes() throws {
        let arena = try XMLArena.parse(Array(Self.xml.utf8))
        let document = try XMLDocument.parse(Array(Self.xml.utf8))
        let (a, d) = (arena.root, document.root)
        #expect(a.localName == d.localName && a.namespace == d.namespace && a.line == d.line)
        #expect(a.attribute("plain") == d.attribute("plain"))
        #expect(a.attribute("plain") == "x & y & z <A")
        #expect(a.attribute("qualified", namespace: "urn:b") == "q")
        #expect(a.attribute("qualified") == nil)
        #expect(a.children("c").map(\.value) == d.children("c").map(\.value))
        #expect(a.children("c").map(\.value) == ["one & 2 <three>", "two"])
        #expect(a.children("c").map(\.line) == d.children("c").map(\.line))
        #expect(a.child("c", namespace: "urn:b")?.value == "other namespace")
        #expect(a.children("c")[1].attribute("attr", namespace: "urn:b") == "&&&#38;")
        #expect(a.children("c")[1].attribute("attr", namespace: "urn:b") == d.children("c")[1].attribute("attr", namespace: "urn:b"))
        #expect(a.child("empty")?.value == nil && a.child("missing") == nil)
        #expect(a.value == nil)
        #expect(a.child("nested")?.child("c")?.value == "deep")
    }
}
