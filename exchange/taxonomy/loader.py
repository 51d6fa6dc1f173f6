"""`flask taxonomy load FILE`: a taxonomy from YAML or JSON, validated whole, applied idempotently.

The file is checked completely before anything is written, and every problem is
reported with where it is; a valid file is applied in one transaction, matching
programs, groups, tags and aliases by slug, so loading it twice changes nothing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select

from ..database import transaction
from ..extensions import db
from ..forms import ServiceError
from ..models import Program, Tag, TagAlias, TagGroup
from .services import refile_branches, tag_key

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "taxonomy.yaml"


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: dict, kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1

    def summary(self) -> str:
        parts = [f"{n} {k} created" for k, n in self.created.items()]
        parts += [f"{n} {k} updated" for k, n in self.updated.items()]
        return ("Taxonomy loaded: " + ", ".join(parts) + ".") if parts else "Taxonomy already up to date."


def read_file(path: str | Path) -> dict:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ServiceError(f"Cannot read {path}: {error}") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise ServiceError(f"{path} is not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        raise ServiceError(f"{path} needs a top-level 'groups' list.")
    return data


def validate(data: dict) -> list[str]:
    """Every problem in the file, each naming where it is."""
    problems: list[str] = []
    programs = {p.get("slug") for p in data.get("programs", []) if isinstance(p, dict)}
    programs |= set(db.session.scalars(select(Program.slug)))
    words: dict[str, str] = {}  # normalised word -> where it was first used
    alias_keys: set[str] = set()

    def claim(word: str, where: str) -> None:
        key = tag_key(word or "")
        if not key:
            problems.append(f"{where}: '{word}' has no letters or digits.")
        elif key in words and words[key] != where:
            problems.append(f"{where}: '{word}' collides with {words[key]}.")
        else:
            words[key] = where

    for g, group in enumerate(data["groups"], 1):
        if not isinstance(group, dict) or not group.get("slug") or not group.get("name"):
            problems.append(f"group #{g}: needs a slug and a name.")
            continue
        seen_here: set[str] = set()
        for t, tag in enumerate(group.get("tags") or [], 1):
            where = f"group {group['slug']}, tag #{t}"
            if not isinstance(tag, dict) or not tag.get("slug") or not tag.get("name"):
                problems.append(f"{where}: needs a slug and a name.")
                continue
            where = f"tag {tag['slug']}"
            if tag_key(tag["slug"]) != tag["slug"]:
                problems.append(f"{where}: the slug should be '{tag_key(tag['slug'])}'.")
            claim(tag["slug"], where)
            if tag_key(tag["name"]) != tag_key(tag["slug"]):
                claim(tag["name"], where)
            parent = tag.get("parent")
            if parent and parent not in seen_here:
                problems.append(f"{where}: parent '{parent}' must be a tag defined earlier in group {group['slug']}.")
            seen_here.add(tag["slug"])
            for alias in tag.get("aliases") or []:
                if not isinstance(alias, dict) or not alias.get("name"):
                    problems.append(f"{where}: every alias needs a name.")
                    continue
                program = alias.get("program", "common")
                if program != "common" and program not in programs:
                    problems.append(f"{where}: alias '{alias['name']}' names unknown program '{program}'.")
                claim(alias["name"], f"alias '{alias['name']}' of {tag['slug']}")
                alias_keys.add(tag_key(alias["name"]))
    # An alias may not take the word of a tag that exists already but is not in this file.
    for key in alias_keys & set(db.session.scalars(select(Tag.slug))):
        if not words[key].startswith("tag "):
            problems.append(f"{words[key]}: '{key}' is already a tag in the database.")
    return problems


def load(data: dict) -> LoadResult:
    problems = validate(data)
    if problems:
        raise ServiceError("The taxonomy file has problems; nothing was loaded:\n  " + "\n  ".join(problems))
    result = LoadResult()
    with transaction():
        programs = _programs(data, result)
        moved: list[Tag] = []
        for position, spec in enumerate(data["groups"]):
            group = _upsert(TagGroup, spec["slug"], result, "groups", name=spec["name"],
                            description=spec.get("description", ""), position=position,
                            single_choice=bool(spec.get("single", False)))
            db.session.flush()
            for tag_spec in spec.get("tags") or []:
                parent = db.session.scalar(select(Tag).where(Tag.slug == tag_spec["parent"])) \
                    if tag_spec.get("parent") else None
                tag = db.session.scalar(select(Tag).where(Tag.slug == tag_spec["slug"]))
                before = tag.parent_id if tag else None
                tag = _upsert(Tag, tag_spec["slug"], result, "tags", name=tag_spec["name"],
                              guidance=tag_spec.get("guidance", ""), group_id=group.id,
                              parent_id=parent.id if parent else None)
                db.session.flush()
                if before != tag.parent_id:
                    moved.append(tag)
                for alias_spec in tag_spec.get("aliases") or []:
                    program = programs.get(alias_spec.get("program", "common"))
                    _upsert(TagAlias, tag_key(alias_spec["name"]), result, "aliases", name=alias_spec["name"],
                            tag_id=tag.id, program_id=program.id if program else None)
        db.session.flush()
        refile_branches(moved)
    return result


def _programs(data: dict, result: LoadResult) -> dict[str, Program]:
    for spec in data.get("programs", []):
        _upsert(Program, spec["slug"], result, "programs", name=spec["name"],
                short_name=spec.get("short_name", spec["name"][:32]))
    db.session.flush()
    return {p.slug: p for p in db.session.scalars(select(Program))}


def _upsert(model, slug: str, result: LoadResult, kind: str, **values):
    row = db.session.scalar(select(model).where(model.slug == slug))
    if row is None:
        row = model(slug=slug, **values)
        db.session.add(row)
        result.count(result.created, kind)
    elif any(getattr(row, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(row, k, v)
        result.count(result.updated, kind)
    return row

