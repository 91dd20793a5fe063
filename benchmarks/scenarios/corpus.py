"""Message texts for moderated-chat: a realistic marketplace mix of normal and harmful messages."""

from __future__ import annotations

import random

NORMAL = [
    "Hi! Is this still available?",
    "Would you take a little less if I pick it up today?",
    "Great, does it come with the charger?",
    "I can meet at the library parking lot around 5pm.",
    "Any scratches on the screen? Could you send one more photo?",
    "Thanks, see you tomorrow then.",
    "What size is it exactly?",
    "Sounds good to me, I'll bring exact change.",
]
SCAM = [
    "I will pay extra, my shipping agent will collect it, just confirm the payment email first",
    "Send me the verification code you got by text so I can release the funds",
    "I overpaid by mistake, please refund the difference with a gift card",
    "Click this link to receive your payment: secure-pay-claims.example",
]
OFF_PLATFORM = [
    "text me at 415 555 0133 and we sort it out there",
    "my email is seller.deals@example.com, write me there",
    "add me on whatsapp plus one 2 0 2 five five five 0 1 9 8",
    "pay me on venmo @cheap-bikes and skip the app fees",
]
HARASSMENT = [
    "you are a worthless idiot, nobody wants your junk",
    "answer me now or I'll make you regret it",
    "what a pathetic lowball, you clown",
]
SPAM = [
    "BEST DEALS!!! visit cheap-phones-outlet.example for 90% off everything!!!",
    "Earn $500 a day from home, DM me for details, limited spots",
    "FREE followers FREE likes click now click now click now",
]

CATEGORIES = {
    "normal": NORMAL,
    "scam": SCAM,
    "off_platform": OFF_PLATFORM,
    "harassment": HARASSMENT,
    "spam": SPAM,
}
# Most marketplace chat is ordinary; the rest is split across the harms the pipeline looks for.
DEFAULT_MIX = {"normal": 0.8, "scam": 0.05, "off_platform": 0.07, "harassment": 0.04, "spam": 0.04}


def picker(mix: dict[str, float], seed: int) -> tuple[list[str], list[str]]:
    """A deterministic sequence source: (categories, texts) drawn 10,000 at a time."""
    rng = random.Random(seed)
    names = list(mix)
    weights = [mix[n] for n in names]
    cats = rng.choices(names, weights, k=10_000)
    texts = [rng.choice(CATEGORIES[c]) for c in cats]
    return cats, texts
