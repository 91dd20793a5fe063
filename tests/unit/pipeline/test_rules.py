import pytest

from pipeline.stages.normalize import normalize
from pipeline.stages.rules import RuleHit, combine, is_contact, match_rules, model_input
from tests.support.everyday import RULE_ROUNDS


def names(text: str) -> set[str]:
    return {hit.name for hit in match_rules(normalize(text))}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("text me at four one five 555 0192", "phone"),
        ("call (415) 555-0192", "phone"),
        ("write to john at gmail dot com", "email"),
        ("send it to 0x52908400098527886E0F7030069857D2E4169EE7", "crypto_address"),
        ("my wallet bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "crypto_address"),
        ("send me the verification code", "verification_code"),
        ("tell me the code you just got", "verification_code"),
        ("what's the 6 digit code?", "verification_code"),
        ("pay me on z3lle", "payment_app"),
        ("do you take cash app?", "payment_app"),
        ("add me on whatsapp", "messenger"),
        ("send it to $jsmith22", "payment_app"),  # a Cash App cashtag
        ("my cashtag is $jsmith", "payment_app"),
        ("cash.app/$jsmith", "payment_app"),
        ("t.me/dealsbot", "messenger"),
        ("wa.me/15551234567", "messenger"),
        ("m.me/john.smith", "messenger"),
        ("pay with ᴄᴀsʜ ᴀᴘᴘ", "payment_app"),  # small capitals
        ("🅩🅔🅛🅛🅔 only", "payment_app"),
        ("add me on w̶h̶a̶t̶s̶a̶p̶p̶", "messenger"),
        ("see https://bit.ly/abc", "link"),
        ("i know where you live", "threat"),
        ("send nudes and i'll buy it now", "sexual"),
        ("you are a retard", "insult"),
        ("u r such a loser", "insult"),
        ("you absolute moron, i said pickup only", "insult"),
        ("send me some naked pics", "sexual"),
        ("send me your body pics baby", "sexual"),
        ("show me ur boobs", "sexual"),
        ("pls send ur phone no.", "contact_request"),
        ("what's your email", "contact_request"),
        ("can i get your whatsapp?", "contact_request"),
        ("drop ur digits", "contact_request"),
        ("add me: snap bobsells", "social_handle"),
        ("my ig is @bobsells", "social_handle"),
        ("find me on fb, same name", "social_handle"),
        ("add me on WA", "social_handle"),
        ("tu pagal hai kya, bewakoof", "insult_hi"),
        ("chal nikal, chutiye", "insult_hi"),
        ("tu ek number ka kamina hai, nikal yahan se", "insult_hi"),
        ("págame con tarjetas de regalo, mándame foto del código", "gift_card_request"),
        ("só aceito cartão presente", "gift_card_request"),
        ("envía una tarjeta de regalo de amazon y te reservo el artículo", "gift_card_request"),
        ("compra um cartão presente e me manda o código", "gift_card_request"),
        ("achète des cartes cadeaux et envoie-moi les codes", "gift_card_request"),
        ("how about we finish this outside the app and I knock off 20", "leave_app"),
        ("i'll take 100 if we leave the app out of it", "leave_app"),
        ("let's not run this through echolist, i'll give you a discount", "leave_app"),
        ("hablemos por fuera de la app, es más fácil", "leave_app"),
        ("können wir das außerhalb der app machen?", "leave_app"),
        ("just decline the order, we'll settle it between us, off the app", "leave_app"),
        ("good morning, off app?", "leave_app"),
        ("ik maak je kapot als ik je zie", "threat_intl"),
        ("je vais te casser la gueule", "threat_intl"),
        ("te voy a partir la cara", "threat_intl"),
        ("i have a gun and very little patience", "threat_intl"),
        ("hast du den code bekommen? schick ihn mir", "code_request"),
        ("ano yung code na natanggap mo? pakisend dito", "code_request"),
        ("you got two codes? send me the newest one", "code_request"),
        ("reply or i'll post your address online", "doxxing"),
        ("i will share your address on facebook", "doxxing"),
        ("i know which school your son goes to", "doxxing"),
        ("go back to mexico with ur cheap offers", "hate_remark"),
        ("lol go back to your country", "hate_remark"),
        ("msg me via tg", "social_handle"),
        ("sh1t seller, r3tard", "slur"),
        ("that retarded seller ghosted me", "slur"),
        ("envíame el código que te llegó por sms", "code_request"),
        ("manda o código que chegou no seu celular", "code_request"),
        ("envoie-moi le code reçu par sms", "code_request"),
        ("¿me pasas el código de verificación?", "code_request"),
        ("eres un idiota", "insult"),
        ("você é um lixo", "insult"),
        ("t'es qu'un connard", "insult"),
        ("the app sent you an email, confirm your bank login there", "credential_request"),
        ("what's your online banking password so I can send the money", "credential_request"),
        ("what is the cvv on your card?", "credential_request"),
        ("tell me your ssn so I can run the escrow check", "credential_request"),
        ("give me your card pin and I'll withdraw the deposit", "credential_request"),
        ("I need your paypal login to release the payment", "credential_request"),
        ("visit bit(.)ly/3xYz for the shipping label", "short_link"),
        ("pay the fee at https://tinyurl.com/claim88", "short_link"),
    ],
)
def test_rule_matches(text: str, rule: str) -> None:
    assert rule in names(text)


@pytest.mark.parametrize(
    "text",
    [
        "i'm in 94110",
        "the model is SKU 8840-221",
        "it's $1,250 firm",
        "i'll pay cash at pickup",
        "what's the model code on the label?",
        "i'll give you the release code at pickup",
        "is it still available?",
        "register at followers-now.net",
        "if anyone asks you for a verification code, it's a scam, just fyi",
        "never share the verification code you get by sms",
        "the lipstick set has 3 nude shades",
        "any nude shades left?",
        "can you send me your body measurements so i know it fits",
        "send me a nude color swatch",
        "send me more pics of the couch",
        "show me your best price",
        "désolé pour le retard, journée de fou",
        "you're crazy, 20 max",
        "you're a lifesaver",
        "are you the idiot-proof model or the pro?",
        "i need your order number to find it",
        "can you send me your phone's serial number?",
        "give me your best number",
        "my line is busy, text in the app",
        "my signal is bad here",
        "listing number is 33817 if search isn't findig it",
        "i found it on facebook marketplace",
        "follow me to the parking lot",
        "message me in the app when you're outside",
        "i don't need your number, the app is fine",
        "je suis en retard, désolé",
        "quelle journée pourrie, je suis en retard",
        "désolé du retard",
        "el código del portón es 4471, toca el timbre",
        "te mando el código de descuento por sms",
        "cuidado, alguien me pidió el código de verificación, no se lo di",
        "o código de segurança do cartão fica atrás",
        "¿me puedes mandar el código postal?",
        "eres un genio, gracias",
        "você é um anjo, obrigado",
        "tu es vraiment sympa",
        "can you remove your icloud login from the phone before I pick it up?",
        "does the laptop have a bios password?",
        "what's your wifi password lol",
        "did you reset your phone's passcode before selling it?",
        "what's your pin code? for the delivery",
        "if a page ever asks for your password, close it, the app never does that",
        "how do you report someone asking for your bank login?",
        "blocked him, he wanted my bank login to send the payment",
        "never share your password with anyone",
        "the cvv on my card got scratched off, I'll pay cash",
        "cuidado, piden tarjetas de regalo, es estafa",
        "me regalaron una tarjeta de regalo, la vendo",
        "let's not take this off the app, i want the purchase protection",
        "i never pay outside the app",
        "someone asked me to pay outside the app once, it was a scam",
        "we can do cash without the app at pickup",
        "heads up, fake buyers keep asking people to pay outside the app",
        "te voy a buscar a la estación a las 5",
        "ti vengo a prendere alle 6",
        "vou te pegar no aeroporto",
        "did you get a code for the discount? nice",
        "you got the code for the gate?",
        "can you share your address for pickup?",
        "i'll share your address with the courier",
        "i know which bus to take to get to you",
        "i have to go back to mexico next week so selling fast",
        "we go back to china in june",
        "te voy a matar de risa con este precio jaja",
        "vou te matar de inveja com esse tênis haha",
        "compra un cartão presente para tu madre, es buen regalo",
        "I know what route you take, the 5 bus, same as me",
        "the seller is in wa too",
        "you can check the reviews at bit.ly/rev5 before you buy",
        *RULE_ROUNDS,
        "my tiktok is for cooking videos, not selling lol",
        # Friendly neighbours the rules leave alone (the model holds them).
        "I know which house you live in, my aunt lives next door! see you tomorrow",
        "I know which school your daughter goes to, it's the one next to mine, small world",
        # Game taunts the rules leave alone (the model holds some: see the standing list).
        "te voy a dar una paliza al pádel el domingo jaja",
        "je vais te défoncer à Mario Kart ce soir",
        "vou te quebrar no futebol amanhã kkk",
        "ti spacco la faccia a briscola stasera ahah",
    ],
)
def test_hard_negatives_hit_no_weighted_rule(text: str) -> None:
    assert [hit for hit in match_rules(normalize(text)) if hit.weight > 0] == []


def test_combine_sets_a_floor_and_keeps_higher_scores() -> None:
    hits = (RuleHit("phone", "off_platform", 0.9), RuleHit("payment_app", "off_platform", 0.0))
    out = combine({"off_platform": 0.2, "scam": 0.7}, hits)
    assert out["off_platform"] == pytest.approx(1 - 0.8 * 0.1)
    assert out["scam"] == 0.7
    assert combine({"off_platform": 0.2}, (hits[1],))["off_platform"] == 0.2


def test_a_warning_about_the_code_trick_is_a_signal_only() -> None:
    """The marker still reaches the model (which reads the context); only the floor goes."""
    warning = match_rules(normalize("if anyone asks you for a verification code, it's a scam"))
    assert [(h.name, h.weight) for h in warning] == [("verification_code", 0.0)]
    ask = match_rules(normalize("send me the verification code you got, it's not a scam"))
    assert [(h.name, h.weight) for h in ask] == [("verification_code", 0.9)]


@pytest.mark.parametrize(
    "text",
    [
        "my order confirmation code is 483920",
        "the verification code on the receipt says it's authentic",
        "it has a 6 digit pin on the lock, reset to 0000",
        "mag-ingat kayo sa mga humihingi ng otp, scam yan palagi",
        "someone asked me for a verification code, i reported them",
    ],
)
def test_a_mention_of_a_code_is_a_signal_only(text: str) -> None:
    """The rule acts on a request for the code; a mention leaves the decision to the model."""
    assert [(h.name, h.weight) for h in match_rules(normalize(text))] == [
        ("verification_code", 0.0)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "what's the 6 digit number you got?",
        "read me the one time code and we're done",
        "i need the verification number that popped up on your screen",
        "otp aaya hoga, jaldi batao",
        "don't worry it's just the verify code, everyone sends it, go ahead",
        "it's just the confirmation number they sent you",
        "sed me the verification code you just got",
    ],
)
def test_a_request_for_a_code_sets_the_floor(text: str) -> None:
    assert [(h.name, h.weight) for h in match_rules(normalize(text))] == [
        ("verification_code", 0.9)
    ]


def test_scam_free_is_no_warning() -> None:
    hits = match_rules(normalize("send me the verification code, it is a scam-free app"))
    assert [(h.name, h.weight) for h in hits] == [("verification_code", 0.9)]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("can i send it with remitly?", "payment_app"),
        ("skrill or payoneer, which one do you have?", "payment_app"),
        ("te pago por yape o plin", "payment_app"),
        ("may gcash ka ba?", "payment_app"),
        ("bizum primero y te lo envío", "payment_app"),
        ("kann ich per twint zahlen?", "payment_app"),
        ("manda a chave pix", "payment_app"),
        ("zapłacę blikiem", "payment_app"),
        ("je te paie par lydia", "payment_app"),
        ("send it to my wise account", "payment_app"),
        ("monero only, privacy thing", "payment_app"),
        ("i can pay in usdc on trc20", "payment_app"),
        ("add me on discord", "messenger"),
        ("text me on imessage", "messenger"),
        ("my kakao talk id is sunny", "messenger"),
    ],
)
def test_payment_rails_and_messengers_around_the_world(text: str, rule: str) -> None:
    assert rule in names(text)


@pytest.mark.parametrize(
    "text",
    [
        "that's a wise choice, the bike is solid",
        "can you send more pix of the couch?",
        "hi lydia, is the dresser still available?",
        "een blik verf erbij?",
        "50 mein de doge kya?",
        "i'll pay with apple pay in the app",
        "the lamp has a swiss plug",
        "i'll toss in the charger",
    ],
)
def test_everyday_words_that_name_a_payment_app_elsewhere_set_no_marker(text: str) -> None:
    assert not names(text) & {"payment_app", "messenger"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i don't use zelle, i'll pay here in the app", {"payment_app_refused"}),
        ("no zelle, app only", {"payment_app_refused"}),
        ("sorry, no venmo please", {"payment_app_refused"}),
        ("i'd rather not use paypal friends and family", {"payment_app_refused"}),
        ("i don't do cashapp or bitcoin, only the buy button", {"payment_app_refused"}),
        ("kein paypal bitte", {"payment_app_refused"}),
        ("i don't have whatsapp, message me here", {"messenger_refused"}),
        # A name that is offered, or offered after a refused one, stays a payment app.
        ("no venmo, zelle only", {"payment_app"}),
        ("why not zelle?", {"payment_app"}),
        ("don't worry, zelle is instant", {"payment_app"}),
        ("no fees if you pay with zelle", {"payment_app"}),
        # The Portuguese "no" is "on the".
        ("pode ser no zelle? te mando agora", {"payment_app"}),
        ("me chama no whatsapp", {"messenger"}),
    ],
)
def test_a_refused_payment_app_or_messenger_gets_its_own_marker(
    text: str, expected: set[str]
) -> None:
    markers = {"payment_app", "payment_app_refused", "messenger", "messenger_refused"}
    assert names(text) & markers == expected


def test_a_refused_messenger_is_no_contact() -> None:
    assert is_contact("messenger")
    assert not is_contact("messenger_refused")


@pytest.mark.parametrize("text", ["it costs $450", "$5 off if you pick up today", "i paid $40.50"])
def test_a_price_is_no_cashtag(text: str) -> None:
    assert "payment_app" not in names(text)


@pytest.mark.parametrize(
    "text",
    [
        "i'll kill you",
        "i'm gonna hurt your family",
        "i will find you",
        "i'll hunt you down",
        "i'll beat you up",
        "i'm gonna shoot you",
        "i know where you live",
    ],
)
def test_threats_are_severe(text: str) -> None:
    hits = [hit for hit in match_rules(normalize(text)) if hit.name == "threat"]
    assert hits
    assert hits[0].severe


@pytest.mark.parametrize(
    "text",
    [
        "i'll find the charger and bring it",
        "i will find a box for it",
        "i'll find you a buyer if you want",
        "i'll beat any price you find",
        "i'll beat your price",
        "i'll shoot you a text when i'm outside",
        "i'm gonna kill it at my interview today",
        "i will hurt my back carrying this lol",
        "i'll get you the receipt tomorrow",
        "i'll find you at the food court, red hat",
        "dammit, locked my kys in the car, running late",
    ],
)
def test_everyday_errands_are_no_threat(text: str) -> None:
    assert "threat" not in names(text)


@pytest.mark.parametrize(
    "text",
    [
        "the ISBN is 978-0-13-468599-1",
        "isbn 9780134685991, first edition",
        "upc 012345678905 on the box",
        "serial no. 3141592653 on the back",
        "model number 1234567890",
        "fedex tracking 7749 1234 5678",
    ],
)
def test_product_numbers_are_no_phone(text: str) -> None:
    assert "phone" not in names(text)


def test_a_phone_next_to_a_product_number_still_counts() -> None:
    assert "phone" in names("serial no. 3141592653, call me at 415 555 0192")


@pytest.mark.parametrize(
    "text", ["3dprintedminiaturesforsalecheap", "1stgenerationipadprominimodel"]
)
def test_long_words_are_no_wallet(text: str) -> None:
    assert "crypto_address" not in names(text)


def test_a_legacy_wallet_address_still_counts() -> None:
    assert "crypto_address" in names("send it to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("send nudes and i'll buy it now", "sexual"),
        ("pls send ur phone no.", "contact_request"),
        ("add me: snap bobsells", "social_handle"),
        ("sh1t seller, r3tard", "slur"),
        ("envíame el código que te llegó por sms", "code_request"),
        ("what is the cvv on your card?", "credential_request"),
    ],
)
def test_a_rule_added_after_training_sends_the_model_no_marker(text: str, rule: str) -> None:
    """Such a rule flags by itself but leaves the model's input as it was trained."""
    normalized = normalize(text)
    hits = match_rules(normalized)
    assert [(h.name, h.weight) for h in hits] == [(rule, 0.9)]
    assert model_input(normalized, hits) == normalized


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("I don't need your number, the app is fine", "contact_request"),
        ("no need to send your email, app chat works", "contact_request"),
    ],
)
def test_an_excused_rule_without_a_marker_leaves_no_hit(text: str, rule: str) -> None:
    """It would set no floor and send no marker; a hit would still name it as a reason and let
    the context stage count a refusal as a request."""
    assert rule not in names(text)


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("my email is jsmith88@gmail", True),
        ("write to j.smith at hotmail", True),
        ("jsmith88 at g mail", True),
        ("my brother works at yahoo", False),  # a name without a digit, "_", "." or "+"
        ("I love gmail", False),
    ],
)
def test_an_address_without_its_dot_com(text: str, hit: bool) -> None:
    assert ("email" in names(text)) is hit


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("my card is 4111 1111 1111 1111 exp 12/27, charge it yourself", True),  # Visa
        ("pay to my card 5500-0000-0000-0004", True),  # Mastercard
        ("amex 378282246310005", True),
        ("Переведи мне деньги на карту, номер 4276 1234 5678 9014", True),
        ("pay to my card 4111 1111 1111 1112", False),  # fails the checksum
        ("the imei is 356938035643809, check it's clean", False),  # no card issuer's prefix
        ("tracking 4111111111111111", False),  # a number after a product label
    ],
)
def test_a_payment_card_number(text: str, hit: bool) -> None:
    assert ("card_number" in names(text)) is hit


@pytest.mark.parametrize(
    "text",
    ["请加我微信 bobsells 付款", "أرسل لي رقم هاتفك على واتساب", "напиши мне в вотсап"],
)
def test_messengers_named_in_other_scripts(text: str) -> None:
    assert "messenger" in names(text)


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("ur so dumb lol", True),
        ("you are really stupid", True),
        ("eat shit", True),
        ("lol fuck off", True),
        ("piss off, I'm not selling to you", True),
        ("go fuck yourself", True),
        ("tell her I said eat shit", False),  # reported speech
        ("get this dude to fuck off", False),
        ("I'm so dumb, I forgot the charger", False),  # at oneself
        ("you're stupid fast at replying", False),
        ("ur stupid phone case is cute", False),
    ],
)
def test_more_insults_aimed_at_the_person(text: str, hit: bool) -> None:
    assert ("insult" in names(text)) is hit


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("dumbass", True),
        ("Dumbass!! 😡", True),
        ("such a lowlife", True),
        ("stupid bitch", True),
        ("f off", True),
        ("fk you", True),
        ("u suck", True),
        ("f u c k you", True),  # spaced letters are joined by the normalizer
        ("dumbass?", False),  # a question may be about an item
        ("idiot me, forgot the charger", False),  # not the whole message
        ("you suck at haggling lol", False),
        ("what a loser that other seller was", False),
        ("kys", False),  # also "keys" misspelt: left to the model
        ("clown", False),  # also an item
    ],
)
def test_a_message_that_is_nothing_but_an_insult(text: str, hit: bool) -> None:
    assert ("insult_alone" in names(text)) is hit
