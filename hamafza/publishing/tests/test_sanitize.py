"""The rich-text sanitizer: real XSS payloads come out harmless; Persian and Arabic text and the
allowed markup come out as they went in."""

import pytest

from hamafza.publishing.sanitize import LINK_REL, html_clean, html_text, text_excerpt

# (payload, a fragment that must not survive)
PAYLOADS = [
    ("<script>alert('xss')</script>", "alert"),
    ("<SCRIPT SRC=https://evil.example/x.js></SCRIPT>", "evil.example"),
    ("<scr<script>ipt>alert(1)</script>", "<script"),
    ('<img src=x onerror="alert(1)">', "onerror"),
    ("<img src=x onerror=alert(1)//>", "<img"),
    ('<a href="javascript:alert(1)">click</a>', "javascript"),
    ('<a href="JaVaScRiPt:alert(1)">click</a>', "alert"),
    ('<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)">x</a>', "alert"),
    ('<a href="&#x6A;avascript&colon;alert(1)">x</a>', "alert"),
    ('<a href="java&#x09;script:alert(1)">x</a>', "alert"),
    ('<a href=" javascript:alert(1)">x</a>', "alert"),
    ('<a href="vbscript:msgbox(1)">x</a>', "vbscript"),
    ('<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', "data:"),
    ("<svg onload=alert(1)><circle r=10></circle></svg>", "onload"),
    ("<svg><script>alert(1)</script></svg>", "alert"),
    ("<math><mtext><script>alert(1)</script></mtext></math>", "alert"),
    ('<p style="background:url(javascript:alert(1))">text</p>', "style"),
    ('<p onclick="alert(1)">text</p>', "onclick"),
    ('<p onmouseover="alert(1)">text</p>', "onmouseover"),
    ('<iframe src="https://evil.example"></iframe>', "iframe"),
    ('<iframe srcdoc="<script>alert(1)</script>"></iframe>', "alert"),
    ('<object data="evil.swf"></object>', "object"),
    ('<embed src="evil.swf">', "embed"),
    ("<style>body { display: none }</style>", "display"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', "evil.example"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "refresh"),
    ('<form action="https://evil.example"><input name="password"></form>', "<input"),
    ('<details open ontoggle="alert(1)">x</details>', "ontoggle"),
    ('<body onload="alert(1)">', "onload"),
    ('<a href="https://ok.example" onclick="alert(1)">x</a>', "onclick"),
    ('<a href="https://ok.example" target="_blank" rel="opener">x</a>', "target"),
    ("<!-- <script>alert(1)</script> -->", "alert"),
    ('<p><noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript></p>', "onerror"),
    ('<table background="javascript:alert(1)"><tr><td>x</td></tr></table>', "javascript"),
    ('<base href="https://evil.example/">', "evil.example"),
]


@pytest.mark.parametrize(("payload", "forbidden"), PAYLOADS)
def test_xss_payloads_are_cleaned(payload, forbidden):
    # Given a hostile fragment, when it is cleaned, then nothing of the attack is left.
    cleaned = html_clean(payload)

    assert forbidden.lower() not in cleaned.lower()
    for marker in ("<script", "javascript:", " on", "<iframe", "<img", "<svg", "style="):
        assert marker not in cleaned.lower()


def test_links_keep_their_address_and_get_a_rel():
    cleaned = html_clean(
        '<a href="https://heyatonline.ir/live" title="پخش زنده">پخش</a>'
        ' <a href="mailto:info@example.org">نامه</a> <a href="/news/3/">خبر</a>'
    )

    assert cleaned.count(f'rel="{LINK_REL}"') == 3
    assert 'href="https://heyatonline.ir/live"' in cleaned
    assert 'title="پخش زنده"' in cleaned
    assert 'href="mailto:info@example.org"' in cleaned
    assert 'href="/news/3/"' in cleaned


def test_a_links_own_rel_is_replaced():
    cleaned = html_clean('<a href="https://example.org" rel="opener">x</a>')

    assert cleaned == f'<a href="https://example.org" rel="{LINK_REL}">x</a>'


def test_other_schemes_lose_the_address_but_keep_the_text():
    cleaned = html_clean('<a href="ftp://example.org/file">پرونده</a>')

    assert "ftp" not in cleaned
    assert "پرونده" in cleaned


def test_persian_text_with_allowed_markup_is_unchanged():
    # ZWNJ, kasra and Persian digits are kept as typed.
    body = (
        "<h2>پوشش زندهٔ مراسم اربعین</h2>"
        "<p>مؤسسهٔ <strong>هیئت آنلاین</strong> با بیش از ۲٬۳۰۰ هیئت و <em>۲۸ میلیون</em> "
        "کاربر، پخش زندهٔ مراسم را از کربلا بر عهده می‌گیرد.</p>"
        "<blockquote>هم‌افزایی و تبادل اطلاعات</blockquote>"
        "<ul><li>اربعین</li><li>قرآن</li><li>دروس حوزه</li></ul>"
        "<ol><li>یک</li><li>دو</li></ol>"
        "<p>خطّ <b>اول</b><br><i>دوم</i> <u>سوم</u> <s>چهارم</s></p><hr>"
        "<h3>جدول</h3><table><thead><tr><th>شهر</th><th>تعداد</th></tr></thead>"
        "<tbody><tr><td>قم</td><td>۱۰۰</td></tr></tbody></table>"
        "<h4>کد</h4><pre><code>rtmp://live</code></pre>"
    )

    assert html_clean(body) == body


def test_arabic_text_is_unchanged():
    body = (
        "<p>أقامت <strong>العتبة الكاظمية المقدسة</strong> المؤتمرَ الدوريَّ الثامنَ "
        "لأقسام العلاقات العامة في مسجد الكوفة المعظّم.</p>"
    )

    assert html_clean(body) == body


def test_empty_and_none():
    assert html_clean("") == ""
    assert html_clean(None) == ""
    assert html_text(None) == ""


def test_unclosed_markup_is_closed():
    assert html_clean("<p>متن <strong>پررنگ") == "<p>متن <strong>پررنگ</strong></p>"


def test_plain_text_of_a_body():
    text = html_text(
        "<h2>عنوان</h2><p>بند اول &amp; ادامه</p><p>بند دوم<br>خط دوم</p>"
        "<script>alert(1)</script><ul><li>الف</li><li>ب</li></ul>"
        "<table><tr><td>قم</td><td>۱۰۰</td></tr></table>"
    )

    assert text == "عنوان\nبند اول & ادامه\nبند دوم\nخط دوم\nالف\nب\nقم ۱۰۰"
    assert "alert" not in text


def test_plain_text_keeps_an_escaped_entity_as_text():
    assert html_text("<p>&amp;lt;b&amp;gt;</p>") == "&lt;b&gt;"


def test_excerpt_cuts_at_a_word():
    words = "هیئت " * 100

    excerpt = text_excerpt(words, 22)

    assert excerpt.endswith("…")
    assert len(excerpt) <= 23
    assert "هیئت هیئت" in excerpt
    assert text_excerpt("کوتاه", 22) == "کوتاه"
