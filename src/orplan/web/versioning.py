"""Saving a draft as a version, with optimistic locking, and publishing."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlalchemy.orm import Session

from orplan.check import check
from orplan.plan.io import plan_digest
from orplan.scenario.io import scenario_digest
from orplan.web.common import ConflictError
from orplan.web.store import Draft, Store, Version, Workspace
from orplan.web.workbench import aligned, plan_from_json, plan_text, scenario_from_json

__all__ = ["publish", "save_version"]


def save_version(
    store: Store, db: Session, draft: Draft, author: str, reason: str, base: int | None
) -> Version:
    """Save ``draft``'s plan as a new version (not committed: the caller commits).

    Parameters
    ----------
    store, db
        The database and an open session holding ``draft``.
    draft
        The working copy.
    author, reason
        Who saves and why (one line).
    base
        The version the planner started from; when a newer one exists the save is refused.

    Returns
    -------
    Version
        Checked by the independent checker (``check_ok``); a plan that breaks rules is kept
        as a draft version, and can never be published.

    Raises
    ------
    ConflictError
        A newer version exists, there is no plan, or no reason was given.
    """
    reason = " ".join(reason.split())[:300]
    if not reason:
        raise ConflictError("say in one line why you save (the reason field)")
    if not draft.plan_json:
        raise ConflictError("there is no plan to save yet: solve first")
    # The optimistic lock: one guarded UPDATE, before anything is written. It matches no row
    # when another save moved the workspace's head since ``base``; on PostgreSQL it also
    # locks the row, so a concurrent save waits for this transaction and then finds no row.
    guard = (
        update(Workspace)
        .where(Workspace.id == draft.workspace_id)
        .where(func.coalesce(Workspace.head_version_id, 0) == (base or 0))
        .values(head_version_id=Workspace.head_version_id)
        .execution_options(synchronize_session=False)
    )
    if db.execute(guard).rowcount != 1:  # type: ignore[attr-defined]
        head = store.head(db, draft.workspace_id)
        if head is None:  # a base from another workspace, or a hand-made request
            raise ConflictError(f"version {base} is not a version of this workspace")
        raise ConflictError(
            f"version {head.id} was saved by {head.author} at {head.created_at:%Y-%m-%d %H:%M} "
            f"UTC after the version you started from ({base or 'none'}); your changes are kept "
            f"in this draft: open version {head.id} and redo them there"
        )
    scenario = scenario_from_json(draft.scenario_json)
    plan = aligned(plan_from_json(draft.plan_json), scenario)
    report = check(scenario, plan)
    row = store.scenario_row(db, scenario_digest(scenario), scenario.name, draft.scenario_json)
    version = Version(
        workspace_id=draft.workspace_id,
        parent_id=base,
        scenario_id=row.id,
        author=author,
        reason=reason,
        plan_json=plan_text(plan),
        digest=plan_digest(plan),
        check_ok=report.ok,
        violations=len(report.violations),
    )
    db.add(version)
    db.flush()
    db.execute(
        update(Workspace)
        .where(Workspace.id == draft.workspace_id)
        .values(head_version_id=version.id)
        .execution_options(synchronize_session=False)
    )
    draft.base_version_id = version.id
    draft.plan_json = version.plan_json
    return version


def publish(store: Store, db: Session, version: Version, author: str) -> None:
    """Mark ``version`` published after checking it again; refused when it breaks a rule."""
    from orplan.web.store import ScenarioRow, utcnow

    row = db.get(ScenarioRow, version.scenario_id)
    assert row is not None
    report = check(scenario_from_json(row.body), plan_from_json(version.plan_json))
    if not report.ok:
        words = "; ".join(v.message for v in report.violations[:3])
        raise ConflictError(
            f"version {version.id} cannot be published: the checker finds "
            f"{len(report.violations)} violation(s): {words}",
            version.workspace_id,
        )
    version.published_at = utcnow()
    version.published_by = author
    store.audit(db, author, "publish", version.workspace_id, f"published version {version.id}")
