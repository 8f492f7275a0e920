"""X.509 building blocks: keys, the root certificate, seal certificates and the CRL.

Pure functions over `cryptography` objects; every time is a parameter.
"""

import hashlib
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

EC_P256 = "ec-p256"
RSA_3072 = "rsa-3072"
ALGORITHMS = (EC_P256, RSA_3072)

ROOT_VALIDITY = timedelta(days=20 * 365)
SEAL_VALIDITY = timedelta(days=5 * 365)
CRL_VALIDITY = timedelta(days=7)
# Certificates start a little in the past so that a clock a few minutes slow
# somewhere does not make a fresh certificate "not yet valid".
BACKDATE = timedelta(minutes=10)

_KEY_USAGE_NONE = dict(
    digital_signature=False,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


def generate_key(algorithm: str = EC_P256):
    if algorithm == EC_P256:
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == RSA_3072:
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    raise ValueError(f"unsupported key algorithm {algorithm!r}; use one of {', '.join(ALGORITHMS)}")


def key_algorithm(public_key) -> str:
    if isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(public_key.curve, ec.SECP256R1):
        return EC_P256
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size == 3072:
        return RSA_3072
    raise ValueError("seal keys must be ECDSA P-256 or RSA-3072")


def root_name(*, common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def seal_name(*, department_zh: str, department_en: str, purpose_zh: str, organisation: str) -> x509.Name:
    """The department in the subject: CN is its Chinese name, OU its English one."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, department_en[:64]),
            x509.NameAttribute(NameOID.TITLE, purpose_zh[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, department_zh[:64]),
        ]
    )


def build_root_certificate(private_key, *, subject: x509.Name, at: datetime) -> x509.Certificate:
    public_key = private_key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(at - BACKDATE)
        .not_valid_after(at + ROOT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(**{**_KEY_USAGE_NONE, "key_cert_sign": True, "crl_sign": True}), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(private_key, hashes.SHA256())
    )


def build_seal_certificate(
    *,
    public_key,
    subject: x509.Name,
    root_certificate: x509.Certificate,
    root_key,
    crl_url: str,
    at: datetime,
) -> x509.Certificate:
    """A seal certificate: digitalSignature + nonRepudiation, issued by the root."""
    key_algorithm(public_key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root_certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(at - BACKDATE)
        .not_valid_after(min(at + SEAL_VALIDITY, root_certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(**{**_KEY_USAGE_NONE, "digital_signature": True, "content_commitment": True}),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_certificate.public_key()), critical=False
        )
    )
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)]
            ),
            critical=False,
        )
    return builder.sign(root_key, hashes.SHA256())


REASON_FLAGS = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key_compromise": x509.ReasonFlags.key_compromise,
    "affiliation_changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,
}


def build_crl(
    *,
    root_certificate: x509.Certificate,
    root_key,
    revoked: list[tuple[int, datetime, str]],
    at: datetime,
) -> x509.CertificateRevocationList:
    """The root's CRL. `revoked` holds (serial number, revocation time, reason code)."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root_certificate.subject)
        .last_update(at)
        .next_update(at + CRL_VALIDITY)
        # Increases with time, as RFC 5280 wants, without a counter to keep.
        .add_extension(x509.CRLNumber(int(at.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_certificate.public_key()), critical=False
        )
    )
    for serial, revoked_at, reason in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revoked_at)
        if reason != "unspecified":  # RFC 5280: omit the reason code rather than say "unspecified"
            entry = entry.add_extension(x509.CRLReason(REASON_FLAGS[reason]), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(root_key, hashes.SHA256())


def certificate_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def certificate_der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def load_certificate(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode("ascii"))


def fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 over the DER encoding, as lowercase hex."""
    return hashlib.sha256(certificate_der(certificate)).hexdigest()


def colon_hex(hex_digest: str) -> str:
    """AB:CD:… as PDF readers and browsers display fingerprints."""
    upper = hex_digest.upper()
    return ":".join(upper[i : i + 2] for i in range(0, len(upper), 2))


def issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether `issuer` signed `certificate` (our hierarchy has a single level)."""
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
