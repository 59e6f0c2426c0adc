//! Certificates for the TLS tests, made at test time with rcgen: a private CA and what it
//! issues, self-signed certificates, expired ones, ones for the wrong host, new keys.

use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
    PublicKeyData, date_time_ymd,
};
use vitrin_server::config::TlsFiles;
use vitrin_shared::pin::{CertificateFacts, Pin};

/// The names every good test certificate is for: how tests reach the server.
pub const LOCAL_NAMES: &[&str] = &["localhost", "127.0.0.1"];

/// A private certificate authority.
pub struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A server certificate (PEM) with its key.
pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
    pub pin: Pin,
}

/// How long a certificate is valid.
#[derive(Clone, Copy)]
pub enum Validity {
    /// From 2020 to 2100.
    Current,
    /// 2020 to 2021: long expired.
    Expired,
}

fn params(names: &[&str], validity: Validity) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).expect("valid names");
    params
        .distinguished_name
        .push(DnType::CommonName, "Vitrin test server");
    params.not_before = date_time_ymd(2020, 1, 1);
    params.not_after = match validity {
        Validity::Current => date_time_ymd(2100, 1, 1),
        Validity::Expired => date_time_ymd(2021, 1, 1),
    };
    params
}

impl Leaf {
    fn new(cert: &rcgen::Certificate, key: &KeyPair) -> Leaf {
        let facts = CertificateFacts::of(cert.der()).expect("rcgen makes parseable certificates");
        assert_eq!(facts.pin, pin_of(key), "the certificate's pin is its key's");
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            pin: facts.pin,
        }
    }

    /// A self-signed certificate, as `openssl req -x509` makes for a server on premises.
    pub fn self_signed(names: &[&str], key: &KeyPair, validity: Validity) -> Leaf {
        let cert = params(names, validity)
            .self_signed(key)
            .expect("self-signed certificate");
        Leaf::new(&cert, key)
    }

    /// A self-signed certificate as `openssl req -x509` makes it by default: marked as a CA
    /// (basicConstraints CA:TRUE), which webpki refuses as a server certificate but a pin takes.
    pub fn openssl_style(names: &[&str], key: &KeyPair) -> Leaf {
        let mut params = params(names, Validity::Current);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let cert = params.self_signed(key).expect("self-signed certificate");
        Leaf::new(&cert, key)
    }

    /// Writes the certificate and key where the server reads them (replacing what is there,
    /// each file in one rename, as certbot does).
    pub fn install(&self, dir: &Path) -> TlsFiles {
        std::fs::create_dir_all(dir).unwrap();
        let files = TlsFiles {
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        };
        for (path, text) in [(&files.cert, &self.cert_pem), (&files.key, &self.key_pem)] {
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, text).unwrap();
            std::fs::rename(&tmp, path).unwrap();
        }
        files
    }
}

impl Ca {
    pub fn new() -> Ca {
        let mut params = params(&[], Validity::Current);
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, "Vitrin test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("a key");
        Ca {
            issuer: CertifiedIssuer::self_signed(params, key).expect("a CA certificate"),
        }
    }

    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// Writes the CA certificate to `path` (what `--ca-file` reads).
    pub fn write(&self, path: &Path) {
        std::fs::write(path, self.pem()).unwrap();
    }

    /// A server certificate for `names` with a new key.
    pub fn issue(&self, names: &[&str], validity: Validity) -> Leaf {
        let key = KeyPair::generate().expect("a key");
        let cert = params(names, validity)
            .signed_by(&key, &self.issuer)
            .expect("an issued certificate");
        Leaf::new(&cert, &key)
    }
}

impl Default for Ca {
    fn default() -> Self {
        Ca::new()
    }
}

/// A new key pair (a server's next key).
pub fn new_key() -> KeyPair {
    KeyPair::generate().expect("a key")
}

/// The pin of a key (what the server's certificate with this key will have).
pub fn pin_of(key: &KeyPair) -> Pin {
    Pin::of_public_key(&key.subject_public_key_info())
}
