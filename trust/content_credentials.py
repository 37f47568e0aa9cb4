"""C2PA Content Credentials: a signed manifest saying a file was made by a trained model.

C2PA (the Coalition for Content Provenance and Authenticity's standard, read by Adobe,
LinkedIn, Google and camera makers) embeds a manifest, signed with an X.509 certificate, that
binds a hash of the file to assertions about it. Ours says ``c2pa.created`` with the IPTC
``digitalSourceType`` trainedAlgorithmicMedia, the software that made it, and the asset id.

Signing uses the PyPI package ``c2pa-python`` (the C2PA reference implementation in Rust)
and works offline: no timestamp authority is asked. The certificate comes from a CA this
deployment makes for itself on first use (``local_credentials``), so other readers report
the manifest as well-formed ("Valid") but not "Trusted"; our own verifier passes that CA as
its trust anchor. Putting a certificate from a CA on the C2PA trust list in the same file
makes other readers trust it too.

Plain Python: the caller says where the credentials live.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from trust.labels import IPTC_TRAINED_ALGORITHMIC_MEDIA

ASSET_ASSERTION = "com.shop-ai.asset"
SIGNING_ALGORITHM = "es256"
CREDENTIALS_FILE = "c2pa-signing.json"
SUPPORTED_TYPES = ("image/png", "image/jpeg", "audio/wav", "video/mp4")
CERTIFICATE_DAYS = 3650


class ContentCredentialsError(Exception):
    """Signing failed, or the c2pa-python package is missing."""


@dataclass(frozen=True)
class SigningCredentials:
    """A signing key, its certificate chain (leaf first) and the CA to trust it by."""

    private_key_pem: bytes
    cert_chain_pem: bytes
    trust_anchor_pem: bytes


def _c2pa() -> Any:
    try:
        import c2pa
    except ImportError as exc:  # an architecture without a wheel, or a trimmed install
        raise ContentCredentialsError(
            "Content Credentials need the PyPI package c2pa-python."
        ) from exc
    return c2pa


def generate_credentials(*, organisation: str = "Shop AI") -> SigningCredentials:
    """A new CA and a P-256 signing certificate issued by it.

    C2PA refuses self-signed signing certificates and wants the leaf marked for digital
    signatures with an end-entity extended key usage (email protection is one it accepts).
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    start, end = now - datetime.timedelta(days=1), now + datetime.timedelta(days=CERTIFICATE_DAYS)

    def name(common_name: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            ]
        )

    def usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
        return x509.KeyUsage(
            digital_signature=sign, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
            encipher_only=False, decipher_only=False,
        )  # fmt: skip

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name(f"{organisation} Content Credentials CA")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage(sign=False, ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name(f"{organisation} content signer"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(sign=True, ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    ca_pem = ca.public_bytes(pem)
    return SigningCredentials(
        private_key_pem=key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        cert_chain_pem=leaf.public_bytes(pem) + ca_pem,
        trust_anchor_pem=ca_pem,
    )


@lru_cache(maxsize=4)
def local_credentials(directory: Path) -> SigningCredentials:
    """This deployment's credentials from ``directory``, made there on first use.

    Several workers may start at once: each writes a complete file under a temporary name
    and links it into place, which fails for all but the first; the rest read the winner's.
    """
    path = directory / CREDENTIALS_FILE
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        made = generate_credentials()
        body = json.dumps({k: v.decode() for k, v in asdict(made).items()})
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".c2pa-")
        try:
            os.fchmod(handle, 0o600)  # it holds a private key
            os.write(handle, body.encode())
            os.close(handle)
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    stored = json.loads(path.read_text())
    return SigningCredentials(**{k: str(v).encode() for k, v in stored.items()})


def local_trust_anchor(directory: Path) -> bytes | None:
    """The CA of ``local_credentials(directory)`` when they exist; reading makes none."""
    if not (directory / CREDENTIALS_FILE).exists():
        return None
    return local_credentials(directory).trust_anchor_pem


def sign_file(
    data: bytes,
    *,
    mime_type: str,
    credentials: SigningCredentials,
    title: str,
    software: str,
    asset_id: int | None = None,
) -> bytes:
    """``data`` with a signed manifest: created by a trained model, by ``software``.

    Raises ``ContentCredentialsError`` when the package is missing or signing fails.
    """
    c2pa = _c2pa()
    assertions: list[dict[str, Any]] = [
        {
            "label": "c2pa.actions.v2",
            "data": {
                "actions": [
                    {
                        "action": "c2pa.created",
                        "digitalSourceType": IPTC_TRAINED_ALGORITHMIC_MEDIA,
                        "softwareAgent": {"name": software},
                    }
                ]
            },
        }
    ]
    if asset_id is not None:
        assertions.append({"label": ASSET_ASSERTION, "data": {"asset_id": asset_id}})
    manifest = {
        "claim_generator_info": [{"name": "Shop AI"}],
        "title": title,
        "assertions": assertions,
    }
    # No thumbnail: it would add ~30 kB to each image to show a preview we do not need.
    settings = c2pa.Settings.from_json(json.dumps({"builder": {"thumbnail": {"enabled": False}}}))
    signed = io.BytesIO()
    try:
        signer = c2pa.Signer.from_info(
            c2pa.C2paSignerInfo(
                SIGNING_ALGORITHM.encode(),
                credentials.cert_chain_pem,
                credentials.private_key_pem,
                None,  # no timestamp authority: signing stays offline
            )
        )
        with c2pa.Builder(manifest, c2pa.Context(settings=settings)) as builder:
            builder.sign(signer, mime_type, io.BytesIO(data), signed)
    except c2pa.C2paError as exc:
        raise ContentCredentialsError(f"C2PA signing failed: {exc}") from exc
    return signed.getvalue()


def read_credentials(
    data: bytes, *, mime_type: str, trust_anchor_pem: bytes | None = None
) -> dict[str, Any] | None:
    """The file's C2PA manifest, summarised; None when it has none.

    ``validation_state`` is the reader's verdict: "Trusted" (signed by a trusted CA, here
    ``trust_anchor_pem``), "Valid" (well-formed and intact, signer not trusted) or
    "Invalid" (the file changed after signing, or the signature is broken); ``failures``
    says why. Raises ``ContentCredentialsError`` when the package is missing and
    ``ValueError`` when the file cannot be parsed.
    """
    c2pa = _c2pa()
    options: dict[str, Any] = {}
    if trust_anchor_pem:
        options = {"trust": {"trust_anchors": trust_anchor_pem.decode()}}
        options["verify"] = {"verify_trust": True}
    context = c2pa.Context(settings=c2pa.Settings.from_json(json.dumps(options)))
    try:
        with c2pa.Reader(mime_type, io.BytesIO(data), context=context) as reader:
            store = json.loads(reader.json())
            state = reader.get_validation_state()
            results = reader.get_validation_results() or {}
    except c2pa.C2paError.ManifestNotFound:
        return None
    except c2pa.C2paError as exc:
        raise ValueError(f"C2PA data could not be read: {exc}") from exc
    active = store.get("manifests", {}).get(store.get("active_manifest"), {})
    source_type = asset_id = None
    for assertion in active.get("assertions", []):
        if assertion.get("label", "").startswith("c2pa.actions"):
            for action in assertion.get("data", {}).get("actions", []):
                source_type = source_type or action.get("digitalSourceType")
        if assertion.get("label") == ASSET_ASSERTION:
            asset_id = assertion.get("data", {}).get("asset_id")
    signature = active.get("signature_info", {})
    failures = results.get("activeManifest", {}).get("failure", [])
    return {
        "validation_state": state,
        "failures": [str(f.get("code", "")) for f in failures],
        "digital_source_type": source_type,
        "signer": signature.get("common_name") or signature.get("issuer"),
        "asset_id": asset_id if isinstance(asset_id, int) else None,
    }
