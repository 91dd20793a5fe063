"""Template families of marketplace chat. Each family belongs to exactly one split.

A family is a way of saying one thing (overpayment scams, asking for a phone number, blunt
haggling...). Families, not sentences, are split: the test split's families are phrasings the
model never trained on. `hard` marks hard negatives: fine messages that look risky on the surface.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Family:
    """A group of templates with the labels every sentence of it carries."""

    name: str
    labels: tuple[str, ...]
    split: str
    templates: tuple[str, ...]
    hard: bool = False


S, OFF, H, P = ("scam",), ("off_platform",), ("harassment",), ("spam",)
SO = ("scam", "off_platform")
N: tuple[str, ...] = ()

# fmt: off
FAMILIES: tuple[Family, ...] = (
    Family("ok_available", N, "train", (
        "is the {item} still available?", "hi, is this still for sale?", "still have the {item}?",
        "hey is the {item} available", "is it available? i can pick up {day}",
        "hola, todavía está disponible el {item}?", "est-ce que le {item} est toujours dispo?")),
    Family("ok_pickup", N, "train", (
        "i can pick up {day} at {time}", "can we meet at {place} {day}?",
        "i'll be there at {time}, white honda", "running 10 min late, sorry!",
        "here now, i'm by the entrance", "puedo recogerlo {day} a las {time}")),
    Family("ok_condition", N, "train", (
        "any scratches on the {item}?", "does the {item} come with the charger?", "how old is it?",
        "why are you selling it?", "does it work fine? any issues?", "what are the dimensions?",
        "is the battery still good?")),
    Family("ok_offer", N, "train", (
        "would you take {price}?", "can you do {price}?", "{price} and i pick up {day}",
        "best i can do is {price}", "ok deal at {price}", "would you go lower?",
        "i'll make an offer in the app")),
    Family("ok_thanks", N, "train", (
        "thanks, works great!", "great doing business with you", "got it, thank you!",
        "awesome, see you {day}", "no worries, have a good one", "muchas gracias!")),
    Family("ok_photos", N, "val", (
        "can you send more pictures of the {item}?", "could you post a photo of the back?",
        "is the color like in the picture?", "do you have the original box?")),
    Family("ok_logistics", N, "val", (
        "does it fit in a sedan?", "will you help me load it?", "i'll bring a friend to carry it",
        "is there parking near you?", "i'll message you when i leave")),
    Family("ok_question_test", N, "test", (
        "what year did you buy the {item}?", "is the price negotiable at all?",
        "would you hold it until {day}? i'll pay through the app", "can i test it before buying?",
        "is it smoke free home?", "hallo, ist der {item} noch da?")),
    Family("ok_meetup_test", N, "test", (
        "let's do {place} at {time}", "i'm in a grey suv near the door", "on my way, eta 15 min",
        "can we push to {time}? traffic is bad", "on peut se voir {day} à {time}?")),
    Family("ok_smalltalk_test", N, "test", (
        "my kid is going to love this", "perfect for my new apartment",
        "you have a nice place btw", "sorry for the late reply, busy day", "my wife says hi haha")),
    Family("hn_cash_pickup", N, "train", (
        "i'll pay cash at pickup", "cash only at meetup is fine?", "i'll bring exact cash {price}",
        "can i pay cash when i see it?", "cash in person works for me"), hard=True),
    Family("hn_in_app", N, "train", (
        "i'll pay in the app", "i'll use buyshield in the app", "sent the offer through the app",
        "i don't use {pay}, i'll pay here in the app", "let's keep it in the app, safer for both",
        "paid through the app just now"), hard=True),
    Family("hn_numbers", N, "train", (
        "it's {price}, price is firm", "i'm in {zip}, close to downtown", "the model is {code}",
        "comes with 2 batteries and 128gb", "pickup near zip {zip}", "{n} left in stock",
        "it's a {code}, bought in 2021 for {price}"), hard=True),
    Family("hn_sports", N, "train", (
        "did you see the {team} game? {score}!", "{team} killed it last night",
        "lol i'm a {team} fan too", "can't make it during the {team} game haha"), hard=True),
    Family("hn_blunt", N, "train", (
        "{price} is way too much", "no lowballers, price is firm", "that's a ridiculous offer",
        "not interested at that price", "nope, {price} or nothing",
        "this thing is a killer deal"), hard=True),
    Family("hn_code", N, "val", (
        "the serial number is on the back", "is there a promo code in the app?",
        "what's the model code on the label?", "my address is in the app profile"), hard=True),
    Family("hn_meet_numbers", N, "val", (
        "meet at {place}, spot number {n}", "i'll be at door 3 at {time}",
        "the apartment is unit {n}, buzz me", "i'll pay the {price} cash at pickup"), hard=True),
    Family("hn_test_money", N, "test", (
        "i'll pay the full {price} through buyshield", "cash at pickup works, see you {day}",
        "no {pay} please, just use the app", "can i pay in the app instead of cash?",
        "i only do in-app payments", "the price is {price} + it includes the cables"), hard=True),
    Family("hn_test_numbers", N, "test", (
        "my zip is {zip}", "item number {code}", "sold for {price} new, asking {price2}",
        "this {item} is sick, the sound absolutely slaps", "{team} won {score} lol",
        "box says {code}, is that the 2022 version?"), hard=True),
    Family("hn_test_blunt", N, "test", (
        "come on, {price} is a joke for that", "dude that price is insane",
        "i'm not paying that, {price} final", "take it or leave it, {price}",
        "the verification of the serial went fine, thanks"), hard=True),
    Family("scam_overpay", S, "train", (
        "i'll send {price} more than asking, just refund the difference",
        "i accidentally sent extra, please return the difference to me",
        "my check is for {price}, cash it and send back the rest",
        "i overpaid by mistake, please refund me the extra {price}")),
    Family("scam_fake_payment", S, "train", (
        "payment sent! check your email for the confirmation from echolist payments",
        "i have paid, you should get an email to release the funds",
        "your payment is pending until you upgrade your account, check email",
        "the money is on hold until you send the tracking number")),
    Family("scam_courier", S, "train", (
        "{courier} will pick it up, i'll pay by link",
        "i'm out of town, {courier} will collect it, pay the shipping fee at {link}",
        "my {courier} will come get it, just accept the payment at {link}")),
    Family("scam_verify_code", S, "train", (
        "send me the verification code you just got",
        "i need to verify you're real, what's the code",
        "please read me the 6 digit code google sent you",
        "tell me the code i texted you to confirm the sale")),
    Family("scam_deposit", S, "train", (
        "send a {price} deposit to hold it", "i need a deposit before you can see it",
        "pay {price} reservation fee first and it's yours",
        "pay the delivery fee first and i'll ship the {item}")),
    Family("scam_giftcard", S, "train", (
        "can you pay with {gift}?", "i only accept {gift}, send me the codes",
        "buy {gift} and send photos of the back")),
    Family("scam_phishing", S, "train", (
        "confirm your account here to receive payment: {link}",
        "your listing was flagged, verify at {link}", "click {link} to claim your payment",
        "log in at {link} so the buyer can pay")),
    Family("scam_support", S, "val", (
        "echolist support here, your account will be suspended unless you verify",
        "this is the safety team, we need your login to release funds",
        "hello from echolist security, confirm your card details to continue")),
    Family("scam_check_rental", S, "val", (
        "i'll mail a cashier's check for {price}, ship when it arrives",
        "the apartment is yours, send first month's rent and i'll mail the keys",
        "i'm overseas, send the deposit and the landlord will mail keys")),
    Family("scam_test_tickets", S, "test", (
        "i have 2 concert tickets, pay first and i transfer them",
        "tickets are {price}, send the money and i'll email them after",
        "last 2 tickets for the {team} game, pay now before they're gone")),
    Family("scam_test_refund", S, "test", (
        "sorry i paid {price} too much, can you send back the excess?",
        "the bank sent you double, please return the extra amount today",
        "i'll write a check for more than the price, you refund the rest")),
    Family("scam_test_code", S, "test", (
        "what is the sms code you received? i need it to finish",
        "forward me the code from your phone so i can verify you",
        "give me the one-time code they sent you")),
    Family("scam_test_fee", S, "test", (
        "there's a {price} insurance fee for shipping, pay it first",
        "before the viewing i need a small holding fee",
        "you must pay customs {price} before i can send it",
        "your buyer protection needs activation: {link}")),
    Family("off_ask_phone", OFF, "train", (
        "what's your number?", "can i get your phone number?", "give me your number i'll text you",
        "text me instead, what's your cell?", "dame tu número y te escribo")),
    Family("off_give_phone", OFF, "train", (
        "call me at {phone}", "text me {phone}", "my number is {phone}",
        "reach me on {phone} it's faster", "escríbeme al {phone}")),
    Family("off_email", OFF, "train", (
        "email me at {email}", "send the details to {email}", "what's your email?",
        "my email is {email}, write me there")),
    Family("off_pay_app", OFF, "train", (
        "can i pay with {pay}?", "do you take {pay}?", "i'll send it by {pay}",
        "{pay} only please", "pay me on {pay} and it's yours", "aceptas {pay}?")),
    Family("off_messenger", OFF, "train", (
        "add me on {messenger} {handle}", "let's talk on {messenger}", "message me on {messenger}",
        "i'm {handle} on {messenger}")),
    Family("off_avoid_fees", OFF, "val", (
        "let's do it outside the app to skip the fees", "we can deal directly, no app needed",
        "i can pay you directly by {pay}", "contact me outside here, {phone}")),
    Family("off_crypto", OFF, "val", (
        "i can pay in crypto, send your wallet", "send it to my wallet {wallet}",
        "i pay in {pay}, what's your address?")),
    Family("off_test_contact", OFF, "test", (
        "hit me up on {messenger}", "let's continue on {messenger} {handle}", "ping me at {phone}",
        "write to {email}", "you can reach me at {email} anytime")),
    Family("off_test_pay", OFF, "test", (
        "is {pay} ok with you?", "i'd rather use {pay} than the app", "{pay} works? i send now",
        "can you accept {pay}? easier for me", "i prefer paying via {pay}")),
    Family("off_test_number", OFF, "test", (
        "whats ur digits", "drop your cell and i'll call", "i'll call you, number?",
        "mon numéro c'est {phone}", "ruf mich an: {phone}")),
    Family("so_pay_first", SO, "train", (
        "send {price} by {pay} first and i'll ship the {item}",
        "pay the deposit on {pay} to hold it", "{pay} me the shipping fee and it's yours")),
    Family("so_code_phone", SO, "val", (
        "text me at {phone}, i'll send you a code, tell me what it says",
        "give me your number for the verification code")),
    Family("so_test_wire", SO, "test", (
        "wire the money via {pay} and my agent delivers tomorrow",
        "pay with {pay} now, {courier} will bring it", "send {gift} codes to {email}")),
    Family("har_insult", H, "train", (
        "you're a {insult}", "what an {insult}", "shut up you {insult}",
        "only a {insult} would ask that price", "eres un {insult}")),
    Family("har_threat", H, "train", (
        "i know where you live", "you'll regret this, watch your back", "i'm going to find you",
        "keep wasting my time and see what happens")),
    Family("har_sexual", H, "train", (
        "send me pics of yourself", "you look hot, come to my place instead",
        "bet you'd look good without clothes")),
    Family("har_intimidate", H, "val", (
        "answer me now or i'll make you pay", "i'll leave you fake bad reviews everywhere",
        "i'll report you until your account is gone, {insult}")),
    Family("har_test_insult", H, "test", (
        "go to hell, {insult}", "nobody cares about your junk, {insult}",
        "you people are disgusting", "stupid {insult}, learn to read")),
    Family("har_test_threat", H, "test", (
        "i'll beat you up if you don't sell", "you better watch yourself",
        "i'm coming to your house tonight", "i'll break your legs")),
    Family("spam_getrich", P, "train", (
        "earn {price} a day from home, dm me", "make money fast with my program, join now",
        "i made {price} this week trading, ask me how", "work from home, no experience needed")),
    Family("spam_shop", P, "train", (
        "check out my store {shop} for cheaper", "cheap watches at {shop}",
        "50% off everything at {shop}", "buy followers at {shop}")),
    Family("spam_promo", P, "val", (
        "win a free iphone, click {shop}", "limited offer! visit {shop} now",
        "join my crypto signals group, {n}x returns")),
    Family("spam_test", P, "test", (
        "best replicas in town, see {shop}", "become your own boss, i'll teach you, dm",
        "follow my page for daily deals {shop}", "passive income secret revealed, {shop}",
        "free giveaway at {shop}, hurry")),
)
# fmt: on
