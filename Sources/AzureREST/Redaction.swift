import Foundation

/// Keeps secrets out of logs and error messages: bearer tokens, client secrets and SAS signatures.
enum Redaction {
    /// Query parameters whose values are secret (SAS signature, tokens, client secrets).
    static let secretQueryNames: Set<String> = [
        "sig", "signature", "token", "access_token", "client_secret", "code", "skoid", "sktid", "password",
    ]

    /// The URL as text with secret query values replaced by `REDACTED`.
    static func url(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "<url>" }
        components.user = nil
        components.password = nil
        if let items = components.percentEncodedQueryItems {
            components.percentEncodedQueryItems = items.map { item in
                secretQueryNames.contains(item.name.lowercased())
                    ? URLQueryItem(name: item.name, value: "REDACTED") : item
            }
        }
        return components.string ?? "<url>"
    }

    /// `text` with anything that looks like a JWT or a bearer token, and each of `secrets`, replaced.
    static func text(_ text: String, secrets: [String] = []) -> String {
        var result = text
        for secret in secrets where secret.count >= 4 {
            result = result.replacingOccurrences(of: secret, with: "REDACTED")
        }
        result = replacingJWTs(in: result)
        return result
    }

    /// Replaces `eyJ...` three-part base64url tokens and `Bearer xyz` values.
    private static func replacingJWTs(in text: String) -> String {
        guard text.contains("eyJ") || text.range(of: "bearer ", options: .caseInsensitive) != nil else {
            return text
        }
        let chars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        func isTokenChar(_ c: Unicode.Scalar) -> Bool {
            (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "-" || c == "_"
                || c == "." || c == "=" || c == "~" || c == "+" || c == "/"
        }
        while i < chars.count {
            // "Bearer <token>"
            if i + 7 <= chars.count, String(String.UnicodeScalarView(chars[i..<i + 7])).lowercased() == "bearer " {
                var j = i + 7
                while j < chars.count, isTokenChar(chars[j]) { j += 1 }
                // Only something token-sized: "scheme Bearer is not supported" keeps its words.
                if j - (i + 7) >= 16 {
                    out.append(contentsOf: chars[i..<i + 7])
                    out.append(contentsOf: "REDACTED".unicodeScalars)
                    i = j
                    continue
                }
            }
            // eyJ....
            if i + 3 <= chars.count, chars[i] == "e", chars[i + 1] == "y", chars[i + 2] == "J" {
                var j = i
                var dots = 0
                while j < chars.count, isTokenChar(chars[j]) {
                    if chars[j] == "." { dots += 1 }
                    j += 1
                }
                if dots >= 1 && j - i >= 16 {
                    out.append(contentsOf: "REDACTED".unicodeScalars)
                    i = j
                    continue
                }
            }
            out.append(chars[i])
            i += 1
        }
        return String(out)
    }
}
