"""X.509 building blocks: keys, the root certificate, seal certificates and the CRL.

Pure functions over `cryptography` objects; every time is a parameter.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Our private OID arc: a UUID-derived OID (ITU-T X.667, arc 2.25), which needs no
# registration and collides with nobody's. Under it:
#   .1    certificate policies   .1.1  department electronic seals (电子印章证书策略), version 1
#   .2    timestamp policies     .2.1  the portal TSA's timestamps, version 1
ONEGATE_OID_ARC = "2.25.330687084392429103926811976260101266754"
SEAL_POLICY_OID = ONEGATE_OID_ARC + ".1.1"
TSA_POLICY_OID = ONEGATE_OID_ARC + ".2.1"

LOCALITY = "葫芦岛市"
PROVINCE = "辽宁省"

EC_P256 = "ec-p256"
RSA_3072 = "rsa-3072"
ALGORITHMS = (EC_P256, RSA_3072)

ROOT_VALIDITY = timedelta(days=20 * 365)
ISSUING_VALIDITY = ROOT_VALIDITY  # capped at the root's end
# The TSA works the way public timestamp units do: a TSA key signs timestamps for
# TSA_KEY_USAGE only and is then replaced (services.tsa_ensure) and destroyed, while its
# certificate stays valid for years after, so that the timestamps it made can still be checked
# at the current time (the CA/Browser Forum's code-signing requirements: a new TSA key every
# 15 months at most, certificates of up to 135 months). Ours last until the root ends, longer
# than that, because pyHanko's AdES validator needs the certificate of a seal's signature
# timestamp to be valid on the day it validates (docs/seals.md, "Long-term validation").
# The certificate states the key usage period (the privateKeyUsagePeriod extension).
TSA_KEY_USAGE = timedelta(days=365)
TSA_VALIDITY = ROOT_VALIDITY  # capped at the root's end
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


def seal_name(
    *, department_zh: str, department_en: str, purpose_zh: str, organisation: str, credit_code: str = ""
) -> x509.Name:
    """The department in the subject: CN is its Chinese name, OU its English one, and its
    unified social credit code as organizationIdentifier `NTRCN-<code>` (ETSI EN 319 412-1), and the
    purpose printed under the star as its title (none for an official seal)."""
    identifier = [x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, f"NTRCN-{credit_code}")] if credit_code else []
    # An official seal has no purpose text, and an X.520 title cannot be empty.
    title = [x509.NameAttribute(NameOID.TITLE, purpose_zh[:64])] if purpose_zh else []
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, PROVINCE),
            x509.NameAttribute(NameOID.LOCALITY_NAME, LOCALITY),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            *identifier,
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, department_en[:64]),
            *title,
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
        # The root certifies the issuing CA and the TSA only; the issuing CA certifies seals.
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(
            x509.KeyUsage(**{**_KEY_USAGE_NONE, "key_cert_sign": True, "crl_sign": True}), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(private_key, hashes.SHA256())
    )


def _crl_distribution_point(crl_url: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints(
        [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)]
    )


def _under(builder: x509.CertificateBuilder, *, public_key, issuer_certificate, crl_url: str):
    builder = builder.add_extension(
        x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
    ).add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_certificate.public_key()), critical=False
    )
    if crl_url:
        builder = builder.add_extension(_crl_distribution_point(crl_url), critical=False)
    return builder


def build_issuing_certificate(
    *, public_key, subject: x509.Name, root_certificate: x509.Certificate, root_key, crl_url: str, at: datetime
) -> x509.Certificate:
    """The issuing CA: certifies seal certificates only (path length 0); its status is on the root's CRL."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root_certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(at - BACKDATE)
        .not_valid_after(min(at + ISSUING_VALIDITY, root_certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(**{**_KEY_USAGE_NONE, "key_cert_sign": True, "crl_sign": True}), critical=True
        )
    )
    builder = _under(builder, public_key=public_key, issuer_certificate=root_certificate, crl_url=crl_url)
    return builder.sign(root_key, hashes.SHA256())


def build_tsa_certificate(
    *, public_key, subject: x509.Name, root_certificate: x509.Certificate, root_key, crl_url: str, at: datetime
) -> x509.Certificate:
    """The timestamp authority: the critical timeStamping EKU (RFC 3161 §2.3), issued by the root.

    Valid until the root ends; its key is used for TSA_KEY_USAGE from `at` (the
    privateKeyUsagePeriod extension says so), then replaced.
    """
    not_after = min(at + TSA_VALIDITY, root_certificate.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root_certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(at - BACKDATE)
        .not_valid_after(not_after)
        .add_extension(
            x509.PrivateKeyUsagePeriod(
                not_before=(at - BACKDATE).replace(microsecond=0),
                not_after=min(at + TSA_KEY_USAGE, not_after).replace(microsecond=0),
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(**{**_KEY_USAGE_NONE, "digital_signature": True, "content_commitment": True}),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(TSA_POLICY_OID), None)]),
            critical=False,
        )
    )
    builder = _under(builder, public_key=public_key, issuer_certificate=root_certificate, crl_url=crl_url)
    return builder.sign(root_key, hashes.SHA256())


def key_usage_ends(certificate: x509.Certificate) -> datetime | None:
    """The end of the key's usage period that the certificate states (privateKeyUsagePeriod),
    or None if it states none."""
    try:
        period = certificate.extensions.get_extension_for_class(x509.PrivateKeyUsagePeriod).value
    except x509.ExtensionNotFound:
        return None
    if period.not_after is None:
        return None
    return period.not_after.replace(tzinfo=UTC)


def build_seal_certificate(
    *,
    public_key,
    subject: x509.Name,
    issuer_certificate: x509.Certificate,
    issuer_key,
    crl_url: str,
    at: datetime,
) -> x509.Certificate:
    """A seal certificate: digitalSignature + nonRepudiation, under our seal policy, issued by
    the issuing CA (or, for a look-alike in the tests, by any CA)."""
    key_algorithm(public_key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(at - BACKDATE)
        .not_valid_after(min(at + SEAL_VALIDITY, issuer_certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(**{**_KEY_USAGE_NONE, "digital_signature": True, "content_commitment": True}),
            critical=True,
        )
        .add_extension(
            x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(SEAL_POLICY_OID), None)]),
            critical=False,
        )
    )
    builder = _under(builder, public_key=public_key, issuer_certificate=issuer_certificate, crl_url=crl_url)
    return builder.sign(issuer_key, hashes.SHA256())


REASON_FLAGS = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key_compromise": x509.ReasonFlags.key_compromise,
    "affiliation_changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,
}


def build_crl(
    *,
    issuer_certificate: x509.Certificate,
    issuer_key,
    revoked: list[tuple[int, datetime, str]],
    at: datetime,
    number: int | None = None,
) -> x509.CertificateRevocationList:
    """A CA's CRL (the root's or the issuing CA's). `revoked` holds (serial number, revocation
    time, reason code)."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_certificate.subject)
        .last_update(at)
        .next_update(at + CRL_VALIDITY)
        # Increases with time, as RFC 5280 wants, without a counter to keep.
        .add_extension(x509.CRLNumber(number if number is not None else int(at.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_certificate.public_key()), critical=False
        )
    )
    for serial, revoked_at, reason in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revoked_at)
        if reason != "unspecified":  # RFC 5280: omit the reason code rather than say "unspecified"
            entry = entry.add_extension(x509.CRLReason(REASON_FLAGS[reason]), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(issuer_key, hashes.SHA256())


def certificate_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def certificate_der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def load_certificate(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode("ascii"))


def load_certificates_file(path) -> list[x509.Certificate]:
    """Every certificate in a PEM file (or the one in a DER file)."""
    with open(path, "rb") as fh:
        data = fh.read()
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 over the DER encoding, as lowercase hex."""
    return hashlib.sha256(certificate_der(certificate)).hexdigest()


def colon_hex(hex_digest: str) -> str:
    """AB:CD:… as PDF readers and browsers display fingerprints."""
    upper = hex_digest.upper()
    return ":".join(upper[i : i + 2] for i in range(0, len(upper), 2))


def _directly_issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def issued_by(certificate: x509.Certificate, issuer: x509.Certificate, *, via=()) -> bool:
    """Whether `issuer` signed `certificate`, directly or through one of the CA certificates
    in `via` that it signed itself (root → issuing CA → seal)."""
    if _directly_issued_by(certificate, issuer):
        return True
    return any(
        _directly_issued_by(certificate, middle) and _directly_issued_by(middle, issuer)
        for middle in via
        if middle != certificate
    )
