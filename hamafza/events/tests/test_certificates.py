"""Certificates of attendance as PDF: shaped Persian and Arabic, the right calendars, no
network."""

import datetime
import re
import shutil
import subprocess
import unicodedata
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hamafza.core.calendars import date_parts, month_name
from hamafza.core.permissions import SYSTEM
from hamafza.directory.tests.factories import OrganizationFactory, PersonFactory
from hamafza.events import certificates
from hamafza.events.certificates import certificate_pdf
from hamafza.events.services_courses import attendance_record, course_close
from hamafza.events.tests.factories import course_make, enrolment_make

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext"),
]

PERSON = "محمدحسین رضایی"
COURSE = "رسم خدمت ویژه مسئولان قرارگاه‌ها"
ORGANIZER = "هیئت رزمندگان اسلام"


def pdf_text(data: bytes) -> str:
    """The PDF's text as poppler extracts it, normalized (NFKC folds presentation forms)."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=30,
    )
    return unicodedata.normalize("NFKC", result.stdout.decode("utf-8"))


# Direction marks and embeddings pdftotext puts around runs, and the zero-width non-joiner,
# which it drops between a word's parts.
INVISIBLE = re.compile("[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Lam followed by alef is drawn as one glyph whose text the PDF stores as "لا" (logical order,
# see test_the_lam_alef_ligature_is_stored_in_logical_order); poppler reverses the two letters
# when it turns the visual line back into logical order (other extractors did the same, e.g.
# PDFBox before PDFBOX-4531).
LAM_ALEF = re.compile("\u0644([\u0622\u0623\u0625\u0627])")


def plain(text: str) -> str:
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def as_extracted(text: str) -> str:
    """``text`` as poppler gives it back: every letter in logical order, except the two of a
    lam-alef ligature."""
    return LAM_ALEF.sub("\\1\u0644", plain(text))


def local_start(enrolment) -> datetime.date:
    event = enrolment.course.event
    return timezone.localtime(event.starts_at, certificates._zone_of(event.time_zone)).date()


@pytest.fixture
def issued(db):
    """A course that ended yesterday; the person attended both sessions and was certified."""
    starts_at = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)
    organizer = OrganizationFactory(name=ORGANIZER, names={"en": "Razmandegan-e Eslam Hey'at"})
    course = course_make(
        organizer=organizer,
        starts_at=starts_at,
        sessions=2,
        name=COURSE,
        names={"en": "Rasm-e Khedmat for headquarters leaders"},
        attendance_required=2,
    )
    enrolment = enrolment_make(course=course, status="accepted", person=PersonFactory(name=PERSON))
    for session in course.sessions.all():
        attendance_record(actor=SYSTEM, session=session, present=[enrolment])
    assert course_close(actor=SYSTEM, course=course) == 1
    enrolment.refresh_from_db()
    return enrolment


def test_persian_certificate_reads_in_logical_order(issued):
    # Given a certified enrolment
    # When its Persian certificate is made
    data = certificate_pdf(enrolment=issued, language="fa")
    # Then it is a PDF whose text gives the name, the course and the organizer as written
    assert data.startswith(b"%PDF")
    text = plain(pdf_text(data))
    assert as_extracted(PERSON) in text
    assert as_extracted(COURSE) in text
    assert as_extracted(ORGANIZER) in text
    # And the certificate number, and the start's month in the Solar Hijri and Gregorian
    # calendars, named in Persian
    assert issued.certificate_number in text
    starts_on = local_start(issued)
    for calendar in ("solar", "gregorian"):
        month = date_parts(starts_on, calendar=calendar)[1]
        assert as_extracted(month_name(month, calendar=calendar, language="fa")) in text


def test_arabic_certificate_has_the_lunar_month_name(issued):
    # Given a certified enrolment of a course held in Tehran's time zone, on Iran's lunar
    # calendar
    starts_on = local_start(issued)
    lunar_month = date_parts(starts_on, calendar="lunar", region="IR")[1]
    gregorian_month = starts_on.month
    # When its Arabic certificate is made
    text = plain(pdf_text(certificate_pdf(enrolment=issued, language="ar")))
    # Then the lunar Hijri month is named in Arabic, and the Gregorian month too
    assert as_extracted(month_name(lunar_month, calendar="lunar", language="ar")) in text
    assert as_extracted(month_name(gregorian_month, calendar="gregorian", language="ar")) in text
    # And the person and the certificate number are there
    assert as_extracted(PERSON) in text
    assert issued.certificate_number in text


def test_english_certificate_uses_the_english_names(issued):
    # When the English certificate is made
    text = pdf_text(certificate_pdf(enrolment=issued, language="en"))
    # Then the course and organizer are written in English, the person as known, the number
    assert "Rasm-e Khedmat for headquarters leaders" in " ".join(text.split())
    assert "Razmandegan-e Eslam Hey'at" in " ".join(text.split())
    assert as_extracted(PERSON) in plain(text)
    assert issued.certificate_number in text
    assert "Certificate of attendance" in text
    # And the dates are in the Gregorian calendar only
    starts_on = local_start(issued)
    month = month_name(starts_on.month, calendar="gregorian", language="en")
    assert f"{starts_on.day} {month} {starts_on.year}" in text
    solar_month = date_parts(starts_on, calendar="solar")[1]
    assert month_name(solar_month, calendar="solar", language="en") not in text


def test_an_unknown_language_falls_back_to_the_site_language(issued):
    # When a language the certificates are not written in is asked for
    text = plain(pdf_text(certificate_pdf(enrolment=issued, language="xx")))
    # Then the certificate comes in the site's language (Persian), with the Persian month
    month = date_parts(local_start(issued), calendar="solar")[1]
    assert as_extracted(month_name(month, calendar="solar", language="fa")) in text


def test_the_lam_alef_ligature_is_stored_in_logical_order(issued):
    # Given the Persian certificate, whose organizer's name has a lam-alef ("اسلام")
    data = certificate_pdf(enrolment=issued, language="fa")
    # When the fonts' maps from glyphs to text are read
    maps = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            text = zlib.decompress(stream)
        except zlib.error:
            continue
        if b"beginbfchar" in text or b"beginbfrange" in text:
            maps.append(text.decode("latin-1").upper())
    # Then the ligature's glyph stands for lam then alef, as the word is written
    assert any("<06440627>" in cmap for cmap in maps)
    assert not any("<06270644>" in cmap for cmap in maps)


def test_no_certificate_before_one_is_issued(db, english):
    # Given an accepted enrolment that has no certificate yet
    course = course_make()
    enrolment = enrolment_make(course=course, status="accepted")
    # When its certificate is asked for
    # Then it is refused with a message, and no PDF is made
    with pytest.raises(ValidationError) as refused:
        certificate_pdf(enrolment=enrolment, language="en")
    assert "No certificate" in refused.value.messages[0]


def test_the_fetcher_loads_bundled_fonts_and_nothing_else(tmp_path):
    # Given the certificates' URL fetcher
    fetcher = certificates._fetcher_class()(certificates.fonts_dir())
    font = certificates.fonts_dir() / "Vazirmatn-Regular.ttf"
    # Then a bundled font is read
    response = fetcher(font.as_uri())
    assert response.read(4) == b"\x00\x01\x00\x00"
    response.close()
    # And anything on the network, or any other local file, is refused
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    for url in (
        "http://example.com/font.ttf",
        "https://example.com/a.css",
        "data:text/plain,hello",
        "ftp://example.com/x",
        outside.as_uri(),
        "file:///etc/passwd",
        (certificates.fonts_dir() / ".." / ".." / "package.json").as_uri(),
    ):
        with pytest.raises(ValueError):
            fetcher(url)


def test_certificates_load_only_local_fonts(issued, monkeypatch):
    # Given a template that asks for a stylesheet and an image on the network
    fetched = []
    original = certificates._fetcher_class()

    class Recording(original):
        def fetch(self, url, headers=None):
            fetched.append(url)
            return super().fetch(url, headers)

    monkeypatch.setattr(certificates, "_fetcher_class", lambda: Recording)
    # When the certificate is made
    certificate_pdf(enrolment=issued, language="fa")
    # Then only the bundled fonts were fetched
    assert fetched
    assert all(url.startswith("file://") and url.endswith(".ttf") for url in fetched)
