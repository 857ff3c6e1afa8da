/// Azure region names compare without case and spaces: `West Europe` is `westeurope`.
public enum Region {
    public static func key(_ name: String) -> String {
        String(name.lowercased().filter { !$0.isWhitespace })
    }
}
