# ruff: noqa: E501 - template data reads better one sentence per line
"""Template families of marketplace chat, grouped by concept.

A concept is one thing people say (an overpayment scam, asking for a phone number, blunt
haggling...); each of its templates is a family: one phrasing, with `[a|b]` alternatives and
`{slot}` fillers. `hard` marks hard negatives: fine messages that look risky on the surface.
`families.py` adds the phrasings of the per-label modules and splits them all.
"""

from __future__ import annotations

S, OFF, H, P = ("scam",), ("off_platform",), ("harassment",), ("spam",)
SO = ("scam", "off_platform")
N: tuple[str, ...] = ()

# fmt: off
CONCEPTS: tuple[tuple[str, tuple[str, ...], bool, tuple[str, ...]], ...] = (
    # ---- fine ----
    ("available", N, False, (
        "is the {item} still available?", "hi, is this still for sale?", "still have the {item}?",
        "[hey|hi|hello] is the {item} [available|still up]", "is it available? i can pick up {day}",
        "hola, todavía está disponible el {item}?", "est-ce que le {item} est toujours dispo?",
        "hallo, ist der {item} noch da?", "is this still a thing or sold?",
        "did the {item} sell yet?", "interested in the {item}, still available?",
        "i'd like to buy the {item} if it's still available")),
    ("pickup", N, False, (
        "i can pick up {day} at {time}", "can we meet at {place} {day}?",
        "i'll be there at {time}, [white honda|grey suv|red truck]", "running 10 min late, sorry!",
        "here now, i'm by the entrance", "puedo recogerlo {day} a las {time}",
        "on my way, eta 15 min", "let's do {place} at {time}",
        "can we push to {time}? traffic is bad",
        "on peut se voir {day} à {time}?", "what time works for you {day}?",
        "i'm parked out front", "is {place} ok for the meetup?",
        "can you bring it down to the lobby?")),
    ("condition", N, False, (
        "any scratches on the {item}?", "does the {item} come with the charger?", "how old is it?",
        "why are you selling it?", "does it work fine? any issues?", "what are the dimensions?",
        "is the battery still good?", "what year did you buy the {item}?",
        "can i test it before buying?", "is it a smoke free home?", "any stains or pet hair?",
        "has it ever been repaired?", "is the screen cracked at all?")),
    ("offer", N, False, (
        "would you take {price}?", "can you do {price}?", "{price} and i pick up {day}",
        "best i can do is {price}", "ok deal at {price}", "would you go lower?",
        "i'll make an offer in the app", "is the price negotiable at all?",
        "would you do {price} if i come today?", "how low can you go?",
        "i sent you an offer of {price}", "meet me in the middle at {price}?")),
    ("thanks", N, False, (
        "thanks, works great!", "great doing business with you", "got it, thank you!",
        "awesome, see you {day}", "no worries, have a good one", "muchas gracias!",
        "my kid is going to love this", "perfect for my new apartment", "merci beaucoup!",
        "sorry for the late reply, busy day", "thanks for holding it for me")),
    ("photos", N, False, (
        "can you send more pictures of the {item}?", "could you post a photo of the back?",
        "is the color like in the picture?", "do you have the original box?",
        "can you show the serial plate in a photo?", "another pic of the side please",
        "can you add a video of it running to the listing?", "what brand is it exactly?")),
    ("logistics", N, False, (
        "does it fit in a sedan?", "will you help me load it?", "i'll bring a friend to carry it",
        "is there parking near you?", "i'll message you here when i leave",
        "which floor are you on?", "do i need a truck for it?", "can you hold it until {day}?",
        "i'll ship it through the app's shipping option", "does it come apart for transport?")),
    ("smalltalk", N, False, (
        "you have a nice place btw", "my wife says hi haha", "crazy weather today huh",
        "good luck with the move!", "i have the same one in black",
        "this is my first purchase here",
        "my daughter will be so happy", "lol sorry, autocorrect")),
    # ---- hard negatives ----
    ("cash_pickup", N, True, (
        "i'll pay cash at pickup", "cash only at meetup is fine?", "i'll bring exact cash {price}",
        "can i pay cash when i see it?", "cash in person works for me",
        "cash at pickup works, see you {day}", "i'll have {price} in cash ready",
        "i pay cash when we meet at {place}", "efectivo al recoger, ok?")),
    ("in_app", N, True, (
        "i'll pay in the app", "i'll use buyshield in the app", "sent the offer through the app",
        "i don't use {pay}, i'll pay here in the app", "let's keep it in the app, safer for both",
        "paid through the app just now", "i'll pay the full {price} through buyshield",
        "no {pay} please, just use the app", "can i pay in the app instead of cash?",
        "i only do in-app payments", "the app says payment is held, see you at pickup",
        "i'd rather not use {pay}, the app protects us both")),
    ("numbers", N, True, (
        "it's {price}, price is firm", "i'm in {zip}, close to downtown", "the model is {code}",
        "comes with 2 batteries and 128gb", "pickup near zip {zip}", "{n} left",
        "it's a {code}, bought in 2021 for {price}", "my zip is {zip}", "item number {code}",
        "sold for {price} new, asking {price2}", "box says {code}, is that the 2022 version?",
        "the price is {price} + it includes the cables", "it's 34 x 22 x 18 inches",
        "bought it in 2019 for {price}", "serial starts with {code}")),
    ("sports", N, True, (
        "did you see the {team} game? {score}!", "{team} killed it last night",
        "lol i'm a {team} fan too", "can't make it during the {team} game haha",
        "{team} won {score} lol", "the {team} are going to crush it this year",
        "that {team} game was insane", "can we meet after the {team} game?")),
    ("blunt", N, True, (
        "{price} is way too much", "no lowballers, price is firm", "that's a ridiculous offer",
        "not interested at that price", "nope, {price} or nothing", "this thing is a killer deal",
        "come on, {price} is a joke for that", "dude that price is insane",
        "i'm not paying that, {price} final", "take it or leave it, {price}",
        "this {item} is sick, the sound absolutely slaps", "stop lowballing me, it's {price}",
        "that offer is insulting lol", "don't waste my time with {price}")),
    ("code_words", N, True, (
        "the serial number is on the back", "is there a promo code in the app?",
        "what's the model code on the label?", "my address is in the app profile",
        "the verification of the serial went fine, thanks", "the building door code is at pickup",
        "what's the zip code for pickup?", "the qr code on the box is scratched",
        "i'll give you the release code at pickup", "the gate code is on the buzzer, unit {n}")),
    ("meet_numbers", N, True, (
        "meet at {place}, spot number {n}", "i'll be at door 3 at {time}",
        "the apartment is unit {n}, buzz me", "i'll pay the {price} cash at pickup",
        "i'm in lot b, row {n}", "exit {n} off the highway, then left",
        "call me when you're here, i mean message me in the app", "text me here when you arrive")),
    # ---- scam ----
    ("overpay", S, False, (
        "i'll send {price} more than asking, just refund the difference",
        "i accidentally sent extra, please return the difference to me",
        "my check is for {price}, cash it and send back the rest",
        "i overpaid by mistake, please refund me the extra {price}",
        "sorry i paid {price} too much, can you send back the excess?",
        "the bank sent you double, please return the extra amount today",
        "i'll write a check for more than the price, you refund the rest",
        "[i sent|you got] {price} extra by error, [kindly|please] send it back")),
    ("fake_payment", S, False, (
        "payment sent! check your email for the confirmation from echolist payments",
        "i have paid, you should get an email to release the funds",
        "your payment is pending until you upgrade your account, check email",
        "the money is on hold until you send the tracking number",
        "the payment will show once you confirm on the link i emailed",
        "i paid already, the bank needs you to accept it at {link}",
        "check your inbox, echolist sent the payment approval, click it",
        "funds are in escrow, send the item first and they release")),
    ("courier", S, False, (
        "{courier} will pick it up, i'll pay by link",
        "i'm out of town, {courier} will collect it, pay the shipping fee at {link}",
        "my {courier} will come get it, just accept the payment at {link}",
        "someone else will pick up, i'll send payment through a link",
        "i can't come, {courier} picks up {day}, i pay online first",
        "my driver will collect, you just need to pay the delivery insurance",
        "{courier} will bring the money and take the item, just fill the form at {link}",
        "i'm working offshore, my mover will pick up once you confirm the payment link")),
    ("verify_code", S, False, (
        "[send|give|tell|forward] me the [code|numbers|digits] [you got|you received|they texted you|from the text]",
        "[you'll|you will] get a [code|text|sms], [send|read|give] it to me [to verify|so i know you're real|to confirm]",
        "send me the verification code you just got",
        "i need to verify you're real, what's the code",
        "please read me the 6 digit code google sent you",
        "tell me the code i texted you to confirm",
        "what is the sms code you received? i need it to finish",
        "forward me the code from your phone so i can verify you",
        "give me the one-time code they sent you",
        "[just|pls] send the code you [got|received] to confirm",
        "i sent a code to your phone, tell me the numbers", "what's the 6 digit number you got?",
        "before we meet i need the confirmation code from your texts")),
    ("deposit", S, False, (
        "send a {price} deposit to hold it", "i need a deposit before you can see it",
        "pay {price} reservation fee first and it's yours",
        "pay the delivery fee first and i'll ship the {item}",
        "before the viewing i need a small holding fee",
        "you must pay customs {price} before i send it",
        "there's a {price} insurance fee for shipping, pay it first",
        "a {price} refundable deposit is required to reserve it",
        "pay half now and half when it arrives", "first pay the fee and then i tell the address")),
    ("giftcard", S, False, (
        "can you pay with {gift}?", "i only accept {gift}, send me the codes",
        "buy {gift} and send photos of the back", "pay with {gift}, it's faster",
        "get {n} {gift} and text me the numbers", "scratch the {gift} and send the pin",
        "i take {gift} only, scratch and send")),
    ("phishing", S, False, (
        "confirm your account here to receive payment: {link}",
        "your listing was flagged, verify at {link}", "click {link} to claim your payment",
        "log in at {link} so the buyer can pay", "your buyer protection needs activation: {link}",
        "enter your card details at {link} to get paid", "verify your identity here {link} asap",
        "go to {link} and sign in to release the money")),
    ("support", S, False, (
        "echolist support here, your account will be suspended unless you verify",
        "this is the safety team, we need your login to release funds",
        "hello from echolist security, confirm your card details to continue",
        "[official|echolist] support: your account is locked, reply with your password",
        "we are the echolist payments department, send your bank details",
        "this is buyshield, your payout needs your card number",
        "echolist admin here, pay the verification fee or the listing gets removed")),
    ("check_rental", S, False, (
        "i'll mail a cashier's check for {price}, ship when it arrives",
        "the apartment is yours, send first month's rent and i'll mail the keys",
        "i'm overseas, send the deposit and the landlord will mail keys",
        "i'll send a money order for more, deposit it and wire the rest",
        "the house is available, pay the deposit and i'll ship the keys",
        "my cashier's check covers shipping too, send the extra to my mover",
        "you can't see the apartment now but pay the deposit to secure it")),
    ("tickets", S, False, (
        "i have 2 concert tickets, pay first and i transfer them",
        "tickets are {price}, send the money and i'll email them after",
        "last 2 tickets for the {team} game, pay now before they're gone",
        "pay first and i send the tickets tonight, promise",
        "i'll transfer the tickets once the money arrives, no refunds",
        "front row tickets, half price, pay upfront",
        "selling a puppy, pay the shipping and vaccination fee first")),
    ("prize", S, False, (
        "congrats, you won a {price} voucher, pay the processing fee to claim",
        "you've been selected for a reward, confirm at {link}",
        "your item won our seller lottery, send {price} to unlock the prize")),
    # ---- off platform ----
    ("ask_phone", OFF, False, (
        "what's your number?", "can i get your phone number?", "give me your number i'll text you",
        "text me instead, what's your cell?", "dame tu número y te escribo", "whats ur digits",
        "drop your cell and i'll call", "i'll call you, number?", "send me your phone #",
        "can we talk by phone? what's your number", "do you have a number i can text?")),
    ("give_phone", OFF, False, (
        "[reach|contact|call|text|whatsapp] me [at|on] {phone} [please|thanks|asap|for details]",
        "[my|here's my|this is my] [number|cell|phone|mobile] {phone}",
        "call me at {phone}", "text me {phone}", "my number is {phone}",
        "reach me on {phone} it's faster", "escríbeme al {phone}", "ping me at {phone}",
        "mon numéro c'est {phone}", "ruf mich an: {phone}", "here's my cell {phone}",
        "[call|text] {phone} [anytime|after 5|for faster reply]")),
    ("email", OFF, False, (
        "email me at {email}", "send the details to {email}", "what's your email?",
        "my email is {email}, write me there", "write to {email}",
        "you can reach me at {email} anytime", "drop me an email, {email}",
        "give me your email and i'll send the invoice", "contact {email} for the rest")),
    ("pay_app", OFF, False, (
        "[can|could] [you|u] [take|accept|do] {pay} [instead|rather than the app|please]?",
        "[i'll|i will|let me] [send|pay|transfer] [the money|you|it] [via|with|by|on] {pay}",
        "can i pay with {pay}?", "do you take {pay}?", "i'll send it by {pay}", "{pay} only please",
        "pay me on {pay} and it's yours", "aceptas {pay}?", "is {pay} ok with you?",
        "i'd rather use {pay} than the app", "{pay} works? i send now",
        "can you accept {pay}? easier for me", "i prefer paying via {pay}",
        "what's your {pay}?", "i'll {pay} you the {price} now", "send me your {pay} info")),
    ("messenger", OFF, False, (
        "[add|find|text|message|contact] me on {messenger} [{handle}|same name|for faster reply]",
        "[do you have|are you on|can we use] {messenger}? [easier|faster|i don't check this app]",
        "add me on {messenger} {handle}", "let's talk on {messenger}", "message me on {messenger}",
        "i'm {handle} on {messenger}", "hit me up on {messenger}",
        "let's continue on {messenger} {handle}", "do you have {messenger}?",
        "[find|add] me on {messenger}, same name", "chat on {messenger} is easier for me")),
    ("direct", OFF, False, (
        "[let's|lets|we can] [deal|do this|talk|trade] [outside the app|off the app|privately|directly]",
        "[the app|echolist|this site] [takes|charges] [fees|a cut|too much], [pay me|i'll pay you] [directly|straight|privately]",
        "[cancel|skip|forget] [the offer|buyshield|the app payment] and [pay me|i pay you] [directly|in person online|privately]",
        "let's do it outside the app to skip the fees", "we can deal directly, no app needed",
        "i can pay you directly by {pay}", "contact me outside here, {phone}",
        "let's not use the app, they take a cut", "we don't need the app, i pay you straight",
        "cancel the offer here and i pay you privately", "skip buyshield, i'll send it directly")),
    ("crypto", OFF, False, (
        "i can pay in crypto, send your wallet", "send it to my wallet {wallet}",
        "i pay in {pay}, what's your address?", "my wallet is {wallet}",
        "i can send btc right now, wallet?", "pay to {wallet} and i release it")),
    # ---- scam and off platform together ----
    ("pay_first_app", SO, False, (
        "send {price} by {pay} first and i'll ship the {item}",
        "pay the deposit on {pay} to hold it",
        "{pay} me the shipping fee and it's yours",
        "wire the money via {pay} and my agent delivers",
        "pay with {pay} now, {courier} will bring it", "send {gift} codes to {email}",
        "send the deposit to my {pay} and i'll mail it {day}",
        "text me at {phone}, i'll send you a code, tell me what it says",
        "give me your number for the verification code",
        "pay the holding fee by {pay} before you see it")),
    # ---- harassment ----
    ("insult", H, False, (
        "[you|u] [stupid|dumb|brainless|useless|ugly|fat|lazy] [idiot|moron|loser|clown|cow|pig|b*tch]",
        "[what a|such a|you absolute|you total] [joke|clown|waste of space|disgrace|moron|idiot|loser]",
        "[shut up|get lost|piss off|go away|f off], [idiot|loser|moron|clown|creep|freak]",
        "[only|just] [an idiot|a moron|a fool|a clown] would [sell|list|price] [this|it] [like that|this way|at {price}]",
        "[you people|sellers like you|you scammers] are [disgusting|pathetic|the worst|trash|garbage]",
        "you're a {insult}", "what a {insult}", "shut up you {insult}",
        "only a {insult} would ask that price", "eres un {insult}", "go to hell, {insult}",
        "nobody cares about your junk, {insult}", "you people are disgusting",
        "stupid {insult}, learn to read", "f*** you and your {item}", "you ugly {insult}",
        "are you retarded or what", "get lost, {insult}", "what a pathetic {insult} you are")),
    ("threat", H, False, (
        "[i'll|i will|gonna] [hurt|beat|punch|smash|destroy] you [if|unless] you [don't|dont] [sell|answer|reply]",
        "[watch out|be careful|better sleep with one eye open], i [know|found] your [address|car|house]",
        "[next time|when] i see you [you're|your] [dead|done|finished]",
        "[i'll|i will] [come|show up] [to|at] your [place|house|door] and [make you pay|teach you a lesson]",
        "[mess|play] with me and [you'll|you will] [get hurt|regret it|see what happens]",
        "[i have|i got] your [address|plate number|photo], [see you soon|think about it]",
        "i know where you live", "you'll regret this, watch your back", "i'm going to find you",
        "keep wasting my time and see what happens", "i'll beat you up if you don't sell",
        "you better watch yourself", "i'm coming to your house tonight", "i'll break your legs",
        "sell it to me or you'll be sorry", "i'll make your life hell")),
    ("sexual", H, False, (
        "[you're|ur|you are] [so|really] [hot|sexy|cute], [send|show me] [a pic|pics|more] [of you|of yourself]",
        "[come|meet] [alone|at my place|to my room] and [wear|bring] something [sexy|tight|short]",
        "[i'll|i can] [give you a discount|pay double|pay extra] for [a kiss|a date|a night|some fun]",
        "[what are you wearing|are you single|wanna hook up|send me your body pics] [baby|sweetie|hun]",
        "[nice|sexy] [body|legs|ass] in your profile [pic|photo]",
        "send me pics of yourself", "you look hot, come to my place instead",
        "bet you'd look good without clothes",
        "i'll pay more if you come alone and wear something sexy",
        "send nudes and i'll buy it", "you're sexy, what are you wearing?",
        "come over tonight, forget the {item} 😏")),
    ("intimidate", H, False, (
        "[i'll|i will|gonna] [leave|post|write] [bad|fake|terrible|1 star] reviews [about you|on your profile|everywhere]",
        "[i'll|i will] [ruin|destroy|wreck] your [reputation|account|business|life]",
        "[answer|reply|respond] [now|right now|immediately] or [else|you'll regret it|i'll report you]",
        "[i'll|i will] [post|share|leak] your [address|number|photos] [online|everywhere|on facebook]",
        "[my brothers|my friends|my boys|some people] will [visit|find|pay a visit to] you",
        "answer me now or i'll make you pay", "i'll leave you fake bad reviews everywhere",
        "i'll report you until your account is gone, {insult}",
        "i have friends who will visit you", "reply or i'll post your address online",
        "i'll tell everyone you're a scammer, {insult}")),
    ("abuse", H, False, (
        "[drop dead|go die|go to hell|rot in hell|burn in hell], [loser|idiot|{insult}]",
        "[nobody|no one] [likes|wants|cares about] you, [freak|loser|{insult}]",
        "[your|ur] [mom|mother|family] [should be ashamed|hates you|is a joke]",
        "you're a [disgusting|worthless|brainless] [pig|rat|animal]", "drop dead",
        "kill yourself", "you're too [stupid|dumb] to sell anything", "screw you, {insult}",
        "i hope your house burns down", "people like you should be banned, {insult}",
        "your mother must be ashamed of you", "fat ugly {insult}",
        "you're trash and so is your {item}",
        "i'll ruin you", "say that again and i'll smash your face")),
    # ---- spam ----
    ("getrich", P, False, (
        "[earn|make] [{price}|$500|$1000|5k] [a day|per day|weekly|a week] [from home|online|on your phone]",
        "[join|check out] my [program|course|team|group|mentorship] and [get rich|earn big|double your money]",
        "[crypto|forex|stock|nft] [signals|trading group|bot|tips] [with|giving] [{n}x|huge|guaranteed] [returns|profits]",
        "[want|looking] to [quit your job|be your own boss|make passive income]? [dm me|message me|ask me how]",
        "[investment|money making|side hustle] [opportunity|secret|method], [limited spots|join today|dm for info]",
        "earn {price} a day from home, dm me", "make money fast with my program, join now",
        "i made {price} this week trading, ask me how", "work from home, no experience needed",
        "become your own boss, i'll teach you, dm", "passive income secret revealed, {shop}",
        "join my crypto signals group, {n}x returns", "want to make {price} weekly? message me")),
    ("promo", P, False, (
        "[follow|subscribe to|like] my [page|channel|instagram|tiktok] for [giveaways|free stuff|deals]",
        "[cheap|discount|wholesale] [iphones|airpods|sneakers|watches|bags|perfume] [dm me|at {shop}|message me]",
        "[click|visit|go to] {shop} [for|to get] [free|cheap|discounted] [followers|likes|gift cards|stuff]",
        "[free|win a|claim your] [iphone|giveaway|gift card|prize] [at|on|via] {shop}",
        "visit my page for more products {shop}",
        "dm me for [cheap|discount] [iphones|airpods|sneakers]",
        "get [10k|5000|1000] followers today at {shop}", "hot singles in your area, {shop}",
        "[buy|order] [cheap|discount] [viagra|meds|pills] online at {shop}",
        "subscribe to my channel for giveaways", "my onlyfans is {shop}",
        "i sell [designer bags|rolex|jordans] way cheaper, {shop}",
        "free crypto airdrop, claim at {shop}", "join our mlm team, be your own boss",
        "best forex bot, 300% profit, {shop}", "casino bonus 500 free spins at {shop}")),
    ("shop", P, False, (
        "[check|see|visit] my [other|online] [store|shop|website] {shop} [for more|for cheaper|for deals]",
        "[we|i] [sell|have] [the same|similar|better] [items|stuff|{item}] [cheaper|half price] at {shop}",
        "check out my store {shop} for cheaper", "cheap watches at {shop}",
        "50% off everything at {shop}", "buy followers at {shop}",
        "best replicas in town, see {shop}",
        "follow my page for daily deals {shop}", "win a free iphone, click {shop}",
        "limited offer! visit {shop} now", "free giveaway at {shop}, hurry",
        "we sell the same {item} half price at {shop}")),
)
# fmt: on
