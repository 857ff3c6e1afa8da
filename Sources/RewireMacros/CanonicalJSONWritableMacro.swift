import SwiftCompilerPlugin
import SwiftParser
public import SwiftSyntax
import SwiftSyntaxBuilder
public import SwiftSyntaxMacros

/// `@CanonicalJSONWritable` on a struct or a raw-value enum: generates the type's
/// `CanonicalJSONWritable` conformance, a writer that puts out exactly what its synthesized
/// `Encodable` conformance would through `CanonicalJSON` — members in canonical key order (sorted by
/// UTF-8 bytes, `schemaVersion` first; the order is decided here, at compile time), nil optionals
/// left out, keys and members from `CodingKeys` when the type declares them — with none of
/// `Encoder`'s per-member dynamic dispatch. A new stored property is written without anyone
/// touching the writer; a type the macro cannot read the same way as `Encodable` (a hand-written
/// `encode(to:)`, associated values, `lazy`) is a compile error, never a silently different file.
public struct CanonicalJSONWritableMacro: ExtensionMacro {
    public static func expansion(
        of node: AttributeSyntax,
        attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        let body: String
        if let structDecl = declaration.as(StructDeclSyntax.self) {
            body = try structBody(structDecl)
        } else if let enumDecl = declaration.as(EnumDeclSyntax.self) {
            body = try enumBody(enumDecl)
        } else {
            throw MacroExpansionErrorMessage("@CanonicalJSONWritable applies to a struct or a raw-value enum")
        }
        let access = isPublic(declaration.modifiers) ? "public " : ""
        let conformance = protocols.isEmpty ? "" : ": CanonicalJSONWritable"
        let decl: DeclSyntax = """
            extension \(type.trimmed)\(raw: conformance) {
                \(raw: access)func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) {
            \(raw: body)
                }
            }
            """
        guard let extensionDecl = decl.as(ExtensionDeclSyntax.self) else {
            throw MacroExpansionErrorMessage("@CanonicalJSONWritable could not build the extension of \(type.trimmed)")
        }
        return [extensionDecl]
    }

    /// The members in canonical order, each written through `CanonicalJSONWriter.member`.
    static func structBody(_ decl: StructDeclSyntax) throws -> String {
        var members: [(key: String, property: String)] = []
        var codingKeys: EnumDeclSyntax?
        var stored: [String] = []
        for item in decl.memberBlock.members {
            if let nested = item.decl.as(EnumDeclSyntax.self), nested.name.text == "CodingKeys" {
                codingKeys = nested
            } else if let function = item.decl.as(FunctionDeclSyntax.self), function.name.text == "encode",
                function.signature.parameterClause.parameters.first?.firstName.text == "to"
            {
                throw MacroExpansionErrorMessage(
                    "@CanonicalJSONWritable cannot follow a hand-written encode(to:) of \(decl.name.text); remove one of them")
            } else if let variable = item.decl.as(VariableDeclSyntax.self) {
                stored += try storedProperties(variable)
            }
        }
        if let codingKeys {
            for caseDecl in codingKeys.memberBlock.members.compactMap({ $0.decl.as(EnumCaseDeclSyntax.self) }) {
                for element in caseDecl.elements {
                    let property = element.name.text
                    var key = plainName(property)
                    if let rawValue = element.rawValue?.value {
                        guard let literal = rawValue.as(StringLiteralExprSyntax.self)?.representedLiteralValue else {
                            throw MacroExpansionErrorMessage(
                                "@CanonicalJSONWritable needs CodingKeys of \(decl.name.text) to have string raw values")
                        }
                        key = literal
                    }
                    members.append((key, property))
                }
            }
        } else {
            members = stored.map { (plainName($0), $0) }
        }
        members.sort { precedes($0.key, $1.key) }
        var lines = ["        var object = writer.beginObject()"]
        for member in members {
            let key = StringLiteralExprSyntax(content: member.key).description
            lines.append("        writer.member(\(key), self.\(member.property), in: &object)")
        }
        lines.append("        writer.endObject(object)")
        return lines.joined(separator: "\n")
    }

    /// The raw value, as the standard library's `RawRepresentable` conformance encodes it.
    static func enumBody(_ decl: EnumDeclSyntax) throws -> String {
        let rawTypes: Set<String> = ["String", "Int"]
        guard let first = decl.inheritanceClause?.inheritedTypes.first?.type.trimmedDescription,
            rawTypes.contains(first)
        else {
            throw MacroExpansionErrorMessage(
                "@CanonicalJSONWritable needs enum \(decl.name.text) to have a String or Int raw value")
        }
        for item in decl.memberBlock.members {
            if let function = item.decl.as(FunctionDeclSyntax.self), function.name.text == "encode" {
                throw MacroExpansionErrorMessage(
                    "@CanonicalJSONWritable cannot follow a hand-written encode(to:) of \(decl.name.text); remove one of them")
            }
        }
        return "        self.rawValue.writeCanonicalJSON(to: &writer)"
    }

    /// The names of the stored instance properties a declaration introduces (none for a computed
    /// or static one).
    static func storedProperties(_ variable: VariableDeclSyntax) throws -> [String] {
        let modifiers = variable.modifiers.map(\.name.tokenKind)
        if modifiers.contains(.keyword(.static)) || modifiers.contains(.keyword(.class)) { return [] }
        if modifiers.contains(.keyword(.lazy)) {
            throw MacroExpansionErrorMessage("@CanonicalJSONWritable does not handle lazy properties")
        }
        var names: [String] = []
        for binding in variable.bindings {
            if let accessors = binding.accessorBlock {
                switch accessors.accessors {
                case .getter:
                    continue
                case .accessors(let list):
                    let observers: Set<TokenKind> = [.keyword(.willSet), .keyword(.didSet)]
                    if !list.allSatisfy({ observers.contains($0.accessorSpecifier.tokenKind) }) { continue }
                }
            }
            guard let name = binding.pattern.as(IdentifierPatternSyntax.self)?.identifier.text else {
                throw MacroExpansionErrorMessage(
                    "@CanonicalJSONWritable needs one name per stored property (no tuple patterns)")
            }
            names.append(name)
        }
        return names
    }

    static func isPublic(_ modifiers: DeclModifierListSyntax) -> Bool {
        modifiers.contains { $0.name.tokenKind == .keyword(.public) || $0.name.tokenKind == .keyword(.open) }
    }

    /// A property name without the backticks that let a keyword be one.
    static func plainName(_ name: String) -> String {
        String(name.filter { $0 != "`" })
    }

    /// `CanonicalJSON`'s key order: `schemaVersion` first, then by UTF-8 bytes.
    static func precedes(_ a: String, _ b: String) -> Bool {
        if (a == "schemaVersion") != (b == "schemaVersion") { return a == "schemaVersion" }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}

@main
struct RewireMacrosPlugin: CompilerPlugin {
    let providingMacros: [any Macro.Type] = [CanonicalJSONWritableMacro.self]
}
