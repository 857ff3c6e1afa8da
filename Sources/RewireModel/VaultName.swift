/// Recovery Services vault naming rules (Azure Backup's "prepare" documentation, all eras):
/// 2 to 50 characters, starting with a letter, letters, digits and hyphens only.
public enum VaultName {
    /// Why `name` is not a valid vault name, or nil when it is.
    public static func problem(_ name: String) -> String? {
        let count = name.unicodeScalars.count
        guard (2...50).contains(count) else {
            return "vault name '\(name)' has \(count) character(s); expected 2 to 50"
        }
        guard let first = name.unicodeScalars.first, first.isASCIILetter else {
            return "vault name '\(name)' must start with a letter"
        }
        if let bad = name.unicodeScalars.first(where: { !($0.isASCIILetter || $0.isASCIIDigit || $0 == "-") }) {
            return "vault name '\(name)' contains '\(Character(bad))'; expected only letters, digits and hyphens"
        }
        return nil
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
