"""Slot vocabularies for the synthetic marketplace chat, split into pools.

Slots whose wording is the signal (payment apps, contact formats, obfuscation styles, link
domains, messengers) have a `train` pool and a disjoint `test` pool: the unseen-template test
split also uses payment names and obfuscations that training never saw. Validation draws from
the train pool (with its own held-out template families).
"""

from __future__ import annotations

import random
from collections.abc import Callable

Pool = str  # "train" or "test"

ITEMS = (
    "bike",
    "couch",
    "iphone 13",
    "ps5",
    "stroller",
    "desk",
    "tv",
    "macbook",
    "guitar",
    "sofa",
    "dining table",
    "camera",
    "lawn mower",
    "crib",
    "air fryer",
    "xbox",
    "kayak",
    "drill set",
    "nintendo switch",
    "dresser",
    "bookshelf",
    "monitor",
    "ipad",
    "treadmill",
    "car seat",
    "jacket",
    "sneakers",
    "road bike",
    "mini fridge",
    "gaming chair",
    "tent",
    "speaker",
)
PLACES = (
    "the starbucks on 5th",
    "target parking lot",
    "the police station lobby",
    "walmart entrance",
    "the library",
    "safeway on main st",
    "the mall food court",
    "my building lobby",
    "the gas station on elm",
    "home depot",
    "the park and ride",
    "costco parking",
)
DAYS = (
    "saturday",
    "sunday",
    "tomorrow",
    "tonight",
    "monday after work",
    "this weekend",
    "friday evening",
    "today",
)
TIMES = ("5pm", "noon", "6:30", "10am", "after 7", "around 3", "8 pm", "lunchtime")
NAMES = (
    "mike",
    "sarah",
    "jessica",
    "david",
    "anna",
    "kevin",
    "maria",
    "tom",
    "lisa",
    "james",
    "chris",
    "emily",
    "john",
    "linda",
    "alex",
    "sam",
)
TEAMS = (
    "warriors",
    "lakers",
    "chiefs",
    "eagles",
    "yankees",
    "dodgers",
    "celtics",
    "49ers",
    "packers",
    "red sox",
    "man united",
    "barca",
)
INSULTS = (
    "idiot",
    "moron",
    "loser",
    "clown",
    "scumbag",
    "piece of trash",
    "dumbass",
    "pathetic little man",
    "waste of space",
    "creep",
    "lowlife",
    "bitch",
    "jerk",
)
GIFT_CARDS = (
    "amazon gift cards",
    "itunes cards",
    "steam cards",
    "google play cards",
    "apple gift cards",
    "visa gift cards",
)
COURIERS = (
    "my courier",
    "ups",
    "fedex",
    "dhl",
    "my cousin",
    "my shipping agent",
    "my driver",
    "a moving company",
    "my assistant",
)

_PAY: dict[Pool, tuple[str, ...]] = {
    "train": (
        "zelle",
        "venmo",
        "cash app",
        "paypal friends and family",
        "paypal f&f",
        "wire transfer",
        "bitcoin",
        "cashapp",
    ),
    "test": ("apple cash", "western union", "usdt", "moneygram", "revolut", "chime", "ethereum"),
}
_LINK_DOMAINS: dict[Pool, tuple[str, ...]] = {
    "train": (
        "secure-pay-verify.com",
        "bit.ly/3xPay",
        "echolist-payments.net",
        "verify-buyer.info",
        "safe-delivery.co",
    ),
    "test": (
        "tinyurl.com/claim88",
        "echo-list-support.org",
        "buyer-protect.xyz",
        "paysafe-now.top",
        "courier-track.link",
    ),
}
_SHOPS: dict[Pool, tuple[str, ...]] = {
    "train": ("cheapwatches4u.com", "bestdeals.shop", "followers-now.net", "www.luxbags.store"),
    "test": ("megasale-outlet.biz", "www.crypto-signals.io", "replica-kicks.top", "getrich.click"),
}
_MESSENGERS: dict[Pool, tuple[str, ...]] = {
    "train": ("whatsapp", "telegram", "whats app"),
    "test": ("signal", "wechat", "kik", "snapchat"),
}
_EMAIL_HOSTS = ("gmail", "yahoo", "outlook", "hotmail", "icloud")

_LEET = str.maketrans("aeios", "43105")
_CYRILLIC = str.maketrans("aeopcx", "аеорсх")


def _obfuscate_word(word: str, pool: Pool, rng: random.Random) -> str:
    if pool == "train":
        style = rng.choice(("plain", "plain", "title", "upper"))
    else:
        style = rng.choice(("leet", "spaced", "dollar", "cyrillic", "plain"))
    if style == "title":
        return word.title()
    if style == "upper":
        return word.upper()
    if style == "leet":
        return word.translate(_LEET)
    if style == "spaced" and " " not in word:
        return " ".join(word)
    if style == "dollar":
        return word.replace("s", "$").replace("a", "@", 1)
    if style == "cyrillic":
        return word.translate(_CYRILLIC)
    return word


def pay_app(pool: Pool, rng: random.Random) -> str:
    """A payment app or rail, obfuscated in the pool's styles."""
    return _obfuscate_word(rng.choice(_PAY[pool]), pool, rng)


_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def phone(pool: Pool, rng: random.Random) -> str:
    """A US-looking phone number in one of the pool's formats."""
    d = f"{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
    if pool == "train":
        return rng.choice(
            (
                f"{d[:3]}-{d[3:6]}-{d[6:]}",
                f"({d[:3]}) {d[3:6]} {d[6:]}",
                d,
                f"+1 {d[:3]} {d[3:6]} {d[6:]}",
            )
        )
    return rng.choice(
        (
            " ".join(d),
            " ".join(_DIGIT_WORDS[int(c)] for c in d),
            f"{d[:3]}.{d[3:6]}.{d[6:]}",
            " ".join(_DIGIT_WORDS[int(c)] for c in d[:3]) + f" {d[3:]}",
        )
    )


def email(pool: Pool, rng: random.Random) -> str:
    """An e-mail address, written plainly or with "at"/"dot" spelled out."""
    user = rng.choice(NAMES) + rng.choice(("", str(rng.randint(1, 99)), ".deals", "_" + "x"))
    host = rng.choice(_EMAIL_HOSTS)
    if pool == "train":
        return rng.choice((f"{user}@{host}.com", f"{user} at {host} dot com"))
    return rng.choice(
        (f"{user}(at){host}(dot)com", f"{user} [at] {host} [dot] com", f"{user} @ {host} dot com")
    )


def messenger(pool: Pool, rng: random.Random) -> str:
    """A messenger app name."""
    return rng.choice(_MESSENGERS[pool])


def handle(rng: random.Random) -> str:
    """A user handle."""
    return "@" + rng.choice(NAMES) + rng.choice(("_deals", "88", "_x", "2024", "official"))


def link(pool: Pool, rng: random.Random) -> str:
    """A phishing-style link."""
    domain = rng.choice(_LINK_DOMAINS[pool])
    return rng.choice(("https://", "http://", "", "www.")) + domain


def shop(pool: Pool, rng: random.Random) -> str:
    """A link to another shop, for spam."""
    return rng.choice(_SHOPS[pool])


def price(rng: random.Random) -> str:
    """A price as people write it in chat."""
    amount = rng.choice(
        (20, 35, 40, 50, 60, 75, 80, 100, 120, 150, 200, 250, 300, 350, 450, 600, 800, 1200)
    )
    return rng.choice((f"${amount}", f"{amount}", f"{amount} bucks", f"${amount}.00", f"{amount}$"))


def crypto_address(rng: random.Random) -> str:
    """A wallet address (ETH or BTC shaped)."""
    if rng.random() < 0.5:
        return "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(40))
    alphabet = "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    return "bc1q" + "".join(rng.choice(alphabet).lower() for _ in range(38))


def product_code(rng: random.Random) -> str:
    """A model number or SKU."""
    return rng.choice(
        (
            f"A{rng.randint(1000, 2999)}",
            f"SKU {rng.randint(1000, 9999)}-{rng.randint(100, 999)}",
            f"model {rng.choice('XYZ')}{rng.randint(100, 999)}",
            f"#{rng.randint(10000, 99999)}",
        )
    )


Filler = Callable[[Pool, random.Random], str]

SLOTS: dict[str, Filler] = {
    "item": lambda _p, r: r.choice(ITEMS),
    "place": lambda _p, r: r.choice(PLACES),
    "day": lambda _p, r: r.choice(DAYS),
    "time": lambda _p, r: r.choice(TIMES),
    "name": lambda _p, r: r.choice(NAMES).title(),
    "team": lambda _p, r: r.choice(TEAMS),
    "insult": lambda _p, r: r.choice(INSULTS),
    "gift": lambda _p, r: r.choice(GIFT_CARDS),
    "courier": lambda _p, r: r.choice(COURIERS),
    "price": lambda _p, r: price(r),
    "price2": lambda _p, r: price(r),
    "zip": lambda _p, r: f"{r.randint(10000, 99999)}",
    "code": lambda _p, r: product_code(r),
    "score": lambda _p, r: f"{r.randint(90, 130)}-{r.randint(85, 125)}",
    "pay": pay_app,
    "pay2": pay_app,
    "phone": phone,
    "email": email,
    "messenger": messenger,
    "handle": lambda _p, r: handle(r),
    "link": link,
    "shop": shop,
    "wallet": lambda _p, r: crypto_address(r),
    "n": lambda _p, r: str(r.choice((2, 3, 5, 10, 50, 100))),
}
