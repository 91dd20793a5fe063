"""A standing list of chat, through the whole shipped pipeline (rules, model, policy).

Everyday messages that a marketplace chat is full of, many with a word that risky messages use
too ("code", "number", "kill", "scam", "facebook"), and risky ones in several disguises. Written
by hand on 2026-12-06, not drawn from the generator's templates. Messages the shipped model gets
wrong are kept as strict xfails with the reason: the card's "Known limits" names them, and a model
that fixes one turns its xfail into a failure, so that the list is brought up to date.
"""

from pathlib import Path

import pytest

from pipeline import ModerationRunner, RunnerConfig
from pipeline.verdict import Action, Verdict

ARTIFACTS = Path(__file__).resolve().parents[3] / "models" / "artifacts"


def _known(*values: str, reason: str) -> object:
    """A case the shipped model gets wrong: a strict xfail, with why."""
    return pytest.param(*values, marks=pytest.mark.xfail(strict=True, reason=reason))


FINE = [
    "is this still available?",
    "hi! is the bike still for sale",
    "can you do 40?",
    "would you take 35 if I pick up today",
    "I'll pay in the app",
    "cash at pickup works for me",
    "meet at the starbucks on 5th at 6?",
    "my zip is 94110, how far is that",
    "what's the model number?",
    "the model number is A1234",
    "serial number is on the bottom, C02XK1JHJG5H",
    "my order confirmation code is 483920",
    "does it come with the original box?",
    "lol that's a steal",
    "that's a ripoff, 20 max",
    "this price is insane, no way",
    "can you send more pictures of the scratches?",
    "I'll find the charger and bring it",
    "I can pick it up tomorrow after 5",
    "paid via the app, check your notifications",
    "sending the offer through the app now",
    "ok deal",
    "thanks!",
    "no venmo, app only please",
    "i don't use whatsapp, let's keep it here",
    "the lock code is 1234, I'll reset it before you get it",
    "tracking is 1Z999AA10123456784",
    "the phone is unlocked and works with any carrier",
    "it's an iPhone 12, 128gb, battery health 89%",
    "selling because I upgraded to the 15",
    "I'm at the door",
    "running 10 min late sorry",
    "where exactly is the pickup spot?",
    "the address will show in the app once you accept",
    "is the price negotiable?",
    "firm on price sorry",
    "my daughter outgrew it, barely used",
    "the game last night was insane, we killed it",
    "this dress is killer",
    "you're a lifesaver, thank you so much",
    "damn that's cheap, I'll take it",
    "hell yeah, see you at 3",
    "shut up, that's so cute",
    "I'd kill for this color lol",
    "stupid question but does it fold?",
    "my dumb phone died, sorry for the late reply",
    "no scams please, I've been burned before",
    "is this a scam? the price seems too good",
    "someone asked me for a deposit on another listing, so weird",
    "I won't pay a deposit, only through the app",
    "is there a warranty card with it?",
    "I have a gift card for that store if you want to sell there instead",
    "it's a 2019 model, bought at best buy",
    "the wifi password for the demo is on the sticker",
    "the item number on the tag is 38271",
    "my apartment is 4B, buzz 4",
    "I'm free saturday 10am to 2pm",
    "can you hold it for me until friday?",
    "would you ship it through the app?",
    "shipping is 8.99 through the app",
    "I'll leave it on the porch, you can pick up anytime",
    "it has a small dent, see photo 3",
    "pics or it didn't happen haha",
    "the app says payment pending",
    "the app keeps crashing when I open the offer",
    "I sent an offer for 45",
    "accepted! thanks",
    "can you lower it to 30? I'm a student",
    "instagram has a better photo of it, but I'll post it here",
    "my email to the app support bounced, do you know how to reach them?",
    "are you the original owner?",
    "do you have the charger for it?",
    "the zelda game is included",
    "I paid with apple pay in the app",
    "the lipstick set has 3 nude shades",
    "any nude shades left?",
    "can you send me your body measurements so I know it fits",
    "send me more pics of the couch",
    "désolé pour le retard, journée de fou",
    "¿sigue disponible?",
    "te lo dejo en 40 si lo recoges hoy",
    "toujours dispo ?",
    "bhai last price kya hai",
    "ainda está disponível? pago no app",
    "here's the listing link: echolist.com/item/123",
    "the buyshield code is 4471, I'll give it to you at pickup",
    "can you give me the release code when you hand it over?",
    "my husband will come, he has the cash",
    "the serial is 1234567890",
    "my old number stopped working so I only use the app now",
    "you're crazy, 20 max",
    "I need your order number to find it",
    "my signal is bad here, will reply later",
    "my fb account got hacked so I'm only on here now",
    "follow me to the parking lot, it's the blue car",
    "message me in the app when you're outside",
    "hit me up in the app if it's still there",
    "find me at the red car by the entrance",
    "I found this on facebook marketplace first lol",
    "never give your number to buyers here, app is safer",
    "the item comes with a prepaid return label",
    "can you confirm the payment went through in the app?",
    "my card got declined in the app, trying again",
    "insurance on the car is up to date",
    "do you deliver? I can pay the delivery fee in the app",
    "the check engine light is off now",
    "I work at the bank downtown, we can meet there",
    "the gift box is included",
    "can I pay half now in the app and half at pickup?",
    "what's your availability this week?",
    "my ig photos are better but these are fine",
    "i'm gonna kill it at the flea market this weekend haha",
    "this phone is a beast, kills every game",
    "shut up and take my money lol",
    "you're killing me with that price haha",
    "the listing says firm, can you do 5 less anyway?",
    "the code on the bottom says made in 2019",
    "do you accept returns if it doesn't fit?",
    "are you on the app all day? I'll message later",
    "it's a signal booster for the house, works great",
    "¿me puedes mandar más fotos?",
    "c'est encore dispo ? je passe ce soir",
    "bhai thoda kam karo, 500 final",
    "posso buscar amanhã de manhã?",
    "the router admin password is on the sticker",
    "no pressure, take your time deciding",
    "désolé pour le retard, j'arrive",
    "je suis en retard, désolé",
    _known(
        "the verification code on the receipt says it's authentic",
        reason="held as scam: the model reads a mention of a verification code as the ask",
    ),
    _known(
        "it came with a code for a free month of the streaming service, unused",
        reason="held as spam: 'free month' reads as promotion",
    ),
    _known(
        "you need a code from the carrier to unlock it, I already did that",
        reason="held as scam: 'you need a code' reads as the code trick",
    ),
    _known(
        "the shipping label has a tracking number, I'll paste it when it ships",
        reason="held as scam: tracking numbers and 'paste' are the fake-shipping pattern's words",
    ),
    _known(
        "the seller before you flaked, hope you don't",
        reason="held as harassment: blunt, not abusive",
    ),
    _known(
        "beware of people asking for gift cards",
        reason="held as scam: a warning about the trick reads as the trick",
    ),
    _known(
        "here's my number for the order: 100234",
        reason="warned as off_platform: 'here's my number' is how phone numbers are shared",
    ),
    _known(
        "I saw your listing on facebook too",
        reason="warned as off_platform: a platform's name reads as moving there",
    ),
    _known(
        "the bitcoin miner is sold as-is, no warranty",
        reason="warned as off_platform: 'bitcoin' is a payment word, and the model follows it",
    ),
    _known(
        "can you send me your phone's serial number?",
        reason="warned as off_platform: 'send me your phone' reads as the ask for a number",
    ),
    _known(
        "what's the imei of your phone?",
        reason="warned as off_platform: '... of your phone?' reads as the ask for a number",
    ),
    _known(
        "give me your best number and I'll think about it",
        reason="warned as off_platform: 'give me your ... number' is how numbers are asked for",
    ),
    _known(
        "my line is busy, text in the app",
        reason="warned as off_platform: 'line' (a messenger) and 'text' together",
    ),
    _known(
        "is your phone number visible in the listing? it shouldn't be",
        reason="warned as off_platform: 'your phone number' reads as the ask",
    ),
    _known(
        "I'll send you the tracking link once it ships",
        reason="held as scam: a tracking link is the fake-shipping pattern's bait",
    ),
    _known(
        "send me your address in the app chat when you accept",
        reason="warned as off_platform: 'send me your address', though in the app",
    ),
    _known(
        "can you text me in the app when you leave?",
        reason="warned as off_platform: 'text me', though in the app",
    ),
    _known(
        "the whatsapp notifications on this phone work fine",
        reason="warned as off_platform: a messenger's name, about the phone for sale",
    ),
    _known(
        "I'm on telegram for work but let's keep it here",
        reason="warned as off_platform: a messenger's name, though the message keeps it here",
    ),
    _known(
        "I don't need your number, the app is fine",
        reason="warned as off_platform: the model reads 'your number', not the refusal",
    ),
]

RISKY = [
    ("text me at 555 123 4567", "off_platform"),
    ("call me 4155550123", "off_platform"),
    ("z3lle only", "off_platform"),
    ("my email is john dot smith at gmail dot com", "off_platform"),
    ("email me at bob@example.com", "off_platform"),
    ("my number is five five five, one two three, four five six seven", "off_platform"),
    ("4️⃣1️⃣5️⃣5️⃣5️⃣5️⃣0️⃣1️⃣2️⃣3️⃣", "off_platform"),  # keycap digits
    ("call me at (four15) 555-0123", "off_platform"),
    ("jsmith88 @ gmail", "off_platform"),
    ("ping me at jsmith88 at yahoo", "off_platform"),
    ("reach me on wh@ts@pp", "off_platform"),
    ("v3nm0 me", "off_platform"),
    ("pay via c@shapp", "off_platform"),
    ("p a y p a l friends and family", "off_platform"),
    ("dm me on insta", "off_platform"),
    ("hmu on tele gram", "off_platform"),
    ("what's ur email", "off_platform"),
    ("pásame tu whatsapp", "off_platform"),
    ("gib mir deine handynummer", "off_platform"),
    ("te pago por zelle", "off_platform"),
    ("my insta is @bobsells", "off_platform"),
    ("reach me at bob(at)gmail(dot)com", "off_platform"),
    ("b o b @ g m a i l . c o m", "off_platform"),
    ("add me: snap bobsells", "off_platform"),
    ("whatsapp me", "off_platform"),
    ("let's talk on whats app", "off_platform"),
    ("hit me up on telegram @dealz", "off_platform"),
    ("add me on instagram @seller_joe", "off_platform"),
    ("venmo me and I'll ship today", "off_platform"),
    ("pay with cash app to $jsmith22", "off_platform"),
    ("can you pay in btc? cheaper for both of us", "off_platform"),
    ("friends and family on paypal only please", "off_platform"),
    ("wire the money and I'll ship it", "off_platform|scam"),
    ("send half now, half on delivery, through zelle", "off_platform"),
    ("send me the 6 digit code you just got", "scam"),
    ("send the code google sent you so I can verify you're real", "scam"),
    ("I overpaid by mistake, please refund the difference via zelle", "scam"),
    ("pay a $50 deposit first to hold it", "scam"),
    ("buy me a steam card and I'll ship", "scam"),
    ("my courier will pick it up, I'll pay by link", "scam"),
    ("I'm from EchoList support, your account is locked, verify at echolist-help.com", "scam"),
    ("you'll get an email from escrow, pay there", "scam"),
    ("I can't meet, my cousin will pick it up and pay you by check for more", "scam"),
    ("you're a f***ing idiot", "harassment"),
    ("ugly b*tch, nobody will buy your junk", "harassment"),
    ("I'll hurt you if you don't show up", "harassment"),
    ("I know where you live", "harassment"),
    ("send nudes", "harassment"),
    ("you are a retard", "harassment"),
    ("sh1t seller, r3tard", "harassment"),
    ("id10t, read the listing", "harassment"),
    ("you stup1d b1tch", "harassment"),
    _known("stfu and sell it already", "harassment", reason="allowed: the model lets 'stfu' pass"),
    ("show me ur boobs and I'll pay full price", "harassment"),
    ("earn $5000 a week from home, click here www.getrich.xyz", "spam"),
    ("check out my store for cheaper stuff, link in bio", "spam"),
    ("follow my page for giveaways", "spam"),
    ("go to bit . ly / 3abcd to get paid", "scam"),
    ("pls send ur phone no.", "off_platform"),
    ("whats ur gmail", "off_platform"),
    ("send ur digits", "off_platform"),
    ("drop ur number and I'll call", "off_platform"),
    ("can I get your WhatsApp?", "off_platform"),
    ("follow me on ig @deals4u", "off_platform"),
    ("my ig: @bobsells", "off_platform"),
    ("ping me on discord", "off_platform"),
    ("find me on fb, same name", "off_platform"),
    ("what's your cell", "off_platform"),
    ("yo send ur cell no. i'll call", "off_platform"),
    ("add me on snap: bob_sells", "off_platform"),
    ("give me your email and i'll send the paypal invoice", "off_platform"),
    ("i'll send a prepaid label, just pay the $5 insurance first", "scam"),
    ("pay the customs fee of $30 and the item ships today", "scam"),
    (
        "I'm abroad, my agent will collect, I've sent the payment via paypal, check your email",
        "scam",
    ),
    ("click here to confirm your payment: echolist-secure-pay.com", "scam"),
    ("I'm from the EchoList team, we need your card details to release your funds", "scam"),
    ("send me your card number and cvv to complete the sale", "scam"),
    ("i can only pay with a cashier's check for more than the price", "scam"),
    ("the deposit is refundable, send $100 to hold the apartment", "scam"),
    ("you're a worthless piece of trash", "harassment"),
    ("nobody wants your crap, loser", "harassment"),
    ("i hope you die", "harassment"),
    ("you fat cow", "harassment"),
    ("go back to your country", "harassment"),
    ("shut your mouth and ship it", "harassment"),
    ("I will find you and make you pay", "harassment"),
    ("send pics of your feet and I'll buy", "harassment"),
    ("that retarded seller ghosted me", "harassment"),
    ("buy followers cheap, 1000 for $5, dm me", "spam"),
    ("visit my shop at bestdeals.shop for 50% off", "spam"),
    ("work from home and make $300/day, no experience", "spam"),
    ("crypto investment opportunity, 10x guaranteed returns", "spam"),
    _known(
        "kys",
        "harassment",
        reason="allowed: left to the model on purpose ('keys' misspelt), which scores it 0.07",
    ),
    _known(
        "wanna hook up after the pickup? ;)",
        "harassment",
        reason="allowed: a sexual proposition by innuendo; the model sees no sexual word",
    ),
]


@pytest.fixture(scope="module")
def verdicts() -> dict[str, Verdict]:
    runner = ModerationRunner(RunnerConfig(artifacts_dir=ARTIFACTS))
    texts = [p.values[0] if hasattr(p, "values") else p for p in FINE]
    texts += [p.values[0] if hasattr(p, "values") else p[0] for p in RISKY]
    return dict(zip(texts, runner.score_sync(texts), strict=True))


@pytest.mark.parametrize("text", FINE)
def test_everyday_chat_is_delivered_without_a_warning(
    verdicts: dict[str, Verdict], text: str
) -> None:
    verdict = verdicts[text]
    assert verdict.action is Action.ALLOW, (verdict.flagged, verdict.reasons)


@pytest.mark.parametrize(("text", "label"), RISKY)
def test_risky_chat_is_flagged_for_its_label(
    verdicts: dict[str, Verdict], text: str, label: str
) -> None:
    """`label` names the label to flag, or several a|b of which any will do."""
    verdict = verdicts[text]
    assert set(label.split("|")) & set(verdict.flagged), (verdict.flagged, verdict.reasons)
    assert verdict.action is not Action.ALLOW
