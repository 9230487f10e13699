"""Mutants, their statuses and a module's score."""

from dataclasses import dataclass, field

KILLED = {"killed", "timeout", "caught by type check", "segfault"}


@dataclass
class Mutant:
    module: str
    name: str
    status: str
    line: int | None = None
    change: str = ""
    equivalent: str | None = None


@dataclass
class ModuleScore:
    module: str
    mutants: list[Mutant] = field(default_factory=list)

    def counted(self) -> list[Mutant]:
        return [m for m in self.mutants if m.equivalent is None and m.status != "not checked"]

    @property
    def killed(self) -> int:
        return sum(m.status in KILLED for m in self.counted())

    @property
    def survived(self) -> list[Mutant]:
        return [m for m in self.counted() if m.status not in KILLED]

    @property
    def score(self) -> float | None:
        counted = self.counted()
        return round(100 * self.killed / len(counted), 1) if counted else None

    @property
    def best_possible(self) -> float | None:
        """The score if every mutant the time budget left unchecked were killed: below the record, it surely is."""
        considered = [m for m in self.mutants if m.equivalent is None]
        unchecked = sum(m.status == "not checked" for m in considered)
        return round(100 * (self.killed + unchecked) / len(considered), 1) if considered else None


def combine(survivors: list[Mutant], on_postgres: dict[str, str]) -> None:
    """Give the mutants that survived SQLite their PostgreSQL pass's status: killed by either engine's tests is
    killed; one no PostgreSQL test runs keeps SQLite's status; one the pass did not reach is not checked."""
    for mutant in survivors:
        status = on_postgres.get(mutant.name, "not checked")
        if status != "no tests":
            mutant.status = status
