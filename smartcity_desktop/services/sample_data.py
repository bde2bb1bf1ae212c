"""Realistic training and demo records for this office, deterministic for a given seed.

Written with bulk inserts in one transaction: 50,000 records take a few seconds, and a failure
leaves nothing behind.
"""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from smartcity_desktop.domain.fields import FIELDS, FieldType, RecordKind
from smartcity_desktop.domain.records import content_hash
from smartcity_desktop.domain.reference import ref_list
from smartcity_desktop.domain.sample_text import (
    DUSUN,
    KAMPUNG,
    OPD,
    PLACES,
    POTENTIALS,
    PROBLEMS,
    PROPOSALS,
    Theme,
    sentence_start,
)
from smartcity_desktop.domain.validation import normalise, validate
from smartcity_desktop.errors import UserError
from smartcity_desktop.i18n import _
from smartcity_desktop.services.changes import Action, Change
from smartcity_desktop.services.context import AppContext
from smartcity_desktop.storage.media import prepare_bytes
from smartcity_desktop.storage.models import (
    RECORD_MODELS,
    Attachment,
    ProposalLink,
    table_of,
)
from smartcity_desktop.storage.search_index import insert_indexed

Progress = Callable[[int, int], None]

# Bekasi lies around 6.0-6.4 S, 106.9-107.3 E.
LAT = (-6.40, -5.95)
LON = (106.95, 107.30)


@dataclass(frozen=True)
class SampleRequest:
    problems: int = 20
    potentials: int = 10
    proposals: int = 20
    photos: int = 0
    seed: int = 1


class SampleGenerator:
    """The values of sample records, deterministic for a seed (no database needed)."""

    def __init__(self, seed: int, office_code: str) -> None:
        self.rng = random.Random(seed)
        # Ids come from their own stream, salted with the office: the same seed in two villages
        # gives the same texts but never the same record ids (they would clash at the kecamatan).
        self.ids = random.Random(f"{seed}:{office_code}")

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.ids.getrandbits(128), version=4))

    def place(self) -> str:
        r = self.rng
        return r.choice(PLACES).format(
            d=r.choice(DUSUN),
            rw=f"{r.randint(1, 12):02d}",
            rt=f"{r.randint(1, 9):02d}",
            k=r.choice(KAMPUNG),
        )

    def coords(self) -> tuple[float | None, float | None]:
        if self.rng.random() < 0.3:
            return None, None
        return (round(self.rng.uniform(*LAT), 6), round(self.rng.uniform(*LON), 6))

    def common(self, theme: Theme, n: int, v: int = 0) -> dict[str, Any]:
        """Fields every kind shares; ``n`` and ``v`` are the numbers the description mentions."""
        loc = self.place()
        lat, lon = self.coords()
        return {
            "title": theme.title.format(loc=loc)[:200],
            "description": sentence_start(theme.description.format(loc=loc, n=n, v=v)),
            "dimension": theme.dimension,
            "sub_element": theme.sub_element,
            "urusan": theme.urusan,
            "location_detail": sentence_start(loc.removeprefix("di ")),
            "latitude": lat,
            "longitude": lon,
        }

    def problem(self) -> dict[str, Any]:
        theme = self.rng.choice(PROBLEMS)
        n = self.rng.choice(theme.amounts)
        v = self.common(theme, n)
        v.update(
            causes=theme.extra,
            since_date=(date(2015, 1, 1) + timedelta(days=self.rng.randint(0, 3650))).isoformat(),
            affected_count=n,
            affected_unit=theme.unit,
            severity=self.rng.choice(ref_list("tingkat_keparahan").codes()),
            info_source=self.rng.choice(ref_list("sumber_informasi").codes()),
        )
        return v

    def potential(self) -> dict[str, Any]:
        theme = self.rng.choice(POTENTIALS)
        n = self.rng.choice(theme.amounts)
        v = self.common(theme, n)
        v.update(potential_type=theme.extra, magnitude=f"{n} {theme.unit}")
        return v

    def proposal(self, problems: list[str], potentials: list[str]) -> dict[str, Any]:
        theme = self.rng.choice(PROPOSALS)
        volume = self.rng.choice(theme.volumes)
        v = self.common(theme, self.rng.choice(theme.amounts), volume)
        start = date(2027, 1, 1) + timedelta(days=30 * self.rng.randint(0, 18))
        v.update(
            problem_ids=self.rng.sample(problems, min(len(problems), self.rng.randint(0, 2))),
            potential_ids=self.rng.sample(potentials, min(len(potentials), self.rng.randint(0, 1))),
            opd=self.rng.choice(OPD),
            beneficiaries=theme.extra,
            volume=float(volume),
            unit=theme.unit,
            estimated_cost=self.rng.choice((15, 25, 50, 75, 120, 250, 500, 1200)) * 1_000_000,
            funding_source=self.rng.choice(ref_list("sumber_dana").codes()),
            bidang_desa=self.rng.choice(ref_list("bidang_desa").codes()),
            start_date=start.isoformat(),
            end_date=(start + timedelta(days=30 * self.rng.randint(2, 12))).isoformat(),
            implementation=self.rng.choice(ref_list("pola_pelaksanaan").codes()),
            partners=sorted(self.rng.sample(ref_list("pentahelix").codes(), 2)),
            scale=self.rng.choice(ref_list("skala").codes()),
            quick_win=self.rng.choice(ref_list("quick_win").codes()),
        )
        return v


def _row(
    kind: RecordKind, gen: SampleGenerator, ctx: AppContext, values: dict[str, Any], now: Any
) -> dict[str, Any]:
    values = normalise(kind, values)
    problems = validate(kind, values, final=True)
    if problems:  # the generator's own bug; never write invalid samples
        raise AssertionError(f"sample {kind} invalid: {problems}")
    record_id = gen.uuid()
    office = ctx.office.code
    row: dict[str, Any] = {
        "id": record_id,
        "office_code": office,
        "revision": 1,
        "status": "final",
        "deleted": False,
        "created_at": now,
        "updated_at": now,
        "author": ctx.office.operator,
        "sent_revision": None,
        "content_hash": content_hash(kind.value, record_id, office, 1, "final", False, values),
    }
    for spec in FIELDS[kind]:
        if spec.type is FieldType.LINKS:
            continue
        value = values[spec.name]
        row[spec.name] = ",".join(value) if spec.type is FieldType.MULTICHOICE else value
    row["_values"] = values
    return row


def generate(ctx: AppContext, req: SampleRequest, progress: Progress | None = None) -> Change:
    gen = SampleGenerator(req.seed, ctx.office.code)
    _refuse_repeated_seed(ctx, req.seed)
    now = ctx.clock()
    total = req.problems + req.potentials + req.proposals + req.photos
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    problems = [
        _row(RecordKind.PROBLEM, gen, ctx, gen.problem(), now) for _i in range(req.problems)
    ]
    tick(req.problems)
    potentials = [
        _row(RecordKind.POTENTIAL, gen, ctx, gen.potential(), now) for _i in range(req.potentials)
    ]
    tick(req.potentials)
    problem_ids = [r["id"] for r in problems]
    potential_ids = [r["id"] for r in potentials]
    proposals = [
        _row(RecordKind.PROPOSAL, gen, ctx, gen.proposal(problem_ids, potential_ids), now)
        for _i in range(req.proposals)
    ]
    tick(req.proposals)
    links = [
        {"proposal_id": p["id"], "target_kind": kind, "target_id": target}
        for p in proposals
        for field, kind in (("problem_ids", "problem"), ("potential_ids", "potential"))
        for target in p["_values"][field]
    ]
    photos = _photos(ctx, gen, req.photos, problems + potentials + proposals, now, tick)
    with ctx.db.transaction() as session:
        connection = session.connection()
        for kind, rows in (
            ("problem", problems),
            ("potential", potentials),
            ("proposal", proposals),
        ):
            for r in rows:
                r.pop("_values")
            insert_indexed(connection, table_of(RECORD_MODELS[kind]), rows)
        insert_indexed(connection, table_of(ProposalLink), links)
        insert_indexed(connection, table_of(Attachment), photos)
    return Change(
        Action.CREATED,
        frozenset({"problem", "potential", "proposal", "attachment"}),
        details={
            "problem": len(problems),
            "potential": len(potentials),
            "proposal": len(proposals),
            "attachment": len(photos),
        },
    )


def _refuse_repeated_seed(ctx: AppContext, seed: int) -> None:
    first_id = SampleGenerator(seed, ctx.office.code).uuid()
    with ctx.db.session() as session:
        models: tuple[Any, ...] = (*RECORD_MODELS.values(), Attachment)
        taken = any(session.get(model, first_id) is not None for model in models)
    if taken:
        raise UserError(
            _(
                "Contoh data dengan seed {seed} sudah ada di kantor ini. Gunakan --seed lain untuk "
                "menambah contoh data."
            ).format(seed=seed),
            code="sample.seed_used",
        )


def _photos(
    ctx: AppContext,
    gen: SampleGenerator,
    count: int,
    records: list[dict[str, Any]],
    now: Any,
    tick: Callable[[int], None],
) -> list[dict[str, Any]]:
    if count <= 0 or not records:
        return []
    rows = []
    for i in range(count):
        target = records[i * len(records) // count]
        kind = (
            "problem"
            if "severity" in target
            else ("potential" if "potential_type" in target else "proposal")
        )
        prepared = prepare_bytes(make_photo(gen.rng.randint(0, 2**31), i), f"foto-{i + 1:03d}.jpg")
        sha, _new = ctx.blobs.put_bytes(prepared.data)
        att_id = gen.uuid()
        values = {
            "record_kind": kind,
            "record_id": target["id"],
            "sha256": sha,
            "filename": prepared.filename,
            "media_type": prepared.media_type,
            "size": len(prepared.data),
            "width": prepared.width,
            "height": prepared.height,
            "caption": None,
        }
        rows.append(
            {
                "id": att_id,
                "office_code": ctx.office.code,
                "revision": 1,
                "status": "final",
                "deleted": False,
                "created_at": now,
                "updated_at": now,
                "author": ctx.office.operator,
                "sent_revision": None,
                "content_hash": content_hash(
                    "attachment", att_id, ctx.office.code, 1, "final", False, values
                ),
                **values,
            }
        )
        tick(1)
    return rows


def make_photo(seed: int, index: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A 1600x1200 JPEG with photo-like detail (a few hundred KB), made locally."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    w, h = size
    noise = Image.effect_noise((w // 4, h // 4), 60).resize((w, h), Image.Resampling.BICUBIC)
    sky = (rng.randint(90, 160), rng.randint(140, 200), rng.randint(190, 240))
    ground = (rng.randint(60, 120), rng.randint(90, 150), rng.randint(40, 90))
    base = Image.new("RGB", (w, h), sky)
    draw = ImageDraw.Draw(base)
    horizon = rng.randint(h // 3, 2 * h // 3)
    draw.rectangle((0, horizon, w, h), fill=ground)
    for _shape in range(40):
        x, y = rng.randint(0, w), rng.randint(horizon - 200, h)
        r = rng.randint(20, 160)
        colour = tuple(rng.randint(30, 220) for _channel in range(3))
        draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=colour)
    speckle = Image.effect_noise((w, h), 40).convert("RGB")
    photo = Image.blend(base, Image.merge("RGB", (noise, noise, noise)), 0.25)
    photo = Image.blend(photo, speckle, 0.12).filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=90)
    return out.getvalue()
