# ruff: noqa: E501 - template data reads better one sentence per line
"""Training-only short messages, second round: internet-slang curses, put-downs and threats in a
few words, short link, payment-notice, fee and code asks, short shop plugs and contact asks, and
friendly short remarks and full-sentence safe talk that only look risky.

Written on 2026-12-07 for the 1.6.0 candidate (model card, History, "Short training families,
second round"), after the short families of 1.5.0 still left the networks unsure on a few words:
slang death wishes, "you're a joke" put-downs, "tap this" and "check your inbox" scam asks, short
store plugs, and friendly remarks about the app's own promo codes, "your call" or "no deposit,
just come". Written from the label definitions and the kinds of misses, not copied from any list,
by a writer who saw neither the tests nor the held-out phrasings; 43 phrasings that repeated, or
came close to (word-set Jaccard at least 0.6), a message of any list in `tests/` were then
dropped, since two writers of short chat often land on the same words."""

from __future__ import annotations

# Training only: none of these goes to validation, so validation stays comparable across data rounds.
VALIDATION = False

# fmt: off
TRAIN_ONLY: dict[str, tuple[str, ...]] = {
    # Fine: short friendly remarks, promo-code questions about the app itself, meetup logistics.
    "thanks": (
        "what a gem you are",
        "that's so thoughtful of you",
        "best seller ever, you",
        "you're very patient, thanks",
        "merci, t'es trop gentil",
        "mil gracias, crack",
        "danke dir, echt lieb",
    ),
    "smalltalk": (
        "you pick, i'm easy",
        "dealer's choice",
        "your decision, all good",
        "either works, you choose",
        "you call it",
        "como tú quieras",
        "comme tu veux",
    ),
    "offer": (
        "you bargain hard lol",
        "tough negotiator, fair enough",
        "haha you haggle like a pro",
        "you're good at this lol",
        "does my app coupon work on this?",
        "can i use the app's first-order discount?",
        "will the promo code in the app apply here?",
        "any app voucher i can use?",
    ),
    "logistics": (
        "ping me in the chat once you pull up",
        "drop me a chat message when you arrive",
        "let me know here when you're at the door",
        "buzz me on here when you're downstairs",
        "just msg me in the chat when close",
        "write here when you're 5 min away",
    ),
    "pickup": (
        "nothing to pay ahead, just come by",
        "no need to reserve, just show up",
        "no deposit, come see it first",
        "nothing owed till you've seen it",
        "just swing by, no money up front",
        "come have a look, no strings",
    ),
    "app_shipping": (
        "does the app's free shipping code work on this?",
        "is the shipping discount applied at checkout?",
        "app gave me a promo, can i use it?",
    ),
    "available": (
        "yep, still yours if you want it",
        "not gone yet!",
        "yes still up for grabs",
        "it's free, come get it",
    ),
    # Hard negatives: full sentences that only look risky.
    "safe_scam_talk": (
        "heads up, someone posing as support messaged me, don't fall for it",
        "i'll never ask for any code from your phone, ignore anyone who does",
        "just reported a fake buyer to the app, he wanted my verification code",
        "careful, there's a guy sending fake payment emails to sellers around here",
        "please don't open links people send you, pay through the listing only",
        "if anyone offers to pay you extra and wants change back, block them",
        "another buyer sent me a dodgy link so i flagged the account",
        "no deposit needed, the ones asking for deposits are usually scammers",
        "fyi the real support team never asks you for a login code in chat",
        "flagged that profile, they asked me to pay in gift cards lol",
    ),
    "in_app": (
        "checking out in the app so buyer protection has my back",
        "just hit buy now in the app and i'll post it tomorrow",
        "your money sits with the app until you say the parcel turned up ok",
        "got the payment notification in the app, packing it up now",
        "buyer protection covers you if it isn't as described, so no stress",
        "please use the checkout in the app, i don't take outside payments",
        "the payout from the app landed in my balance, thank you",
        "put a counteroffer in on the listing page, i'll approve it right away",
        "i'd rather get paid in the app, it keeps things simple for both of us",
        "paid in the app just now, order number should show on your side",
    ),
    "cash_pickup": (
        "cash at the door is perfect, no need to send anything before",
        "i'll have the cash on me when we meet at the station",
        "you can pay me in cash once you've checked that it works",
        "bring notes please, i don't have a card reader lol",
        "cash on collection only, and you can test it first",
        "we could meet at the coffee shop and you hand me cash there",
        "i'll stop at the cash machine on my way over to you",
        "small bills if you can when you pay cash at pickup",
        "llevo el dinero en efectivo al quedar, nada por adelantado",
        "cash in hand when i pick it up tomorrow works for me",
    ),
    "self_vent": (
        "ugh, dumb me, forgot the original box again",
        "damn it, my phone died halfway through typing that, sorry",
        "so mad at myself, sold the other half of the set last month",
        "crap, what a day, sorry i'm only replying now",
        "hate this stupid weather, hope the rain stops before pickup",
        "my bus is a total joke today, running ten minutes behind",
        "bloody hell, i measured it wrong, it's actually 40cm wide",
        "sorry, zero sleep and my head's mush, remind me of our time?",
        "f*ck, my car battery's dead, can we do tomorrow instead?",
        "so annoyed with myself, i listed the wrong size earlier",
    ),
    # Scam: short asks and fake notices.
    "phishing": (
        "open the link i sent",
        "press the link to release funds",
        "click {link} to confirm the sale",
        "use my link to collect payment",
        "tap it and enter your card",
        "fill in bank info at {link}",
        "hit the link quick pls",
        "link's there, just open it",
    ),
    "overpay": (
        "i'll send {price} extra, refund it",
        "paying more, send the rest back",
        "extra's included, just refund it",
        "sent too much oops, return it",
        "adding extra for my mover, refund rest",
    ),
    "fake_payment": (
        "check ur mail, money sent",
        "look in your email for the funds",
        "money sent, see your inbox",
        "your funds are pending, ship to release",
        "funds held till you send tracking",
        "payment locked until you ship",
        "bank emailed you the confirmation",
    ),
    "deposit": (
        "reserve it with a small fee",
        "booking fee first pls",
        "deposit needed to view",
        "small unlock fee first",
    ),
    "verify_code": (
        "pass me that texted code",
        "6 digits pls",
        "what's the pin they sent?",
        "type the code here",
        "just paste the code",
    ),
    "giftcard": (
        "grab a {gift} card and send it",
        "send the card numbers instead",
        "gift card is fine for me",
        "only taking {gift} codes",
    ),
    "support": (
        "marketplace help desk, confirm asap",
        "security team: confirm your identity",
        "your account is flagged, go to {link}",
        "listing suspended, click {link}",
        "trust & safety here, reply asap",
    ),
    "scam_send_first": (
        "ship first, pay after",
        "send it first, i'll pay",
    ),
    "courier": (
        "my driver will grab it",
        "courier pays, you click link",
    ),
    "scam_account_access": (
        "give me your login",
        "send your password",
    ),
    "check_rental": (
        "deposit for the keys first",
    ),
    # Spam: short plugs, follow asks, promos, get-rich, loans.
    "shop": (
        "peek at my shop 👀",
        "loads more stuff on {shop}",
        "my channel has deals",
        "my store's cheaper",
        "browse my shop {shop}",
        "swing by my page, link in bio",
    ),
    "followers_sale": (
        "follow for follow?",
        "f4f?",
        "follow me back pls",
        "like my page pls",
    ),
    "promo": (
        "huge sale on my site",
        "flash sale, link in bio",
        "daily deals, follow me",
        "free shipping at my store",
    ),
    "getrich": (
        "get rich quick, ask me",
    ),
    "loan_offer": (
        "need a loan? dm",
        "instant cash loans here",
    ),
    "referral_code": (
        "sign up with my code {code}",
    ),
    "chain_msg": (
        "forward this to 10 people",
    ),
    "job_pitch": (
        "hiring now, dm me",
    ),
    # Off-platform: short contact and payment asks.
    "ask_phone": (
        "drop ur number",
        "hit me w ur digits",
    ),
    "give_phone": (
        "it's {phone}, ring anytime",
        "ring me {phone}",
        "{phone} hmu",
    ),
    "move_sms": (
        "switch to texting?",
        "sms me",
        "easier by text",
    ),
    "messenger": (
        "hit me up on {messenger} pls",
        "slide in my insta dms",
    ),
    "email": (
        "reach me at {email}",
        "send it to my gmail",
    ),
    "named_pay": (
        "zelle it?",
    ),
    "crypto": (
        "pay in bitcoin?",
    ),
    "bank_transfer": (
        "wire it to me",
        "bank transfer ok?",
    ),
    # Harassment: short curses, put-downs, threats, creepy remarks, intimidation.
    "abuse": (
        "go kys lol",
        "unalive urself",
        "hope u get hit by a bus",
        "choke on it",
        "take a hike loser",
        "buzz off creep",
        "sod off",
        "gfy",
        "burn in hell lol",
        "off yourself, seriously",
        "go play in traffic",
        "vanish, loser 🖕",
        "ojalá te mueras",
        "dégage, connard",
        "verpiss dich",
        "crève",
    ),
    "insult": (
        "ur a joke",
        "total clown behavior 🤡",
        "🤡🤡🤡 ur the clown",
        "what a waste of time u are",
        "waste of air, you are",
        "complete waste of space",
        "joke of a seller",
        "clown buyer, bye",
        "braindead",
        "u r so dumb",
        "such a tool",
        "you absolute donkey",
        "ur a nobody",
        "nitwit",
        "idiota",
        "quel abruti",
        "du Vollidiot",
        "waste of my time, moron",
    ),
    "threat": (
        "gonna punch ur face in",
        "ill find u",
        "someone's gonna get hurt",
        "gonna hurt you bad",
        "see u in the parking lot 👊",
        "ur getting smacked",
        "i'll knock ur teeth out",
        "te voy a encontrar",
        "je vais te retrouver",
        "ich krieg dich, warte nur",
    ),
    "sexual": (
        "u look hot in ur pic",
        "send a selfie 😘",
        "what r u wearing",
        "wanna come to mine 😏",
        "bet ur cute",
        "dtf?",
        "kiss for a discount? 😘",
    ),
    "intimidate": (
        "you don't want problems",
        "don't test me",
        "careful who u mess with",
        "sell or else",
        "last warning",
        "keep talking, see what happens",
    ),
}
# fmt: on
