from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from hamafza.broadcast.models import Broadcast
from hamafza.broadcast.tests.factories import BroadcastFactory
from hamafza.core.rawsql import Columns
from hamafza.directory.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

NAMES = ("id", "channel_id", "titles", "started_at", "scheduled_start", "status")


def _read(columns: Columns, pk: int):
    sql = (
        f"SELECT {columns.select(connection)} FROM {columns.table(connection)}"
        f" WHERE {columns.column(connection, 'id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return columns.instance(connection, cursor.fetchone())


def test_a_row_read_by_hand_equals_what_the_orm_reads():
    # Given a broadcast with a date, a JSON field and a foreign key
    started = timezone.now().replace(microsecond=123456)
    stored = BroadcastFactory(started_at=started, titles={"ar": "مجلس العزاء", "en": "Mourning"})
    # When its columns are read by a written statement
    read = _read(Columns(Broadcast, NAMES, "b"), stored.pk)
    # Then every value is what the ORM gives, with its Python type
    expected = Broadcast.objects.only(*NAMES).get(pk=stored.pk)
    for name in NAMES:
        assert getattr(read, name) == getattr(expected, name), name
    assert read.started_at == started and read.started_at.tzinfo is not None
    assert read.titles == {"ar": "مجلس العزاء", "en": "Mourning"}


def test_the_columns_not_read_are_deferred_and_the_instance_is_saved_not_inserted():
    stored = BroadcastFactory(speaker="حجت‌الاسلام رفیعی")
    read = _read(Columns(Broadcast, NAMES, "b"), stored.pk)
    assert "speaker" in read.get_deferred_fields()
    assert read._state.adding is False
    # Given a change to a column read, saving it updates the row
    read.status = "ended"
    read.save(update_fields=["status"])
    assert Broadcast.objects.get(pk=stored.pk).status == "ended"
    assert Broadcast.objects.count() == 1
    # And a deferred column is still read on demand
    assert read.speaker == "حجت‌الاسلام رفیعی"


def test_booleans_and_dates_come_back_typed():
    stored = OrganizationFactory(is_active=False, last_active_on=date(2026, 3, 20))
    columns = Columns(type(stored), ("id", "is_active", "last_active_on"), "o")
    read = _read(columns, stored.pk)
    assert read.is_active is False
    assert read.last_active_on == date(2026, 3, 20)
