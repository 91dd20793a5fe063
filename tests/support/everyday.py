"""Everyday chat written against the rules added on 2026-12-06 (a third session), shared by
the rule tests (no weighted rule may fire on them) and the standing list (the whole pipeline
must deliver them without a warning). Each round was written after the one before had been
fixed; the comments say what each round caught in the rules' first drafts."""

RULE_ROUNDS: tuple[str, ...] = (
    # A later batch (2026-12-06, a third session): passwords, PINs, logins and short links.
    "can you sign out of your icloud before I pick up the phone?",
    "please remove your apple id from the ipad so it's not locked",
    "the wifi password is on the sticker under the router",
    "I reset the phone, no passcode on it anymore",
    "drop your pin and I'll come to you",
    "the safe's pin is 0000 by default, change it when you get it",
    "never share your password with anyone, the app will never ask for it",
    "someone asked me for my bank login lol, reported him",
    "here's a video of it working: bit.ly/vid-bike",
    "my login to the app stopped working, can you resend the offer?",
    "the card reader at the store asked for my pin twice, weird",
    "i live in WA, can you ship?",
    "main bewakoof hoon, charger bhool gaya",
    "¿todavía está disponible? paso mañana",
    "dhanyavaad bhai, kal milte hain",
    "hast du den code bekommen? super, dann ist alles gut",
    "I never pay outside the app, cash at pickup is fine",
    "I have to go back to mexico next week so I'm selling everything",
    # A round written to catch the new rules' false positives (a third session): three of
    # its first drafts fired here ("outside the app store", "i know which building you mean",
    # "te voy a matar de risa") and were narrowed.
    "I'll wait outside the app store at the mall",
    "I know which building you mean, the blue one?",
    "I know what school you mean, I went there too",
    "ti ammazzo di complimenti per la torta",
    "the pin on the lockbox is 4421, the keys are inside",
    "here's the link to the manual: bit.ly/manual-x200",
    "hast du den code für die tür? ich stehe unten",
    "main harami nahi hoon bhai, sach bol raha hoon",
    # ... and a second such round: "your login name", "confirm your login works", "the
    # outside of the app box" and "bewakoof wala kaam" (a silly move) fired and were narrowed.
    "tell me your login name on the app so I can find your other stuff",
    "can you confirm your login works now? the app was down earlier",
    "the outside of the app box is damaged but the phone is fine",
    "yeh bewakoof wala kaam mat karo, app se pay karo",
    "la tarjeta de regalo no está incluida, solo la cartera",
    "I can't do outside the app payments, sorry",
    "go back to your cart and check out again",
    # ... and a third: "off the app" (offline), "without the app" (a remark), a bare "pin
    # number" and "matar de inveja" (die of envy) fired and were narrowed.
    "I'm off the app for a few days, reply when I'm back",
    "my phone died so I was off the app all day",
    "without the app it's hard to track orders, so let's keep it there",
    "off the app store price it's 20 cheaper here",
    "what's your pin number for the garage? joking, I'll knock",
    # ... and a fourth: idioms ("te voy a matar a preguntas", I'll bombard you with
    # questions), Hinglish about the speaker or a price ("mujhe bewakoof mat samjho", "kamina
    # price hai") and a gift card that is only mentioned fired and were narrowed.
    "te voy a matar a preguntas, perdón, ¿tiene rayones?",
    "ti ammazzo di domande, scusa, è ancora disponibile?",
    "chutiya kaat diya mera kisi ne pichli baar, isliye app se hi lunga",
    "mujhe bewakoof mat samjho, price thoda kam karo",
    "bhai kamina price hai, thoda kam karo yaar",
    "envía la foto de la tarjeta de regalo incluida en la caja",
    "we can settle the price when you see it, cash is fine",
    "I sold my last one off the app years ago, never again, app only now",
    "the app logged me out, had to reset my password, all good",
    "I won't click bit.ly links, sorry, send the listing",
    "I'll share your address with my brother, he's picking it up",
    # ... and a fifth: hyperbole and idioms in other languages ("te mato si no me guardas el
    # sofá jaja", "ich bring dich um den verstand", "vou te bater um papo"), a login "for the
    # wifi" and "what route you take" fired and were narrowed.
    "te mato si no me guardas el sofá jaja, paso a las 6",
    "je te tue pas, promis, je passe demain",
    "ich bring dich um den verstand mit meinen fragen, sorry",
    "vou te bater um papo amanhã sobre o preço",
    "ti faccio del male al portafoglio con questo prezzo, scherzo",
    "what's your login for the wifi at the cafe? lol jk",
    "without the app I wouldn't have found this, great deal",
    "I'll meet you outside, the app says you're close",
    # ... and a sixth: games and trash talk ("ik maak je af in FIFA", "ich mach dich fertig
    # beim tennis") and a bare "sin la app" / "senza l'app" / "ohne die app" (someone who
    # cannot see the offer without it) fired and were narrowed. (The model itself holds the
    # other game taunts of that round: the standing list keeps them as strict xfails.)
    "ik maak je af in FIFA vanavond haha",
    "ich mach dich fertig beim tennis, bis morgen",
    "sin la app no puedo ver la oferta, ¿me la reenvías?",
    "senza l'app non riesco a vedere il messaggio, scusa",
    "ohne die app kann ich nicht bezahlen, warte kurz",
    "me matas con ese precio, está carísimo",
    # ... and a seventh: Hinglish slang and titles ("chutiya scene ho gaya", a mess; "arre
    # harami bhi koi movie hai", a film; "tu bewakoof nahi hai"), shop and parcel codes in
    # Tagalog and German, a "login on here" (a username) and "your country's version of the
    # app" fired and were narrowed.
    "bhai tu bewakoof nahi hai, bas thoda late hai",
    "arre harami bhi koi movie hai, dekhi hai?",
    "chutiya scene ho gaya, courier late hai",
    "kamine dost ne mera charger le liya, isliye naya chahiye",
    "ano yung code na natanggap mo sa lazada? sa akin hindi gumana",
    "pakisend mo yung code ng discount, salamat",
    "welche zahlen stehen auf der rechnung, die du bekommen hast? für die garantie",
    "whats ur login on here so I can follow your shop",
    "go back to your country's version of the app, the prices are in euros there",
    "they told me to go back to mexico, so rude, anyway is the stroller available?",
    "we're in WA state, pickup only",
    "I'm on TG too but let's keep it here",
    "bit.ly/recipe123 that's the recipe I mentioned, unrelated to the sale lol",
    # ... and an eighth: "i have a knife and fork set" (the weapon needs what the speaker will
    # do), a question about the rules ("selling outside the app is against the rules,
    # right?"), "skip the app's shipping", "your country settings" and friendly neighbours
    # ("i know which house you live in, my aunt lives next door") fired and were narrowed.
    "I have a knife and fork set too if you want it cheap",
    "i have a gun and holster listed separately, check my profile",
    "I have a knife and a cutting board in the same bundle",
    "selling outside the app is against the rules, right? just checking",
    "I'll take it if we skip the app's shipping and meet instead",
    "go back to your country settings and change the currency",
    "we can do cash at pickup outside the apartment, no app payment needed",
    # ... and a ninth: "enter your password in the app", "we could do it outside the app if
    # you want, but i'd rather not", "skip the app delivery" and "my tiktok is for cooking
    # videos" (an older rule) fired and were narrowed.
    "enter your password in the app to confirm the order, that's how it works",
    "we could do it outside the app if you want, but I'd rather not, protection matters",
    "honestly, skip the app delivery, I'll come get it",
    "no way I'm paying outside the app, sorry",
    "do you need my email to send the receipt, or does the app do that?",
    "I'm going to message the app's support, they'll sort it",
    "posted your address wrong in the listing btw, it says 12 instead of 21",
)
