"""The portal's own RFC 3161 timestamp authority, and the choice between it and an external one.

With SEAL_TSA_URL empty the portal stamps in-process with its TSA key (a
certificate under our root with the critical timeStamping EKU). The tokens are
ordinary RFC 3161 tokens that any validator checks against our root. pyHanko's
in-process TSA builds the token; this class signs it with ECDSA or RSA and
names our TSA policy.
"""

from datetime import datetime

from asn1crypto import algos, keys as asn1_keys, tsp
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from seals import pki
from seals.signing import asn1_certificate


class PortalTimeStamper(DummyTimeStamper):
    """Answers timestamp requests in-process, signed by the portal TSA's key."""

    def __init__(self, *, private_key, certificate, chain=(), clock=None):
        der = private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self._private_key = private_key
        self._clock = clock
        super().__init__(
            tsa_cert=asn1_certificate(certificate),
            tsa_key=asn1_keys.PrivateKeyInfo.load(der),
            certs_to_embed=[asn1_certificate(c) for c in chain],
        )

    def token_size_bound(self) -> int:
        """At most how many bytes one of its tokens takes: the certificates it embeds, and 2 KiB
        for the TSTInfo, the signed attributes and a signature of up to 4096 bits."""
        return len(self.tsa_cert.dump()) + sum(len(c.dump()) for c in self.certs_to_embed) + 2048

    def _build_tst_info(self, message_imprint, dt: datetime, req) -> tsp.TSTInfo:
        tst_info = super()._build_tst_info(message_imprint, dt, req)
        tst_info["policy"] = tsp.ObjectIdentifier(pki.TSA_POLICY_OID)
        return tst_info

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, dt: datetime):
        if isinstance(self._private_key, rsa.RSAPrivateKey):
            return super()._sign_tst_info(tst_info_data, md_algorithm, dt)
        # The same signed attributes as pyHanko's RSA path; only the signature differs.
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        signed_attrs = self._signed_attributes(digest.finalize(), dt)
        signature = self._private_key.sign(
            signed_attrs.dump(), ec.ECDSA(get_pyca_cryptography_hash(md_algorithm.upper()))
        )
        return signature, signed_attrs

    def _signed_attributes(self, message_digest: bytes, dt: datetime):
        from asn1crypto import cms, core
        from pyhanko.sign import general

        return cms.CMSAttributes(
            [
                general.simple_cms_attribute("content_type", "tst_info"),
                general.simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                general.simple_cms_attribute("signing_certificate", general.as_signing_certificate(self.tsa_cert)),
                general.simple_cms_attribute("message_digest", message_digest),
            ]
        )

    def _build_signed_data(self, tst_info_data, md_algorithm, signature, signed_attrs) -> dict:
        signed_data = super()._build_signed_data(tst_info_data, md_algorithm, signature, signed_attrs)
        if isinstance(self._private_key, ec.EllipticCurvePrivateKey):
            signed_data["signer_infos"][0]["signature_algorithm"] = algos.SignedDigestAlgorithm(
                {"algorithm": f"{md_algorithm}_ecdsa"}
            )
        return signed_data

    def request_tsa_response(self, req):
        # The signing time is read per request, so a test that moves the clock moves it too.
        self.fixed_dt = self._clock() if self._clock else None
        return super().request_tsa_response(req)


def http_timestamper(url: str) -> TimeStamper:
    return HTTPTimeStamper(url)
