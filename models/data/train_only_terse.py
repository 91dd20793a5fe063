# ruff: noqa: E501 - template data reads better one sentence per line
"""Training-only terse chat: one- to three-word messages, fine and risky.

Written after a one-off list of terse chat (2026-12-06) showed one-word questions about the app
itself ("app?", "via app") warning as off_platform: training held about 100 such short
messages, mostly SMS. All training (`VALIDATION = False`), so validation stays comparable.
"""

from __future__ import annotations

VALIDATION = False

# fmt: off
TRAIN_ONLY: dict[str, tuple[str, ...]] = {
    "in_app": (
        "thru app?", "pay via the app?", "app payment?", "app is fine", "app only pls",
        "app works for me", "i'll do app", "app then", "app, ok", "using the app", "app it is",
        "app 👍", "app pay ok", "pay by app", "through app pls", "app checkout?", "buy in app?",
        "in-app?", "app's fine", "app good", "app is safer", "app or cash", "cash or app?",
        "app transfer ok", "paid thru app", "sent via app", "check the app", "app notif?",
        "por la app", "pela app?", "via l'appli", "über die app?", "app se", "sa app na lang",
    ),
    "logistics": (
        "addy?", "addr?", "where at?", "what address?", "send addy", "pin?", "drop a pin",
        "which entrance?", "what unit?", "parking?", "cross streets?", "zip?", "what area?",
        "which store?", "what time?", "eta?", "buzz?", "lobby?", "dirección?", "adresse ?",
    ),
    "pickup": ("today?", "tmr?", "tonight?", "pickup when?", "after 6?", "weekend?", "now ok?", "here", "outside", "at the door", "omw", "5 mins"),
    "available": ("up still?", "avail still?", "got it still?", "sold?", "gone?", "pending?", "any left?", "still for sale?", "¿disponible?", "dispo ?"),
    "offer": ("{price}?", "{price} cash?", "obo?", "firm?", "best?", "final?", "{price} ok?", "nego?", "do {price}?", "meet at {price}?", "{price} firm", "{price} and it's yours"),
    "thanks": ("ty!", "tysm", "cheers!", "gracias", "merci", "np", "kk", "okie", "sure", "bet", "cool", "perfect", "great thx"),
    "pay_app": ("zelle ok?", "zelle pls", "venmo?", "venmo pls", "cashapp?", "cash app ok?", "paypal?", "pp f&f?", "{pay}?", "wire ok?", "ur $tag?", "drop ur cashtag", "zelle only"),
    "ask_phone": ("ur #?", "num?", "phone?", "ur cell?", "digits?", "text #?", "number pls", "gimme ur number", "ur phone #", "número?", "ton num ?"),
    "messenger": ("whatsapp?", "wa pls", "tg?", "telegram pls", "{messenger}?", "{messenger} pls", "whatsapp me", "on whatsapp?"),
    "social_media": ("ig?", "insta?", "dm on ig", "ur ig?", "fb?", "tiktok?"),
    "email": ("email?", "ur email?", "mail?", "email pls", "gmail?", "ur gmail"),
    "verify_code": ("code?", "the code?", "send the code", "code pls", "what code?", "code u got?", "6 digits?", "otp?", "read me the code", "the 6 digit one?"),
    "giftcard": ("gift card?", "giftcard ok?", "itunes ok?", "steam card?", "amazon card?", "gift cards only"),
    "crypto": ("btc?", "crypto ok?", "eth?", "pay in btc?", "btc only", "{pay} or btc?"),
    "deposit": ("deposit first", "deposit?", "send deposit", "{price} deposit to hold", "deposit to hold it", "deposit then pickup"),
    "insult": ("idiot.", "ur dumb", "clown", "loser", "moron lol", "stfu", "gtfo", "f u", "pathetic", "dumbass"),
    "promo": ("dm for deals", "follow 4 follow", "check my page", "free followers", "earn $$$ dm me", "sub to my channel"),
}
