import pytest

from pipeline.stages.normalize import normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PаyPаl me", "paypal me"),  # Cyrillic а inside a Latin word
        ("ѕеnd thе соdе", "send the code"),
        ("whats\u200bapp", "whatsapp"),
        ("z\u200de\u2060lle", "zelle"),
        ("Ｚｅｌｌｅ", "zelle"),  # full-width, folded by NFKC
        ("pay with z3lle", "pay with zelle"),
        ("v e n m o", "venmo"),
        ("ca$h app", "cash app"),
        # "Fancy text" that NFKC leaves alone.
        ("ᴢᴇʟʟᴇ only", "zelle only"),  # small capitals
        ("add me on ᴡʜᴀᴛsᴀᴘᴘ", "add me on whatsapp"),
        ("🅩🅔🅛🅛🅔 only", "zelle only"),  # negative circled
        ("🆅🅴🅽🅼🅾 me", "venmo me"),  # negative squared
        ("🇿🇪🇱🇱🇪 only", "zelle only"),  # a run of regional indicators
        ("Z̶e̶l̶l̶e̶ only", "zelle only"),  # strike-through
        ("z̴e̴l̴l̴e̴", "zelle"),
    ],
)
def test_folds_disguised_letters(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("call 4 1 5 5 5 5 0 1 9 2", "call 4155550192"),
        ("(415) 555-0192", "4155550192"),
        ("415.555.0192", "4155550192"),
        ("five five five one two three four five six seven", "5551234567"),
        ("four one five 555 0192", "4155550192"),
        ("+44 7700 900123", "+447700900123"),
        ("4️⃣1️⃣5️⃣5️⃣5️⃣5️⃣0️⃣1️⃣9️⃣2️⃣", "4155550192"),  # keycap digits
        ("3️⃣1️⃣0️⃣ 5️⃣5️⃣5️⃣ 0️⃣1️⃣9️⃣8️⃣ text me", "3105550198 text me"),
        ("my top 3️⃣ picks", "my top 3 picks"),
    ],
)
def test_joins_spaced_and_spelled_digits(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("john at gmail dot com", "john@gmail.com"),
        ("john(at)yahoo(dot)com", "john@yahoo.com"),
        ("mary [at] outlook [dot] com", "mary@outlook.com"),
        ("sam (at) shop.net", "sam@shop.net"),
        ("joe @ site.org", "joe@site.org"),
        # A plain "at": an address when the host is (or looks like) a mail provider, or the
        # name looks like a handle.
        ("emily at htmail dot com", "emily@htmail.com"),
        ("reply to anna.deals at hotmaiil dot com", "reply to anna.deals@hotmaiil.com"),
        ("bob99 at mysite.com", "bob99@mysite.com"),
        # A provider written in two words.
        ("jsmith88 at g mail", "jsmith88@gmail"),
        ("j.smith (at) hot mail dot com", "j.smith@hotmail.com"),
    ],
)
def test_rebuilds_spelled_out_emails(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "i can do $450, zip 94110",
        "meet at starbucks at 5 pm",
        "one or two days",
        "iphone 13 pro 128gb",
        "call me at 4pm",
        # English "at" before a website is a link, not an e-mail address.
        "register at followers-now.net",
        "cheap watches at cheapwatches4u.com today only",
        "free shipping on orders over $50 at site.com",
        "привет, как дела",  # wholly Cyrillic: another language, not a disguise
        "shipping from 🇺🇸 or 🇬🇧",  # a flag is a pair of regional indicators
        "café con leche, très bien, naïve",  # accents NFKC composes are kept
    ],
)
def test_leaves_ordinary_text_alone(text: str) -> None:
    assert normalize(text) == text


def test_lowercases_and_squeezes() -> None:
    assert normalize("  SOOOOOO   Good!! ") == "sooo good!!"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("go to bit . ly / 3abcd", "go to bit.ly / 3abcd"),
        ("claim at paypa1-secure .com", "claim at paypa1-secure.com"),
        ("its normally hot mail. com you see!", "its normally hot mail. com you see!"),
        ("i am done . ok", "i am done . ok"),
    ],
)
def test_joins_links_spaced_before_the_dot(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("go to bit[.]ly/3xyz to pay the fee", "go to bit.ly/3xyz to pay the fee"),
        ("visit bit(.)ly/3xyz", "visit bit.ly/3xyz"),
        ("www[.]cheap-bags[.]biz", "www.cheap-bags.biz"),
        ("click hxxps://verify[.]com/login", "click https://verify.com/login"),
        ("bit dot ly/3xyz", "bit.ly/3xyz"),
        ("pick [.] the one you like", "pick [.] the one you like"),  # not between two words
        ("the hxxp thing", "the hxxp thing"),  # not a scheme
    ],
)
def test_joins_defanged_links(raw: str, expected: str) -> None:
    assert normalize(raw) == expected
