"""The offline verifier's own RSASSA-PSS check (plain Python, RFC 8017) agrees with a cryptography library."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from govhub.audit.digest import merkle_root as layer_merkle_root
from govhub_cli.bundle import merkle_root, rsa_pss_sha256_verify

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC = KEY.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _sign(message: bytes, salt: int) -> bytes:
    return KEY.sign(message, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt), hashes.SHA256())


@pytest.mark.parametrize("salt", [32, 0, padding.PSS.MAX_LENGTH])  # KMS signs with 32; moto with the maximum
def test_a_pss_signature_verifies_whatever_its_salt_length(salt: int) -> None:
    assert rsa_pss_sha256_verify(PUBLIC, b'{"schema":"govhub.audit-digest/1"}', _sign(b'{"schema":"govhub.audit-digest/1"}', salt))


def test_another_message_another_key_or_a_flipped_bit_do_not_verify() -> None:
    signature = _sign(b"digest", 32)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    other_der = other.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    assert not rsa_pss_sha256_verify(PUBLIC, b"digesT", signature)
    assert not rsa_pss_sha256_verify(other_der, b"digest", signature)
    assert not rsa_pss_sha256_verify(PUBLIC, b"digest", flipped)
    assert not rsa_pss_sha256_verify(PUBLIC, b"digest", signature[:-1])
    assert not rsa_pss_sha256_verify(b"not a key", b"digest", signature)


@pytest.mark.parametrize("count", [1, 2, 3, 5, 8, 1000])
def test_the_verifier_and_the_layer_compute_the_same_merkle_root(count: int) -> None:
    hashes_ = [f"{i:064x}" for i in range(count)]
    assert merkle_root(hashes_) == layer_merkle_root(hashes_)
