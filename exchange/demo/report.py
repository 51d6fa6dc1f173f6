"""What a demo load created, counted by kind, for the command's one-line summary."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + count

    def summary(self) -> str:
        if not any(self.created.values()):
            return "Demo data already present; nothing to add."
        return "Created " + ", ".join(f"{n} {kind}" for kind, n in self.created.items() if n) + "."
