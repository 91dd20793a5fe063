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
from tests.support.everyday import RULE_ROUNDS

ARTIFACTS = Path(__file__).resolve().parents[3] / "models" / "artifacts"


def _known(*values: str, reason: str) -> object:
    """A case the shipped model gets wrong: a strict xfail, with why."""
    return pytest.param(*values, marks=pytest.mark.xfail(strict=True, reason=reason))


FINE = [
    "my brother works at yahoo, he can check the router settings",
    "the imei is 356938035643809, check it's clean",
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
    "el código del portón es 4471, toca el timbre",
    "te mando el código de descuento por sms",
    "cuidado, alguien me pidió el código de verificación, no se lo di",
    "o código de segurança do cartão fica atrás",
    "eres un genio, gracias",
    "le code de l'immeuble c'est le 4b",
    "¿me puedes mandar el código postal?",
    "manda o código do produto?",
    _known(
        "tu es vraiment sympa",
        reason="held as harassment: 'tu es ...' (you are) reads as the start of an insult",
    ),
    _known(
        "você é um anjo, obrigado",
        reason="held as harassment: 'você é um ...' (you are a) reads as the start of an insult",
    ),
    # A later batch (2026-12-06, a later session): payments, support, delays and haggling.
    "I paid through the app, you should see it under offers",
    "the app says payment pending, is that normal?",
    "I got an email from EchoList saying the item sold, is that you?",
    "careful, someone messaged me pretending to be EchoList support",
    "do you want me to send the tracking number here once it's shipped?",
    "my cousin might come instead of me, is that ok? he'll pay in the app",
    "can I see it before I pay? I'll pay in the app right there",
    "the deposit on the bottle return is 10 cents lol",
    "I left a review, thanks for the smooth deal",
    "the seller agreed to 40, sending the offer now",
    "no rush, I'm free all weekend",
    "my phone died, sorry for the late reply",
    "the code on the bottom of the lamp says it's from 1962",
    "I got scammed last month so I only pay through the app now",
    "could you hold it until friday? I get paid thursday",
    _known(
        "the gift card is not included, just the wallet",
        reason="held as scam (0.72): the [gift_card] marker; its refusal is not marked",
    ),
    "do you ship or pickup only?",
    "what's your best price for both?",
    "that's too low, I paid 300 for it new",
    "nah man, that's a rip off, I'll pass",
    "I'm so dumb, I forgot the charger",
    *RULE_ROUNDS,
    _known(
        "what's your pin code? I want to check if delivery is possible",
        reason="held as scam (0.74): an Indian postal code reads as a card's PIN to the model",
    ),
    _known(
        "I forgot my password, give me a minute to log back into the app",
        reason="held as scam (0.72): the model reads 'password' and 'give me', not whose",
    ),
    _known(
        "te voy a buscar a la estación a las 5",
        reason="held as harassment (0.55): 'te voy a ...' (I'm going to pick you up) reads as a "
        "threat's start to the model",
    ),
    _known(
        "can you share your address so I can pick it up tomorrow?",
        reason="warned as off_platform (0.74): asking for a pickup address reads as asking for a "
        "contact",
    ),
    _known(
        "my cousin will text me via WA when he's there to pick it up",
        reason="warned by the social-handle rule: 'text me via WA', though a cousin texts",
    ),
    _known(
        "sorry I can't share my screen, my login is on my work laptop",
        reason="held as scam (0.73) by the model: 'share' and 'login'",
    ),
    _known(
        "schick mir die nummer, die du vom paket bekommen hast, damit ich es verfolgen kann",
        reason="held as scam (0.78) by the model: a number received, in German, reads as a code",
    ),
    _known(
        "mi número de pedido es 12345, ¿me pasas el código de seguimiento?",
        reason="warned as off_platform (0.73) by the model: a tracking code asked for in Spanish",
    ),
    _known(
        "I know which house you live in, my aunt lives next door! see you tomorrow",
        reason="held as harassment (0.96) by the model: knowing where someone lives",
    ),
    _known(
        "I'll verify your account works by sending a small offer first",
        reason="held as scam (0.89) by the model: 'verify your account' reads as phishing",
    ),
    _known(
        "my tiktok is for cooking videos, not selling lol",
        reason="held as spam (0.42) by the model: a social account named reads as promotion",
    ),
    _known(
        "je vais te défoncer à Mario Kart ce soir",
        reason="held as harassment (0.59) by the model: a game taunt reads as a threat",
    ),
    _known(
        "ti spacco la faccia a briscola stasera ahah",
        reason="held as harassment (0.82) by the model: a card-game taunt reads as a threat",
    ),
    _known(
        "I know what route you take, the 5 bus, same as me",
        reason="held as harassment (0.58) by the model: knowing someone's route reads as stalking",
    ),
    _known(
        "bit.ly is blocked at my work, send the full link please",
        reason="held as scam (0.77) by the model: a link shortener's name",
    ),
    _known(
        "I'll be outside the building, text me in the app when you're here",
        reason="warned as off_platform (0.69): 'text me' reads as moving to texts",
    ),
    _known(
        "let's close the deal tomorrow, I'll pay in the app",
        reason="warned as off_platform (0.69) by the model",
    ),
    _known(
        "vou te matar de inveja com esse tênis haha",
        reason="held as harassment (0.57) by the model: 'vou te matar' (a joke: die of envy)",
    ),
    _known(
        "je vais te tuer avec ce prix imbattable lol",
        reason="held by the threat rule: 'je vais te tuer' (a joke about the price); an idiom "
        "the rule does not know",
    ),
    _known(
        "did you remember your password for the ps4 account? you need to remove it before selling",
        reason="held as scam (0.79): 'your password' reads as asking for it to the model",
    ),
    _known(
        "ich gebe dir den code, den ich bekommen habe, für den rabatt",
        reason="held as scam (0.79): a code received, in German, reads as a verification code",
    ),
    _known(
        "please log out of your account on the tablet before you sell it",
        reason="held as scam (0.87): 'your account' reads as an account takeover to the model",
    ),
    _known(
        "te voy a matar de risa con este precio jaja",
        reason="held as harassment (0.65): 'te voy a matar' (a joke: you'll die laughing)",
    ),
    _known(
        "what's your username on here? I can't find your other listings",
        reason="warned as off_platform (0.80): 'what's your ...' reads as asking for a contact",
    ),
    # Short replies (a third session): of 73 one- to three-word replies, only these two were
    # flagged ("You too!", "u too", "thank you" and "you?" pass).
    _known("you too", reason="held as harassment (0.77): a bare 'you' reads as an insult's start"),
    _known("you", reason="held as harassment (0.88): a bare 'you' reads as an insult's start"),
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
    ("jsmith88 at g mail", "off_platform"),  # allowed until 2026-12-06 (off_platform 0.12)
    # Card numbers and messengers in other scripts (2026-12-06, a later session): allowed before.
    ("Переведи мне деньги на карту, номер 4276 1234 5678 9014", "off_platform"),
    ("pay to my card 5500-0000-0000-0004", "off_platform"),
    ("请加我微信 bobsells 付款", "off_platform"),
    ("أرسل لي رقم هاتفك على واتساب", "off_platform"),
    # Defanged links (2026-12-06, a later session): "bit[.]ly" warned as off_platform only.
    ("go to bit[.]ly/3xYz to pay the fee", "scam"),
    ("click hxxps://secure-payment-verify[.]com/login to confirm", "scam"),
    ("check my other listings at www[.]cheap-bags[.]biz", "spam"),
    ("bit dot ly slash 3xyz to confirm payment", "scam"),
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
    ("dame tu número y te llamo", "off_platform"),
    ("passe-moi ton numéro", "off_platform"),
    ("me passa seu zap", "off_platform"),
    ("manda teu whats que te chamo", "off_platform"),
    ("apna number do", "off_platform"),
    ("bhai whatsapp pe baat karte hain", "off_platform"),
    ("send it to my upi id", "off_platform"),
    ("pay on gpay, my number is linked", "off_platform"),
    ("paypal.me/bobsells", "off_platform"),
    ("send to my cashapp", "off_platform"),
    ("whtsapp me", "off_platform"),
    ("my tele is @bobdeals", "off_platform"),
    ("ig?", "off_platform"),
    ("fb?", "off_platform"),
    ("can u do revolut", "off_platform"),
    ("e-transfer only, send to my email", "off_platform"),
    ("interac e-transfer works", "off_platform"),
    ("pay me with apple cash", "off_platform"),
    ("venmo @bob-sells-22", "off_platform"),
    ("zelle to my wife's phone, she handles it", "off_platform"),
    ("i take crypto, usdt trc20", "off_platform"),
    ("send half via western union", "off_platform"),
    ("pay by bank transfer and i ship tomorrow", "off_platform"),
    ("text me 415 five five five 0123", "off_platform"),
    ("four one five, 555, 01 23", "off_platform"),
    ("call me at +44 7700 900123", "off_platform"),
    ("my number: 07700900123", "off_platform"),
    ("mail me bob at outlook dot com", "off_platform"),
    ("contact: bob.sells[at]proton[dot]me", "off_platform"),
    ("envíame el código que te llegó por sms", "scam"),
    ("manda o código que chegou no seu celular", "scam"),
    ("envoie-moi le code reçu par sms", "scam"),
    ("jo OTP aaya hai wo bata do", "scam"),
    ("I sent too much, pls refund the extra $200 by zelle", "scam"),
    ("my shipping company will collect, just pay their $40 fee", "scam"),
    ("i'll pay extra for fast shipping, just accept the payment link i email you", "scam"),
    ("verify your account here or it gets suspended: echoIist-verify.net", "scam"),
    ("congrats you won a $500 gift card from EchoList! claim: bit.ly/claimgift", "scam"),
    ("I'm a soldier overseas, can't meet, will pay by check", "scam"),
    ("eres un idiota", "harassment"),
    ("t'es qu'un connard", "harassment"),
    ("você é um lixo", "harassment"),
    ("tu madre es una puta", "harassment"),
    ("I'll break your legs if you scam me", "harassment"),
    ("I'm gonna come to your house", "harassment"),
    ("you ugly piece of sh!t", "harassment"),
    ("kill yourself", "harassment"),
    ("go die", "harassment"),
    ("earn 💰💰 from home, DM for details", "spam"),
    ("hot singles in your area, click the link", "spam"),
    ("follow @bestdeals4u for daily discounts", "spam"),
    ("cheap iphones at my own site, link in bio", "spam"),
    _known(
        "wats app?",
        "off_platform",
        reason="allowed: 'wats app' with no verb or handle; the model scores it 0.0",
    ),
    _known(
        "the apartment is yours if you wire the first month today",
        "scam",
        reason="allowed: scam 0.54 under the 0.68 threshold; 'wire' alone names no payment rail",
    ),
    _known(
        "you better watch out",
        "harassment",
        reason="allowed: a veiled threat; harassment 0.36",
    ),
    _known(
        "f u c k you",
        "harassment",
        reason="allowed: it reads 'fuck you', which the SMS data holds in banter labelled fine",
    ),
    _known(
        "nice a$$, send more pics",
        "harassment",
        reason="allowed: sexual harassment without a word the rules or the model know",
    ),
    # Insults that were allowed until 2026-12-06 (a later session).
    ("ur so dumb lol", "harassment"),
    ("eat shit", "harassment"),
    # A later batch (2026-12-06, a later session): the scams of the label definition, in turn.
    (
        "EchoList Support here: your account is suspended, verify your payment details at "
        "echolist-support-center.com",
        "scam",
    ),
    ("this is the EchoList safety team, we need your login to release the funds", "scam"),
    (
        "I already paid, check your email for the payment confirmation from "
        "echolist-payments@gmail.com",
        "scam",
    ),
    ("the money is in escrow with DHL, they will release it once you send the tracking", "scam"),
    (
        "my assistant will pick it up, I'll send a check for $1500, cash it, give him the rest",
        "scam",
    ),
    ("I'm overseas on a ship, my agent will collect it, just send me your bank details", "scam"),
    ("you need to pay the $30 insurance fee first so the courier can deliver the payment", "scam"),
    ("venue changed, send me $50 for the transfer fee and I'll send the tickets", "scam"),
    ("the apartment is available, send the deposit and first month and I'll mail the keys", "scam"),
    ("I sent too much by mistake, please refund the extra $200 via western union", "scam"),
    ("pay with apple gift cards and I'll ship today", "scam"),
    ("I'll only buy if you pay the shipping through my FedEx account link first", "scam"),
    ("your listing was reported, confirm your identity here: bit.ly/el-verify", "scam"),
    ("can you do 40 through zelle? i don't trust the app fees", "off_platform"),
    ("lets do it over cash app, the app takes a cut", "off_platform"),
    ("ill venmo you half now half at pickup", "off_platform"),
    ("hit me on my cell, 555 0192 area code 415", "off_platform"),
    ("you're a joke, nobody's buying that trash at that price lmao", "harassment"),
    ("I'll come to your house and you'll regret it", "harassment"),
    ("send a pic of you wearing it ;)", "harassment"),
    # Asking for a password, a bank login, a card's security code or an SSN, and short links
    # to pay or print a label: allowed until 2026-12-06 (a third session), but the two that
    # the model already caught (the PIN and the Apple ID).
    ("the app sent you an email, confirm your bank login there", "scam"),
    ("what is the cvv on your card?", "scam"),
    ("tell me your ssn so I can run the escrow check", "scam"),
    ("give me your card pin and I'll withdraw the deposit", "scam"),
    ("reply with your apple id and password so I can send the payment", "scam"),
    ("visit bit(.)ly/3xYz for the shipping label", "scam"),
    ("print the shipping label from this link: tinyurl(.)com/lbl55", "scam"),
    ("add me on WA", "off_platform"),  # WhatsApp's short name; allowed until then
    ("envía una tarjeta de regalo de amazon y te reservo el artículo", "scam"),  # allowed before
    ("tu pagal hai kya, bewakoof", "harassment"),  # allowed before
    # Written after reading validation's misses (a third session), in other words: each was
    # allowed before but "je vais te casser la gueule" and "skip the app, ..." (model).
    ("how about we finish this outside the app and I knock off 20", "off_platform"),
    ("skip the app, I'll give you 30 less", "off_platform"),
    ("ik maak je kapot als ik je zie", "harassment"),
    ("je vais te casser la gueule", "harassment"),
    ("hast du den code bekommen? schick ihn mir", "scam"),
    ("pakisend yung code na natanggap mo", "scam"),
    ("answer me or I'll post your home address in every local group", "harassment"),
    ("I know which building you live in, think about that", "harassment"),
    ("go back to india and take your lowball offers with you", "harassment"),
]


@pytest.fixture(scope="module")
def verdicts() -> dict[str, Verdict]:
    runner = ModerationRunner(RunnerConfig(artifacts_dir=ARTIFACTS))
    texts = [p.values[0] if hasattr(p, "values") else p for p in FINE]
    texts += [p.values[0] if hasattr(p, "values") else p[0] for p in RISKY]
    # One at a time: as a message is scored alone, whatever else is in flight (1.4.1's scores
    # moved with the other messages of a batch; see the card's History, "Batch composition").
    return {text: runner.score_sync([text])[0] for text in texts}


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
