/// Percent-encoding of the few characters a format reserves, scalar by
/// scalar (a CR LF pair, one Swift `Character`, is two scalars): `encoded`
/// says what a scalar becomes, nil to keep it as it is.
enum PercentEncoding {
    static func encode(_ text: String, _ encoded: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        for c in text.unicodeScalars {
            if let replacement = encoded(c) { out += replacement } else { out.unicodeScalars.append(c) }
        }
        return out
    }

    /// `%XX` of an ASCII scalar, upper-case hexadecimal.
    static func code(_ c: Unicode.Scalar) -> String {
        let hex = String(c.value, radix: 16, uppercase: true)
        return "%" + (hex.count < 2 ? "0" + hex : hex)
    }
}
