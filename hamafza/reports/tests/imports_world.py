"""What the import tests share: a few organizations with their staff, and files made from rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import openpyxl

from hamafza.directory.models import OrganizationKind, Role
from hamafza.directory.tests.factories import OrganizationFactory, UserFactory, user_with_role
from hamafza.fieldops.tests.factories import GroupOrganizationFactory, SponsorFactory


@dataclass
class World:
    heyat: object  # a hey'at in Qom: it has an owner and an editor
    sponsor: object  # a sponsoring body of volunteer groups
    group_organization: object  # a directory organization of kind volunteer group
    operator: object  # runs service points on the walk
    stranger: object  # another organization, with its own editor
    coordinator: object
    owner: object  # owner of the hey'at
    editor: object  # editor of the hey'at
    sponsor_editor: object
    operator_editor: object
    stranger_editor: object
    nobody: object  # signed in, no role anywhere


def world_make() -> World:
    heyat = OrganizationFactory(name="هیئت محبان امام رضا (ع)")
    sponsor = SponsorFactory(name="قرارگاه جهادی قم")
    group_organization = GroupOrganizationFactory(name="گروه جهادی شهید همت")
    operator = OrganizationFactory(name="موکب خدام الحسین", kind=OrganizationKind.HEYAT)
    stranger = OrganizationFactory(name="آستان مقدس کاظمین", kind=OrganizationKind.SHRINE)
    return World(
        heyat=heyat,
        sponsor=sponsor,
        group_organization=group_organization,
        operator=operator,
        stranger=stranger,
        coordinator=UserFactory(username="coordinator", is_coordinator=True),
        owner=user_with_role(heyat, Role.OWNER, username="owner"),
        editor=user_with_role(heyat, Role.EDITOR, username="editor"),
        sponsor_editor=user_with_role(sponsor, Role.EDITOR, username="sponsor_editor"),
        operator_editor=user_with_role(operator, Role.EDITOR, username="operator_editor"),
        stranger_editor=user_with_role(stranger, Role.EDITOR, username="stranger_editor"),
        nobody=UserFactory(username="nobody"),
    )


def csv_file(rows: list[list], *, delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow(row)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


def xlsx_file(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def errors_of(report) -> list[tuple[int, str]]:
    """(row, column) of every error, in order."""
    return [(row.number, error.column) for row in report.rows for error in row.errors]
