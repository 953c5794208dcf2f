//! TLS: protocol versions, and cipher suites classified by their bulk
//! cipher, as load balancer security policies list them.
//!
//! Policies are judged by what they contain, never by name, so a policy
//! AWS adds tomorrow needs no code change; a cipher suite whose name
//! conform does not recognise is [`Bulk::Unknown`], never assumed safe.

/// Listener protocols that terminate TLS: `HTTPS` and `TLS` (ELBv2) and
/// `SSL` (classic), in any case.
pub fn is_tls_listener(protocol: &str) -> bool {
    matches!(
        protocol.trim().to_ascii_uppercase().as_str(),
        "HTTPS" | "TLS" | "SSL"
    )
}

/// The bulk-cipher families conform recognises (as a rule's
/// `allowed_ciphers` names them).
pub const CIPHER_FAMILIES: &[&str] = &[
    "AES128",
    "AES256",
    "CHACHA20",
    "3DES",
    "DES",
    "RC4",
    "RC2",
    "CAMELLIA128",
    "CAMELLIA256",
    "ARIA128",
    "ARIA256",
    "SEED",
    "IDEA",
    "SM4",
    "NULL",
];

/// The protocol versions conform knows, as written in `allowed_protocols`.
pub const PROTOCOLS: &[&str] = &["SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/// What a cipher suite's name says about its bulk cipher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bulk {
    /// One of [`CIPHER_FAMILIES`].
    Family(&'static str),
    /// Anonymous key exchange (no authentication): never allowed.
    Anonymous,
    /// Not recognised: never allowed.
    Unknown,
}

/// Classifies a cipher suite named in OpenSSL style
/// (`ECDHE-RSA-AES128-GCM-SHA256`, `DES-CBC3-SHA`) or IANA style
/// (`TLS_AES_128_GCM_SHA256`, `TLS_RSA_WITH_3DES_EDE_CBC_SHA`) by its bulk
/// cipher.
pub fn bulk_cipher(name: &str) -> Bulk {
    let upper = name.trim().to_ascii_uppercase();
    let tokens: Vec<&str> = upper.split(['-', '_']).filter(|t| !t.is_empty()).collect();
    if tokens.iter().any(|t| {
        matches!(*t, "ADH" | "AECDH" | "ANON") || t.starts_with("ADH") || t.starts_with("AECDH")
    }) {
        return Bulk::Anonymous;
    }
    // IANA names: the bulk cipher follows WITH (TLS 1.3 names have none).
    let start = tokens
        .iter()
        .position(|t| *t == "WITH")
        .map_or(0, |i| i + 1);
    let tokens = &tokens[start..];
    let sized = |i: usize, family128: &'static str, family256: &'static str| match tokens.get(i + 1)
    {
        Some(&"128") => Some(Bulk::Family(family128)),
        Some(&"256") => Some(Bulk::Family(family256)),
        _ => None,
    };
    for (i, t) in tokens.iter().enumerate() {
        let found = match *t {
            "AES128" => Some(Bulk::Family("AES128")),
            "AES256" => Some(Bulk::Family("AES256")),
            "AES" => Some(sized(i, "AES128", "AES256").unwrap_or(Bulk::Unknown)),
            "CHACHA20" => Some(Bulk::Family("CHACHA20")),
            "3DES" => Some(Bulk::Family("3DES")),
            "DES" => Some(Bulk::Family(if tokens.get(i + 1) == Some(&"CBC3") {
                "3DES"
            } else {
                "DES"
            })),
            "DES40" | "DES192" => Some(Bulk::Family("DES")),
            "RC4" => Some(Bulk::Family("RC4")),
            "RC2" => Some(Bulk::Family("RC2")),
            "CAMELLIA128" => Some(Bulk::Family("CAMELLIA128")),
            "CAMELLIA256" => Some(Bulk::Family("CAMELLIA256")),
            "CAMELLIA" => Some(sized(i, "CAMELLIA128", "CAMELLIA256").unwrap_or(Bulk::Unknown)),
            "ARIA128" => Some(Bulk::Family("ARIA128")),
            "ARIA256" => Some(Bulk::Family("ARIA256")),
            "ARIA" => Some(sized(i, "ARIA128", "ARIA256").unwrap_or(Bulk::Unknown)),
            "SEED" => Some(Bulk::Family("SEED")),
            "IDEA" => Some(Bulk::Family("IDEA")),
            "SM4" => Some(Bulk::Family("SM4")),
            "NULL" => Some(Bulk::Family("NULL")),
            _ => None,
        };
        if let Some(b) = found {
            return b;
        }
    }
    Bulk::Unknown
}

/// Attribute names of classic policies that are options, not ciphers.
pub fn is_option(name: &str) -> bool {
    let n = name.trim();
    n.eq_ignore_ascii_case("Server-Defined-Cipher-Order")
        || n.eq_ignore_ascii_case("Reference-Security-Policy")
}

/// A protocol name in a comparable form: no `Protocol-` prefix, lower case,
/// `TLSv1.0` the same as `TLSv1`.
pub fn norm_protocol(p: &str) -> String {
    let p = p.trim();
    let p = p
        .strip_prefix("Protocol-")
        .unwrap_or(p)
        .to_ascii_lowercase();
    if p == "tlsv1.0" { "tlsv1".into() } else { p }
}

/// A protocol name as shown: without the `Protocol-` prefix of classic
/// policies' attributes.
pub fn display_protocol(p: &str) -> &str {
    let p = p.trim();
    p.strip_prefix("Protocol-").unwrap_or(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cipher_names_are_classified() {
        let cases = [
            ("ECDHE-RSA-AES128-GCM-SHA256", Bulk::Family("AES128")),
            ("AES256-SHA", Bulk::Family("AES256")),
            ("AES128-SHA256", Bulk::Family("AES128")),
            ("DES-CBC3-SHA", Bulk::Family("3DES")),
            ("EDH-RSA-DES-CBC3-SHA", Bulk::Family("3DES")),
            ("DES-CBC-SHA", Bulk::Family("DES")),
            ("ECDHE-RSA-RC4-SHA", Bulk::Family("RC4")),
            ("RC4-MD5", Bulk::Family("RC4")),
            ("DHE-RSA-CAMELLIA256-SHA", Bulk::Family("CAMELLIA256")),
            ("ECDHE-RSA-CHACHA20-POLY1305", Bulk::Family("CHACHA20")),
            ("NULL-SHA", Bulk::Family("NULL")),
            ("ADH-AES128-SHA", Bulk::Anonymous),
            ("TLS_AES_128_GCM_SHA256", Bulk::Family("AES128")),
            ("TLS_AES_256_GCM_SHA384", Bulk::Family("AES256")),
            ("TLS_CHACHA20_POLY1305_SHA256", Bulk::Family("CHACHA20")),
            (
                "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
                Bulk::Family("AES256"),
            ),
            ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", Bulk::Family("3DES")),
            ("TLS_RSA_WITH_RC4_128_SHA", Bulk::Family("RC4")),
            (
                "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA",
                Bulk::Family("CAMELLIA128"),
            ),
            ("TLS_RSA_WITH_NULL_SHA", Bulk::Family("NULL")),
            ("TLS_DH_anon_WITH_AES_128_CBC_SHA", Bulk::Anonymous),
            ("TLS_AES_128_CCM_8_SHA256", Bulk::Family("AES128")),
            ("SOMETHING-NEW", Bulk::Unknown),
            ("", Bulk::Unknown),
        ];
        for (name, want) in cases {
            assert_eq!(bulk_cipher(name), want, "{name}");
        }
    }

    #[test]
    fn protocols_compare_without_prefix_case_or_dot_zero() {
        assert_eq!(norm_protocol("Protocol-TLSv1.2"), "tlsv1.2");
        assert_eq!(norm_protocol(" TLSv1.0 "), norm_protocol("TLSv1"));
        assert_ne!(norm_protocol("TLSv1.1"), norm_protocol("TLSv1"));
        assert_eq!(display_protocol("Protocol-TLSv1.2"), "TLSv1.2");
        assert_eq!(display_protocol("TLSv1.3"), "TLSv1.3");
        for p in PROTOCOLS {
            assert_eq!(norm_protocol(p), p.to_ascii_lowercase());
        }
    }

    #[test]
    fn classic_options_are_not_ciphers() {
        assert!(is_option("Server-Defined-Cipher-Order"));
        assert!(is_option(" reference-security-policy "));
        assert!(!is_option("ECDHE-RSA-AES128-GCM-SHA256"));
        // Every family a rule may allow is one a cipher can be classified as.
        for f in CIPHER_FAMILIES {
            assert_ne!(
                bulk_cipher(&format!("ECDHE-RSA-{f}-SHA")),
                Bulk::Unknown,
                "{f}"
            );
        }
    }

    #[test]
    fn tls_listeners() {
        for p in ["HTTPS", "tls", " SSL "] {
            assert!(is_tls_listener(p), "{p}");
        }
        for p in ["HTTP", "TCP", "UDP", "TCP_UDP", "GENEVE", ""] {
            assert!(!is_tls_listener(p), "{p}");
        }
    }
}
