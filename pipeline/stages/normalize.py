"""Stage 1: fold the tricks people use to slip past filters, before rules and model see the text.

NFKC, zero-width removal, "fancy text" letters (small capitals, negative circled or squared
letters, regional-indicator runs, strike-through marks), homoglyph folding inside mixed-script
words, leetspeak only where it spells a watched keyword, spaced-out letters and digits,
spelled-out digits, and "at"/"dot" written out in e-mail addresses. The output is lower case (the
model is uncased).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize"]

_ZERO_WIDTH = dict.fromkeys(
    map(
        ord,
        "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
        "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\ufeff",
    ),
    None,
)

# Cyrillic and Greek letters that render like Latin ones (after lower-casing).
_HOMOGLYPHS = str.maketrans(
    "авсдеһіјкмнорѕтухԁɡӏոսաνοριτυχκαεηьгпѵԛԝ",
    "abcdehijkmhopstyxdglnuwvopitvxkaenbrnvqw",
)
# "Fancy text" letters that NFKC leaves alone, always folded (no language is written in them):
# small capitals, negative circled and negative squared letters (🅩, 🆉). Runs of three or more
# regional indicators (🇿🇪🇱🇱🇪) too; a pair alone stays a flag.
_FANCY_LETTERS: dict[int, str] = {
    **{
        ord(c): plain
        for c, plain in zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnopqrstuvwyz", strict=True)
    },
    **{0x1F150 + i: chr(ord("a") + i) for i in range(26)},
    **{0x1F170 + i: chr(ord("a") + i) for i in range(26)},
}
_FANCY = str.maketrans(_FANCY_LETTERS)
_REGIONAL_RUN = re.compile("[\U0001f1e6-\U0001f1ff]{3,}")
# Combining marks left on a Latin letter after NFKC composed what it could (z̶e̶l̶l̶e̶, z̴e̴l̴l̴e̴):
# strike-through and overlay tricks. Accented letters are already single characters by then.
_MARKS_ON_LATIN = re.compile(
    "(?<=[a-z])[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)
# Keycap digits (4️⃣1️⃣5️⃣: a digit, an emoji variation selector, a combining enclosing keycap):
# the plain digit.
_KEYCAP = re.compile("(?<=[0-9#*])\ufe0f?\u20e3")
_LATIN = re.compile(r"[a-z]")
_NON_LATIN_LETTER = re.compile(r"[^\W\d_a-z]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

_LEET = str.maketrans("013457@$!|", "oieastasil")
_KEYWORDS = frozenset(
    {
        "zelle",
        "venmo",
        "cashapp",
        "cash",
        "paypal",
        "bitcoin",
        "crypto",
        "usdt",
        "gmail",
        "yahoo",
        "hotmail",
        "outlook",
        "icloud",
        "whatsapp",
        "telegram",
        "signal",
        "wechat",
        "snapchat",
        "kik",
        "code",
        "email",
        "text",
        "call",
        "wire",
        "western",
        "union",
        "applecash",
        "revolut",
        "chime",
        "giftcard",
        "gift",
        "card",
        "scam",
        "free",
        "winner",
        "number",
        "phone",
        "app",
        "pay",
        # Insults written in leet ("id10t", "l0s3r"): no data row held one.
        "idiot",
        "loser",
        "stupid",
        "moron",
        "bitch",
        "dumb",
        "ugly",
        "fuck",
        "shit",
        "scammer",
        "retard",
        "whore",
        "slut",
    }
)
_LEET_TOKEN = re.compile(r"(?<![\w$@])[a-z0-9$@!|]*[a-z][a-z0-9$@!|]*(?![\w$@])")

_NUMBER_WORDS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_NUM_WORD = "|".join(_NUMBER_WORDS)
_SPELLED = re.compile(rf"(?:(?:\b(?:{_NUM_WORD})\b|\d)[\s,\-./]*){{3,}}")
_SPELLED_TOKEN = re.compile(rf"{_NUM_WORD}|\d")
_DIGIT_GROUPS = re.compile(r"(?<![\w.])\+?\(?\d{1,4}\)?(?:[\s.\-]{1,3}\(?\d{1,6}\)?){1,12}(?![\w])")
_SPACED_LETTERS = re.compile(r"(?<!\w)(?:[a-z][ .\-_*]){3,}[a-z](?!\w)")
_DOT = re.compile(
    r"\s*[\[({]?\s*\b(?:dot|d0t)\b\s*[\])}]?\s*"
    r"(com|net|org|co|io|me|us|uk|de|fr|es|ca|info|ly|xyz|biz)\b"
)
# "Defanged" links, written so that they are not clickable: "bit[.]ly/3abc", "site(.)com",
# "hxxps://...".
_DEFANGED_DOT = re.compile(r"(?<=[a-z0-9-])[\[({]\.[\])}](?=[a-z0-9])")
_HXXP = re.compile(r"\bhxxp(s?)(?=:/)")
# A link with spaces before its dot: "bit . ly/3abc", "paypa1-secure .com" (a space only after
# the dot is left alone: "hot mail. com" in an SMS is prose).
_SPACED_DOT = re.compile(r"(?<=[a-z0-9-])\s+\.\s*(com|net|org|ly|io|xyz|biz|info)\b")
_MAIL_PROVIDERS = r"g ?mail|yahoo|hot ?mail|outlook|icloud|aol|proton\w*|gmx"
# "name [at] host.com" and "name @ host.com" are addresses. So is "name at host.com" when the
# host is a mail provider or looks like one ("hotmaiil"), or when the name looks like a handle
# (a letter, then a digit, "_", "." or "+" somewhere). Otherwise a plain "at" is English
# ("register at cheapwatches4u.com", "compare at site.net"): a link, not an e-mail, left alone.
_AT = re.compile(
    r"(\w)\s*(?:[\[({]\s*(?:at|@)\s*[\])}]|\s@\s)\s*"
    rf"({_MAIL_PROVIDERS}|[\w-]+\.(?:com|net|org))"
    rf"|(?<![\w.+$-])([^\W\d_](?:[\w.+-]*\w)?)\s+at\s+({_MAIL_PROVIDERS}|[\w-]+\.(?:com|net|org))\b"
)
_MAIL_LIKE = re.compile(rf"^(?:{_MAIL_PROVIDERS})$|m+a+i+l")
_HANDLE = re.compile(r"[\d_.+]")
_REPEATS = re.compile(r"([^\W\d_])\1{3,}")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Return the canonical lower-case form of a chat message that rules and model see."""
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).lower().translate(_FANCY)
    if not text.isascii():  # each of these four changes only text with a non-ASCII character
        text = _REGIONAL_RUN.sub(_regional_letters, text)
        text = _MARKS_ON_LATIN.sub("", text)
        text = _KEYCAP.sub("", text)
        text = _WORD.sub(_fold_mixed_script, text)
    text = _LEET_TOKEN.sub(_unleet, text)
    text = _SPACED_LETTERS.sub(_join_spaced_letters, text)
    text = _SPELLED.sub(_spelled_digits, text)
    text = _DIGIT_GROUPS.sub(_join_digit_groups, text)
    text = _DEFANGED_DOT.sub(".", text)
    text = _HXXP.sub(r"http\1", text)
    text = _DOT.sub(r".\1", text)
    text = _SPACED_DOT.sub(r".\1", text)
    text = _AT.sub(_rebuild_address, text)
    text = _REPEATS.sub(r"\1\1\1", text)
    return _SPACES.sub(" ", text).strip()


def _regional_letters(match: re.Match[str]) -> str:
    return "".join(chr(ord(c) - 0x1F1E6 + ord("a")) for c in match.group(0))


def _rebuild_address(match: re.Match[str]) -> str:
    if match.group(1):
        return f"{match.group(1)}@{match.group(2).replace(' ', '')}"
    name, host = match.group(3, 4)
    if _MAIL_LIKE.search(host) or _HANDLE.search(name):
        return f"{name}@{host.replace(' ', '')}"
    return match.group(0)


def _fold_mixed_script(match: re.Match[str]) -> str:
    word = match.group(0)
    if _NON_LATIN_LETTER.search(word) is None:
        return word
    # Fold only words that mix scripts (a Latin word with a Cyrillic "а" in it): a word wholly in
    # Cyrillic or Greek is another language, not a disguise.
    return word.translate(_HOMOGLYPHS) if _LATIN.search(word) else word


def _unleet(match: re.Match[str]) -> str:
    token = match.group(0)
    if token.isalpha():
        return token
    plain = token.translate(_LEET)
    return plain if plain in _KEYWORDS else token


def _join_spaced_letters(match: re.Match[str]) -> str:
    return re.sub(r"[ .\-_*]", "", match.group(0))


def _spelled_digits(match: re.Match[str]) -> str:
    run = match.group(0)
    tokens = _SPELLED_TOKEN.findall(run)
    if sum(not t.isdigit() for t in tokens) < 2:
        return run
    trailing = run[len(run.rstrip()) :]
    return "".join(_NUMBER_WORDS.get(t, t) for t in tokens) + trailing


def _join_digit_groups(match: re.Match[str]) -> str:
    run = match.group(0)
    digits = re.sub(r"[^\d+]", "", run)
    return digits if sum(c.isdigit() for c in digits) >= 7 else run
