"""A local RFC 3161 timestamp authority over HTTP, for the B-T tests.

pyHanko's DummyTimeStamper answers the requests; its certificate comes from a
TSA root of its own, which is not our root CA.
"""

import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper

from seals import pki
from seals.signing import asn1_certificate


def _tsa_certificates():
    at = datetime(2020, 1, 1, tzinfo=UTC)  # valid whatever time a test travels to
    root_key = pki.generate_key()
    root = pki.build_root_certificate(
        root_key, subject=pki.root_name(common_name="Test TSA Root", organisation="Test TSA"), at=at
    )
    key = pki.generate_key(pki.RSA_3072)  # pyHanko's dummy TSA signs with RSA only
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(at - pki.BACKDATE)
        .not_valid_after(at + pki.ROOT_VALIDITY)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    return root, certificate, key


class LocalTSA:
    def __init__(self):
        self.root, certificate, key = _tsa_certificates()
        der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self.stamper = DummyTimeStamper(
            tsa_cert=asn1_certificate(certificate),
            tsa_key=asn1_keys.PrivateKeyInfo.load(der),
            certs_to_embed=[asn1_certificate(certificate)],
        )
        self.requests = 0
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                tsa.requests += 1
                reply = tsa.stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def root_pem(self) -> str:
        return pki.certificate_pem(self.root)
