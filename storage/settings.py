"""Small key/value facts learned at run time."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Setting


async def get_setting(session: AsyncSession, key: str) -> str | None:
    row = await session.get(Setting, key)
    return row.value if row else None


async def put_setting(session: AsyncSession, key: str, value: str) -> None:
    row = await session.get(Setting, key)
    if row is None:
        # Several Tandem processes starting at once may all find it missing: last one wins.
        bind = session.bind
        postgres = bind is not None and bind.dialect.name == "postgresql"
        insert: Any = (pg_insert if postgres else sqlite_insert)(Setting)
        await session.exec(
            insert.values(key=key, value=value).on_conflict_do_update(
                index_elements=["key"], set_={"value": value}
            )
        )
    elif row.value != value:
        row.value = value
        session.add(row)
