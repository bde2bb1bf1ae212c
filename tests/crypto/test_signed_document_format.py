"""A signed document without its ``format`` field is reported as exactly that, naming the field
and the expected value, not as a damaged signature."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from smartcity_desktop.crypto.canonical_json import canonical_bytes
from smartcity_desktop.crypto.certificates import (
    REQUEST_CONTEXT,
    Certificate,
    CertificationRequest,
    RevocationList,
    RootKey,
    certify,
    issue_revocation_list,
)
from smartcity_desktop.crypto.keys import SigningKey
from smartcity_desktop.crypto.problems import ProblemError
from smartcity_desktop.crypto.signed_documents import envelope
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import set_language
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.services.trust import certify_request
from tests.conftest import PASSPHRASE

NOW = datetime(2026, 3, 1, tzinfo=UTC)
ROOT = SigningKey.generate()
OFFICE = SigningKey.generate()


def _resigned_without_format(document: Any, context: bytes, signer: SigningKey) -> bytes:
    body = dict(document.to_dict()["body"])
    del body["format"]
    return canonical_bytes(envelope(context, body, signer))


def _documents() -> list[tuple[type[Any], bytes, str]]:
    from smartcity_desktop.crypto.certificates import (
        CERTIFICATE_CONTEXT,
        REVOCATION_CONTEXT,
        ROOT_CONTEXT,
    )

    root = RootKey.create(ROOT, "32.16", NOW)
    request = CertificationRequest.create(OFFICE, "32.16.01.2001", "desa", "Siti", NOW)
    certificate = certify(request, ROOT, 365, regency_code="32.16", now=NOW)
    revocations = issue_revocation_list(ROOT, "32.16", 1, [], NOW)
    return [
        (RootKey, _resigned_without_format(root, ROOT_CONTEXT, ROOT), "root.format_missing"),
        (
            CertificationRequest,
            _resigned_without_format(request, REQUEST_CONTEXT, OFFICE),
            "request.format_missing",
        ),
        (
            Certificate,
            _resigned_without_format(certificate, CERTIFICATE_CONTEXT, ROOT),
            "certificate.format_missing",
        ),
        (
            RevocationList,
            _resigned_without_format(revocations, REVOCATION_CONTEXT, ROOT),
            "revocation.format_missing",
        ),
    ]


@pytest.mark.parametrize("index", range(4))
def test_missing_format_is_named(index: int) -> None:
    cls, data, code = _documents()[index]
    with pytest.raises(ProblemError) as caught:
        cls.from_bytes(data)
    assert caught.value.code == code
    message = caught.value.problem.message
    assert 'kolom "format"' in message and "smartcity-" in message
    assert "tanda tangan" not in message and "ditandatangani" not in message


def test_wrong_format_value_is_still_malformed() -> None:
    request = CertificationRequest.create(OFFICE, "32.16.01.2001", "desa", "Siti", NOW)
    body = {**request.to_dict()["body"], "format": "smartcity-certificate-v1"}
    with pytest.raises(ProblemError) as caught:
        CertificationRequest.from_bytes(canonical_bytes(envelope(REQUEST_CONTEXT, body, OFFICE)))
    assert caught.value.code == "request.malformed"


def test_keys_certify_names_the_missing_format_field(
    kabupaten_ctx: AppContext, tmp_path: Path
) -> None:
    """The issue's case: a request written by another program, refused by ``keys certify``."""
    request = CertificationRequest.create(OFFICE, "32.16.01.2001", "desa", "Siti", NOW)
    path = tmp_path / "request.json"
    path.write_bytes(_resigned_without_format(request, REQUEST_CONTEXT, OFFICE))
    with pytest.raises(UserError) as caught:
        certify_request(kabupaten_ctx, PASSPHRASE, path, tmp_path / "cert.json")
    assert caught.value.code == "request.format_missing"
    assert "smartcity-certification-request-v1" in str(caught.value)
    set_language("en")
    try:
        with pytest.raises(UserError) as english:
            certify_request(kabupaten_ctx, PASSPHRASE, path, tmp_path / "cert.json")
        assert 'no "format" field' in str(english.value)
    finally:
        set_language("id")
    assert json.loads(path.read_bytes())["body"].get("format") is None
