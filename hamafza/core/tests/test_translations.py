"""The Persian and Arabic catalogues: complete, true to their placeholders, and in use.

The catalogues are checked as ``makemessages`` would leave them right now: the
project's sources and ``locale/`` are copied to a temporary directory, the
messages are extracted there and merged into the copied catalogues, and the
result is compiled there. The real ``locale/`` and source tree are never
written to, so the test may run beside a ``makemessages`` or another pytest
worker. A string added to the code without a Persian and an Arabic
translation fails here, naming the string.
"""

import contextlib
import gettext as gettext_module
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

TRANSLATED = ("fa", "ar")
# The documented command: makemessages -l fa -l ar -l en --ignore=.venv
# --ignore=node_modules --ignore=var --ignore=scripts --ignore=bench --ignore='*/tests/*'
# --no-obsolete (the Makefile's `messages` target)
IGNORED = (".venv", "node_modules", "var", "scripts", "bench", "*/tests/*")
# The extensions makemessages reads for the "django" domain.
EXTENSIONS = (".py", ".html", ".txt")
# Letters that belong to the other language's orthography (Persian yeh and
# keheh in Arabic text; Arabic yeh and kaf in Persian text).
FOREIGN_LETTERS = {"fa": "يك", "ar": "یک"}


# A minimal reader for .po files ------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {context}{self.msgid!r}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted string: {text!r}")
    return re.sub(r"\\(.)", lambda match: _ESCAPES.get(match.group(1), match.group(1)), text[1:-1])


def parse_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """The header's fields and the live (not obsolete) entries of a .po file."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int | None] | None = None
    seen_keyword = False

    def finish():
        nonlocal entry, target, seen_keyword
        if seen_keyword:
            entries.append(entry)
        entry, target, seen_keyword = Entry(), None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue  # obsolete; --no-obsolete should have dropped it anyway
        elif line.startswith("#,"):
            if seen_keyword:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            if seen_keyword:
                finish()
        elif line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}:{number}: a string outside any keyword")
            _append(entry, target, _unquote(line))
        else:
            match = _KEYWORD.match(line)
            if not match:
                raise ValueError(f"{path}:{number}: cannot read {raw!r}")
            keyword, index, value = match.groups()
            if keyword in ("msgctxt", "msgid") and seen_keyword and entry.msgstr:
                finish()
            if not seen_keyword:
                entry.line = number
            seen_keyword = True
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index) if index is not None else 0)
                entry.msgstr[target[1]] = ""
            else:
                target = (keyword, None)
                setattr(entry, keyword, "")
            _append(entry, target, _unquote(value))
    finish()

    header: dict[str, str] = {}
    body = []
    for item in entries:
        if item.msgid == "" and item.msgctxt is None:
            for header_line in item.msgstr.get(0, "").splitlines():
                name, _, value = header_line.partition(":")
                header[name.strip()] = value.strip()
        else:
            body.append(item)
    return header, body


def _append(entry: Entry, target: tuple[str, int | None], text: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] += text
    else:
        setattr(entry, name, getattr(entry, name) + text)


# Placeholders ------------------------------------------------------------------

# printf-style, as Python's % operator reads it; "%%" is a literal percent sign.
_PERCENT = re.compile(
    r"%(?:%|(?:\((?P<name>[^)]*)\))?"  # "%%", or an optional (name)
    r"[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"  # flags, width, precision, length
    r"(?P<type>[diouxXeEfFgGcrsa]))"
)
_BRACE = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")


@dataclass(frozen=True)
class Placeholders:
    """What a translation must keep of its msgid."""

    named: frozenset[str] = frozenset()  # %(name)s: any order, any number of times
    positional: tuple[str, ...] = ()  # %s, %d: the same ones in the same order
    braces: frozenset[str] = frozenset()  # {name}, for python-brace-format

    def keyed(self) -> frozenset[str]:
        return self.named | self.braces

    def __str__(self) -> str:
        shown = sorted(self.keyed()) + list(self.positional)
        return "{" + ", ".join(shown) + "}" if shown else "none"


def placeholders(text: str, flags: set[str]) -> Placeholders:
    named, positional, braces = set(), [], set()
    if "python-format" in flags:
        for match in _PERCENT.finditer(text):
            if match.group(0) == "%%":
                continue
            if match.group("name") is not None:
                named.add(f"%({match.group('name')}){match.group('type')}")
            else:
                positional.append(f"%{match.group('type')}")
    if "python-brace-format" in flags:
        braces = {f"{{{name}}}" for name in _BRACE.findall(text)}
    return Placeholders(frozenset(named), tuple(positional), frozenset(braces))


def single_number_forms(plural_forms: str, nplurals: int) -> set[int]:
    """The plural forms chosen for exactly one n (0-999): they may leave the number out.

    As msgfmt allows: Arabic says «منظمة واحدة», «منظمتين» rather than "1 منظمة".
    """
    expression = re.search(r"plural\s*=\s*(.+?);?\s*$", plural_forms).group(1)
    choose = gettext_module.c2py(expression)
    counts = [0] * nplurals
    for n in range(1000):
        counts[choose(n)] += 1
    return {index for index, count in enumerate(counts) if count == 1}


# The catalogues as makemessages would leave them -------------------------------


def _copy_sources(destination: Path) -> None:
    """The files makemessages reads, outside the ignored directories, and locale/ (fa, ar)."""

    def skip(directory, names):
        kept = set()
        for name in names:
            path = Path(directory) / name
            if name.startswith(".") or name == "__pycache__":
                continue
            if path.is_dir() or path.suffix in EXTENSIONS:
                kept.add(name)
        return set(names) - kept

    base = Path(settings.BASE_DIR)
    for item in base.iterdir():
        if item.name in IGNORED or item.name.startswith(".") or item.name == "locale":
            continue
        if item.is_dir():
            shutil.copytree(item, destination / item.name, ignore=skip)
        elif item.suffix in EXTENSIONS:
            shutil.copy2(item, destination / item.name)
    for language in TRANSLATED:
        source = base / "locale" / language / "LC_MESSAGES" / "django.po"
        target = destination / "locale" / language / "LC_MESSAGES" / "django.po"
        target.parent.mkdir(parents=True)
        if source.exists():
            shutil.copy2(source, target)


@pytest.fixture(scope="module")
def fresh_locale(tmp_path_factory) -> Path:
    """A copy of locale/ updated by makemessages from the current sources."""
    stray = [
        path for path in (Path(settings.BASE_DIR) / "hamafza").rglob("locale") if path.is_dir()
    ]
    assert not stray, f"app-level locale directories are not covered by this test: {stray}"

    root = tmp_path_factory.mktemp("i18n")
    _copy_sources(root)
    locale = root / "locale"
    # makemessages writes into the first of LOCALE_PATHS and walks the current
    # directory; both are the copy.
    with override_settings(LOCALE_PATHS=[locale]), contextlib.chdir(root):
        call_command(
            "makemessages",
            locale=list(TRANSLATED),
            ignore_patterns=list(IGNORED),
            no_obsolete=True,
            verbosity=0,
        )
    return locale


@pytest.fixture(scope="module")
def compiled_locale(fresh_locale) -> Path:
    """The fresh catalogues compiled (msgfmt --check-format) into .mo files beside them."""
    with override_settings(LOCALE_PATHS=[fresh_locale]), contextlib.chdir(fresh_locale.parent):
        call_command("compilemessages", locale=list(TRANSLATED), verbosity=0)
    return fresh_locale


def catalogue(locale: Path, language: str) -> tuple[dict[str, str], list[Entry]]:
    header, entries = parse_po(locale / language / "LC_MESSAGES" / "django.po")
    assert entries, f"{language}: no messages extracted"
    return header, entries


def nplurals(header: dict[str, str]) -> int:
    return int(re.search(r"nplurals\s*=\s*(\d+)", header["Plural-Forms"]).group(1))


def django_plural_forms(language: str) -> str:
    path = Path(django.__file__).parent / "conf" / "locale" / language / "LC_MESSAGES"
    header, _ = parse_po(path / "django.po")
    return header["Plural-Forms"]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).rstrip(";")


# Tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_uses_djangos_plural_forms(fresh_locale, language):
    header, _ = catalogue(fresh_locale, language)

    assert header.get("Language") == language
    assert _squash(header["Plural-Forms"]) == _squash(django_plural_forms(language))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_not_fuzzy(fresh_locale, language):
    header, entries = catalogue(fresh_locale, language)
    forms = nplurals(header)

    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.label}")
        if entry.msgid_plural is not None and sorted(entry.msgstr) != list(range(forms)):
            problems.append(f"needs {forms} plural forms: {entry.label}")
        empty = [index for index, text in sorted(entry.msgstr.items()) if not text.strip()]
        if empty:
            problems.append(f"untranslated (msgstr {empty}): {entry.label}")

    assert not problems, (
        f"{language}: {len(problems)} of {len(entries)} messages need a translator "
        f"(run `make messages` and translate locale/{language}/LC_MESSAGES/django.po):\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(fresh_locale, language):
    header, entries = catalogue(fresh_locale, language)
    may_drop = single_number_forms(header["Plural-Forms"], nplurals(header))

    problems = []
    for entry in entries:
        if not entry.msgstr.get(0):
            continue  # reported by the completeness test
        if entry.msgid_plural is None:
            expected = placeholders(entry.msgid, entry.flags)
            found = placeholders(entry.msgstr[0], entry.flags)
            if found != expected:
                problems.append(f"{entry.label}: expected {expected}, found {found}")
            continue
        expected = placeholders(entry.msgid_plural, entry.flags)
        allowed = placeholders(entry.msgid, entry.flags).keyed() | expected.keyed()
        for index, text in sorted(entry.msgstr.items()):
            found = placeholders(text, entry.flags)
            droppable = index in may_drop
            wrong = (
                found.keyed() - allowed
                or (expected.keyed() - found.keyed() and not droppable)
                or (found.positional != expected.positional and (found.positional or not droppable))
            )
            if wrong:
                problems.append(
                    f"{entry.label} msgstr[{index}]: expected {expected}, found {found}"
                )

    assert not problems, f"{language}: placeholders changed:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_are_written_in_the_languages_own_letters(fresh_locale, language):
    _, entries = catalogue(fresh_locale, language)
    foreign = FOREIGN_LETTERS[language]

    problems = [
        f"{entry.label}: {text!r}"
        for entry in entries
        for text in entry.msgstr.values()
        if any(letter in text for letter in foreign)
    ]

    assert not problems, f"{language}: letters of the other language ({foreign}):\n" + "\n".join(
        problems
    )


def test_the_list_separator_is_the_arabic_comma(fresh_locale):
    for language in TRANSLATED:
        _, entries = catalogue(fresh_locale, language)
        separators = [entry.msgstr[0] for entry in entries if entry.msgid == ", "]
        assert separators == ["، "], language


def test_compiled_catalogues_are_used(compiled_locale):
    template = Template(
        "{% load i18n %}{% blocktranslate trimmed count counter=n with shown=n %}"
        "{{ shown }} organization found{% plural %}{{ shown }} organizations found"
        "{% endblocktranslate %}"
    )
    with override_settings(LOCALE_PATHS=[compiled_locale]):
        with translation.override("fa"):
            directory_fa = translation.gettext("Directory")
            found_fa = template.render(Context({"n": 5}))
        with translation.override("ar"):
            directory_ar = translation.gettext("Directory")
            found_ar = [template.render(Context({"n": n})) for n in (1, 2, 5, 11)]
        with translation.override("en"):
            directory_en = translation.gettext("Directory")

    assert directory_en == "Directory"
    assert re.fullmatch(r"[\u0600-\u06FF\u200c ]+", directory_fa), directory_fa
    assert re.fullmatch(r"[\u0600-\u06FF ]+", directory_ar), directory_ar
    assert directory_fa != directory_ar
    assert "5" in found_fa and "organization" not in found_fa
    # Four different Arabic plural forms, the number kept where Arabic writes it.
    assert len(set(found_ar)) == 4, found_ar
    assert "5" in found_ar[2] and "11" in found_ar[3]


def test_the_projects_compiled_catalogues_are_used():
    """The .mo files the site runs with (compilemessages in `make run`/`make test`)."""
    for language in TRANSLATED:
        po = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            pytest.skip(
                f"{mo} is missing or older than its .po: run `scripts/bootstrap.sh messages`"
            )

    for language, letters in (("fa", r"[\u0600-\u06FF\u200c ]+"), ("ar", r"[\u0600-\u06FF ]+")):
        with translation.override(language):
            text = translation.gettext("Directory")
        assert re.fullmatch(letters, text), (language, text)
