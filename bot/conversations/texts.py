"""Everything Tandem itself says (the tools' own words live in dialogues/).

Plain words, short sentences, what happened and what to do next. Keep these readable by someone
who finds reading hard, and never use staff language ("service user", "compliance"...).
Each entry is keyed by language. The Welsh (cy) is a careful draft that still needs review by
a Welsh speaker before it is used with people; any key missing in Welsh falls back to English.
"""

from __future__ import annotations

CRISIS = (
    "If you feel unsafe or in crisis, call Samaritans free on 116 123, any time, day or night. "
    "In an emergency, call 999."
)

# Draft, for review by a Welsh speaker. (Samaritans also run a Welsh-language line; add it
# here once its number is confirmed.)
CRISIS_CY = (
    "Os ydych chi'n teimlo'n anniogel neu mewn argyfwng, ffoniwch y Samariaid am ddim ar "
    "116 123, unrhyw bryd, ddydd neu nos. Mewn argyfwng, ffoniwch 999."
)

# Said wherever people are told who sees what (first contact, /help, /privacy, every tool):
# worrying messages are passed on whatever they choose, and they must know it before they write.
PASSED_ON = (
    "One thing is always passed on. If you write that you, or someone else, may not be safe, "
    "your probation officer will see that message."
)
PASSED_ON_CY = (
    "Mae un peth bob amser yn cael ei rannu. Os ydych chi'n ysgrifennu nad ydych chi, neu rywun "
    "arall, yn ddiogel, bydd eich swyddog prawf yn gweld y neges honno."
)

LANGUAGES = {"en": "English", "cy": "Cymraeg"}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "unknown": (
            "Hello. This is Tandem. It is used by people working with a probation team.\n\n"
            "To use it, you need a personal link from your probation officer. "
            "If you have a code from them, you can type it here. "
            "If you think you should have one, please ask them."
        ),
        "group_chat": "Tandem only works in a private chat. Please message me directly.",
        "invite_wrong": (
            "I don't recognise that link. Please check it, or ask your probation officer "
            "for a new one."
        ),
        "invite_used": (
            "That link has already been used. If it is yours, ask your probation officer "
            "for a new one."
        ),
        "invite_expired": "That link has run out. Please ask your probation officer for a new one.",
        "code_wrong": (
            "I don't recognise that code. Please check it, or ask your probation officer "
            "for a new one."
        ),
        "already_linked": (
            "This Telegram account is already set up with Tandem, so I didn't use that link."
        ),
        "welcome_1": (
            "Hello {name}. I'm Tandem.\n\n"
            "Between your probation appointments, I'll ask you some questions about your life. "
            "You answer in your own words, when it suits you."
        ),
        "welcome_2": (
            "You choose what your probation officer sees. At the end of each set of questions, "
            "you can share your answers or keep them to yourself. Their manager can see what "
            "you share too.\n\n"
            + PASSED_ON
            + "\n\nYou can skip any question, and stop whenever you like. "
            "To see what is kept, for how long, and what it means for your order or licence, "
            "tap “{privacy_button}” or send /privacy."
        ),
        "welcome_3": (
            "Nobody watches this chat all the time, so it can't help in an emergency.\n\n" + CRISIS
        ),
        "consent_button": "OK, let's start",
        "privacy_button": "What happens to what I write",
        "consent_needed": "Before we start, please read the messages above and press the button.",
        "finished_shared": (
            "That's it for {title}. Thank you.\n\n"
            "Your probation officer will read your answers before your next appointment."
        ),
        "finished_private": (
            "That's it for {title}. Your probation officer won't see these answers.\n\n"
            "They only see a message if it says you, or someone else, may not be safe, or if "
            "you ask for a call.\n\n"
            "If you change your mind, you can share them later. Send /menu and pick "
            "“{kept_button}”."
        ),
        "welcome_back": "Welcome back, {name}.",
        "preview_menu": (
            "Script preview. Pick a script to try it as a person would. Each press starts it "
            "again from the top, with the files as they are now. Send /preview for this list."
        ),
        "menu": "What would you like to do? Pick one.",
        "menu_resume": "Carry on: {title}",
        "menu_empty": "There's nothing for you to do right now. Thank you for checking in.",
        "menu_button": "Show me the menu",
        "pick_from_menu": "To start, pick one of these.",
        "paused": (
            "OK, let's stop here. Everything you've said so far is saved.\n\n"
            "When you're ready, send any message and we'll carry on where you left off."
        ),
        "nothing_to_pause": (
            "You're not in the middle of anything, so there's nothing to pause. "
            "When you want to start something, send /menu."
        ),
        "not_started": "OK. Nothing has started yet. When you're ready, send /start.",
        "which_one": "Which one did you mean?",
        "resuming": "Let's carry on with {title}. Here's where you were:",
        "finished": "That's it for {title}. Your answers are saved.",
        "help": (
            "Here's what you can do:\n"
            "/menu - see the things you can do\n"
            "/pause - stop for now and carry on later (or just type stop)\n"
            "/back - go back to the last question\n"
            "/next - when your next appointment is\n"
            "/stop_reminders - stop reminders\n"
            "/start_reminders - turn reminders back on\n"
            "/language - change language (Cymraeg)\n"
            "/safety - my safety plan\n"
            "/privacy - who sees what I write\n"
            "/help - this message\n\n"
            "Your probation officer sees your answers only if you share them. "
            + PASSED_ON
            + " Nobody watches this chat all the time.\n\n"
            + CRISIS
        ),
        # /privacy (bot/conversations/privacy.py). {order} is the organisation's own words
        # about the order or licence, set by an administrator, or `privacy_order` below.
        "privacy": (
            "Who sees what you write here, and what is kept.\n\n"
            "What is kept:\n"
            "Everything you write here is kept. That includes answers you keep to yourself.\n\n"
            "Who reads it:\n"
            "Your probation officer reads your answers only if you choose to share them. "
            "Their manager can see them too. You can share answers you kept to yourself later, "
            "from /menu.\n\n"
            "What is always passed on:\n"
            + PASSED_ON
            + " If you ask for a call, they see that, and the time you gave.\n\n"
            "Your order or licence:\n"
            "{order}\n\n"
            "How long it is kept:\n"
            "What you write is kept while you use Tandem. It is not deleted when you stop. "
            "If you want it deleted, ask your probation officer.\n\n"
            "How to stop or leave:\n"
            "Send /pause to stop for now, and /stop_reminders to stop reminders. To leave, "
            "stop writing, or block Tandem in Telegram.\n\n"
            "Nobody watches this chat all the time. " + CRISIS
        ),
        "privacy_order": (
            "Your probation officer reads what you share. They must act on risks to you or "
            "others. They must also act on anything that breaks your order or licence."
        ),
        # Share later (bot/conversations/kept.py).
        "kept_button": "Things you kept to yourself",
        "kept_list": (
            "These are the things you kept to yourself. Pick one to see your answers. "
            "You can share them with your probation officer, or keep them to yourself."
        ),
        "kept_none": "You haven't kept anything to yourself.",
        "kept_question": ("Would you like to share these answers with your probation officer now?"),
        "kept_share": "Share with my probation officer",
        "kept_keep": "Keep it to myself",
        "kept_shared": (
            "Thank you. You've shared {title}. Your probation officer will read your answers "
            "before your next appointment."
        ),
        "kept_still": (
            "OK. Your probation officer won't see these answers. You can still share them "
            "later from /menu."
        ),
        "kept_gone": "That has already been shared, or isn't there any more.",
        "unknown_command": "I don't know that command. Send /help to see what you can do.",
        "not_text": (
            "Thanks. I can only keep typed words for this question. "
            "Please type your answer, or use the buttons."
        ),
        "need_choice": "Please pick one of the buttons below.",
        "too_long": (
            "That's a lot to say, thank you. I can only keep {limit} characters for one answer. "
            "Could you make it a bit shorter?"
        ),
        "too_short": "Could you tell me a little more?",
        "empty": "I didn't get any words there. Please type your answer.",
        "stale_button": "That question has moved on.",
        "invalid_button": "That button doesn't work any more.",
        "stale_intro": "That button was for an earlier question. Here's where we are now:",
        "edited": (
            "I can't pick up changes to a message you've already sent, so I kept the first "
            "version. If you want to add something, just send a new message."
        ),
        "tool_missing": "Sorry, that isn't available any more. Here's what you can do now.",
        "error": (
            "Sorry, something went wrong on our side. What you sent is saved, and the team "
            "will look into it. Please try again in a little while."
        ),
        "chosen": "✔ {label}",
        "skipped": "Skipped",
        "language_prompt": "Which language would you like? / Pa iaith hoffech chi?",
        "language_set": "OK, I'll use English from now on.",
        # After a worrying message (bot/conversations/crisis.py). The helplines come from
        # dialogues/safeguarding.yaml; these are Tandem's own words around them.
        "crisis_choice": (
            "Your probation officer will see this message, but not straight away. "
            "Nobody watches this chat all the time.\n\n"
            "What would you like to do now?"
        ),
        "crisis_choice_safe": (
            "Your probation officer will see this message, but not straight away. "
            "Nobody watches this chat all the time.\n\n"
            "Is it safe for your probation officer to call you?"
        ),
        "crisis_stranger": (
            "This chat is not linked to a probation officer, so nobody else will see this "
            "message. Please call one of the numbers above."
        ),
        "crisis_repeat": (
            "Thank you for telling me. I've added this to the message your probation officer "
            "will see.\n\n"
            "If you're in danger now, call 999. Samaritans are there any time: 116 123, free."
        ),
        "crisis_after": (
            "Thank you. I've added this to the message your probation officer will see."
        ),
        "choice_later": "Carry on with {title} later",
        "choice_call": "I'd like a call",
        "choice_ok": "I'm OK",
        "choice_plan": "See my safety plan",
        "crisis_later": (
            "OK. Everything you said before is saved. When you're ready, send /menu and "
            "choose “Carry on: {title}”."
        ),
        "crisis_later_gone": "OK. When you're ready, send /menu.",
        "crisis_ok": (
            "Thank you for letting me know. Your probation officer will still see what you "
            "wrote, so they may get in touch.\n\n"
            "The numbers above are there any time."
        ),
        "crisis_call": (
            "OK. I've asked your probation officer to call you. They will call when they can. "
            "It may not be today.\n\n"
            "If you need help before then, call Samaritans on 116 123, or 999 in an emergency."
        ),
        "safe_yes": "Yes, it's safe",
        "safe_no": "No, it's not safe",
        "safe_times": "Only at certain times",
        "safe_yes_kept": (
            "Thank you. Your probation officer will see your message and may call you. They "
            "will call when they can. It may not be today."
        ),
        "safe_no_kept": (
            "OK. I'll tell your probation officer not to call you. You can talk at your next "
            "appointment. If it becomes safe, send /help to ask for a call.\n\n"
            "If you're in danger, call 999."
        ),
        "safe_when": (
            "When is it safe to call? Type it in your own words, like “weekday mornings”."
        ),
        "safe_times_kept": "Thank you. I've told your probation officer to call only then.",
        "safe_type_words": "Please type when it's safe to call, in a few words.",
        "safety_none": (
            "You don't have a safety plan yet. It's a few questions about what helps when "
            "things get hard, and who you can turn to.\n\n"
            "It's yours: your probation officer only sees it if you choose to share it."
        ),
        "safety_make": "Make my safety plan",
        "safety_change": "Change my safety plan",
        "safety_yours": "Your safety plan:",
        "safety_missing": "Sorry, the safety plan isn't available right now. " + CRISIS,
        "callback_offer": (
            "Would you like your probation officer to call you? They will call when they can. "
            "It may not be today."
        ),
        "callback_yes": "Yes, please call me",
        "callback_no": "No, thanks",
        "callback_ask": "Ask my probation officer to call me",
        "callback_requested": (
            "OK. I've asked your probation officer to call you. If you need help before then, "
            "call Samaritans on 116 123, or 999 in an emergency."
        ),
        "callback_declined": "OK. If you change your mind, send /help.",
        "not_a_number": "Please type a number, like 3.",
        "out_of_range": "Please choose a number from {min} to {max}.",
        "not_a_date": "Sorry, I couldn't read that date. Try 3/4/2025 or 3 April, or tap Today.",
        "date_in_future": "That date hasn't happened yet. Please give today's date or an earlier one.",
        "date_in_past": "That date has gone. Please give today's date or a later one.",
        "need_media": "Please send a voice note or a photo. You can press record in Telegram.",
        "need_words_or_voice": "Thanks. For this question I can keep typed words or a voice note.",
        "need_words_or_media": (
            "Thanks. For this question I can keep typed words, a voice note or a photo."
        ),
        "nothing_chosen": "Tick at least one, then tap Done.",
        "no_back": "This is the first question, so there's nothing to go back to.",
        "nothing_to_go_back_to": "You're not in the middle of anything, so there's nothing to go back to.",
        # The plan made with the case manager (bot/conversations/plans.py).
        "plan_intro": (
            "Here is the plan you made with {name}. I'll send it one step at a time.\n\n"
            "For each step, tell me if you agree, if you'd change something, or if you'd like "
            "to talk about it next time."
        ),
        "plan_who": "Who: {who}",
        "plan_by": "By: {date}",
        "plan_agree": "Yes, I agree",
        "plan_change": "I'd change something",
        "plan_talk": "Let's talk about it next time",
        "plan_talk_instead": "Talk about it next time instead",
        "plan_agreed": "Thank you. Your probation officer will see that you agree.",
        "plan_talk_later": "OK. You can talk about it at your next appointment.",
        "plan_ask_words": "What would you change? Type it in your own words.",
        "plan_words_kept": (
            "Thank you. Your probation officer will read this before your next appointment."
        ),
        "plan_type_words": "Please type it in words, or press “{skip}” above.",
        "plan_changed": "This step of your plan has changed. The new one is further down.",
        "plan_changed_coming": (
            "Your probation officer has changed this step of your plan. "
            "They will send you the new one."
        ),
        "plan_dropped": "This step is not in your plan any more, so there is nothing to do.",
        "plan_old_mark": "This step has changed.",
        "plan_dropped_mark": "This step is not in your plan any more.",
        # Between appointments (bot/scheduling): the FIRST line of anything Tandem sends unasked
        # is neutral, so a lock screen gives nothing away.
        "new_in_tandem": "You have something new in Tandem.",
        "someone_start": "Your probation officer",
        "someone": "your probation officer",
        "invite_one": "{who} would like you to try: {tool} — before {day}.",
        "invite_many": "{who} would like you to try these before {day}:",
        "invite_note": "{who} says: “{note}”",
        "invite_start": "Start: {tool}",
        "nudge_one": (
            "Just a reminder: {who} would like you to try {tool} before {day}. "
            "You can start whenever it suits you."
        ),
        "nudge_many": "Just a reminder: {who} would like you to try these before {day}:",
        "nudge_stop": "If you'd rather not get reminders, send /stop_reminders.",
        "menu_set": "Set by {who} before {day}:",
        "appointment_tomorrow": "Your next appointment is tomorrow, {day}, at {time}{where}.",
        "appointment_today": "Your appointment is today at {time}{where}.",
        "appointment_where_place": ", at {place}",
        "appointment_where_phone": ", by phone",
        "appointment_where_phone_on": ", by phone on {place}",
        "appointment_where_video": ", by video call",
        "appointment_cant_come": "If you can't make it, tap the button below.",
        "cant_make_it": "I can't make it",
        "cant_make_it_told": (
            "Thank you for telling me. I've let your probation officer know.\n\n"
            "Please also contact your probation office as soon as you can, to say why and to "
            "agree a new time. This message on its own does not change your appointment."
        ),
        "cant_make_it_again": (
            "You've told me already, and your probation officer knows. Please contact your "
            "probation office as soon as you can to agree a new time."
        ),
        "cant_make_it_cancelled": (
            "This appointment has been cancelled, so you don't need to do anything. "
            "Send /next to see when your next one is."
        ),
        # Anything Tandem sends unasked is this one line and a button (bot/conversations/
        # notices.py): what it is about shows only after the tap, so a lock screen gives
        # nothing away.
        "show_me": "Show me",
        "next_appointment": "Your next appointment is on {day} at {time}{where}.",
        "next_none": (
            "I don't know of an appointment for you yet. Your probation officer will tell you "
            "when your next one is."
        ),
        "reminders_stopped": (
            "OK, I've stopped reminders. I won't remind you about things to try, or about your "
            "appointments.\n\n"
            "You'll still get my replies when you write to me, and a message when your probation "
            "officer sets something new for you. To turn reminders back on, send /start_reminders."
        ),
        "reminders_already_stopped": (
            "Reminders are already off. To turn them back on, send /start_reminders."
        ),
        "reminders_started": (
            "OK, reminders are back on. I'll remind you about things to try and about your "
            "appointments, but never between 9pm and 9am."
        ),
        "reminders_already_on": "Reminders are already on. To stop them, send /stop_reminders.",
    },
    "cy": {
        "unknown": (
            "Helo. Tandem yw hwn. Mae'n cael ei ddefnyddio gan bobl sy'n gweithio gyda thîm "
            "prawf.\n\n"
            "I'w ddefnyddio, mae angen dolen bersonol arnoch chi gan eich swyddog prawf. Os "
            "oes gennych chi god ganddyn nhw, gallwch chi ei deipio yma. Os "
            "ydych chi'n meddwl y dylai fod gennych chi un, gofynnwch iddyn nhw."
        ),
        "group_chat": "Dim ond mewn sgwrs breifat mae Tandem yn gweithio. Anfonwch neges ataf i'n uniongyrchol.",
        "invite_wrong": (
            "Dydw i ddim yn adnabod y ddolen honno. Gwiriwch hi, neu gofynnwch i'ch swyddog "
            "prawf am un newydd."
        ),
        "invite_used": (
            "Mae'r ddolen honno wedi cael ei defnyddio'n barod. Os mai chi biau hi, gofynnwch "
            "i'ch swyddog prawf am un newydd."
        ),
        "invite_expired": "Mae'r ddolen honno wedi dod i ben. Gofynnwch i'ch swyddog prawf am un newydd.",
        "code_wrong": (
            "Dydw i ddim yn adnabod y cod hwnnw. Gwiriwch e, neu gofynnwch i'ch swyddog prawf "
            "am un newydd."
        ),
        "already_linked": (
            "Mae'r cyfrif Telegram hwn wedi'i osod gyda Tandem yn barod, felly wnes i ddim "
            "defnyddio'r ddolen honno."
        ),
        "welcome_1": (
            "Helo {name}. Tandem ydw i.\n\n"
            "Rhwng eich apwyntiadau prawf, bydda i'n gofyn rhai cwestiynau i chi am eich bywyd. "
            "Rydych chi'n ateb yn eich geiriau eich hun, pan fydd yn gyfleus i chi."
        ),
        "welcome_2": (
            "Chi sy'n dewis beth mae eich swyddog prawf yn ei weld. Ar ddiwedd pob set o "
            "gwestiynau, gallwch chi rannu eich atebion neu eu cadw i chi'ch hun. Gall eu "
            "rheolwr weld beth rydych chi'n ei rannu hefyd.\n\n"
            + PASSED_ON_CY
            + "\n\nGallwch chi hepgor unrhyw gwestiwn, a stopio pryd bynnag y mynnwch chi. "
            "I weld beth sy'n cael ei gadw, am ba hyd, a beth mae'n ei olygu i'ch gorchymyn "
            "neu'ch trwydded, tapiwch “{privacy_button}” neu anfonwch /privacy."
        ),
        "welcome_3": (
            "Does neb yn gwylio'r sgwrs hon drwy'r amser, felly all hi ddim helpu mewn "
            "argyfwng.\n\n" + CRISIS_CY
        ),
        "consent_button": "Iawn, gadewch i ni ddechrau",
        "privacy_button": "Beth sy'n digwydd i'r hyn rydw i'n ei ysgrifennu",
        "consent_needed": "Cyn i ni ddechrau, darllenwch y negeseuon uchod a phwyswch y botwm.",
        "finished_shared": (
            "Dyna ddiwedd {title}. Diolch.\n\n"
            "Bydd eich swyddog prawf yn darllen eich atebion cyn eich apwyntiad nesaf."
        ),
        "finished_private": (
            "Dyna ddiwedd {title}. Fydd eich swyddog prawf ddim yn gweld yr atebion hyn.\n\n"
            "Dim ond neges sy'n dweud efallai nad ydych chi, neu rywun arall, yn ddiogel maen "
            "nhw'n ei gweld, neu os ydych chi'n gofyn am alwad.\n\n"
            "Os byddwch chi'n newid eich meddwl, gallwch chi eu rhannu nhw wedyn. Anfonwch /menu "
            "a dewis “{kept_button}”."
        ),
        "welcome_back": "Croeso'n ôl, {name}.",
        "menu": "Beth hoffech chi ei wneud? Dewiswch un.",
        "menu_resume": "Parhau: {title}",
        "menu_empty": "Does dim byd i chi ei wneud ar hyn o bryd. Diolch am gysylltu.",
        "menu_button": "Dangos y ddewislen",
        "pick_from_menu": "I ddechrau, dewiswch un o'r rhain.",
        "paused": (
            "Iawn, gadewch i ni stopio yma. Mae popeth rydych chi wedi'i ddweud wedi'i gadw.\n\n"
            "Pan fyddwch chi'n barod, anfonwch unrhyw neges a byddwn ni'n parhau o'r man lle "
            "gwnaethoch chi adael."
        ),
        "nothing_to_pause": (
            "Dydych chi ddim yng nghanol unrhyw beth, felly does dim byd i'w oedi. "
            "Pan fyddwch chi eisiau dechrau rhywbeth, anfonwch /menu."
        ),
        "not_started": "Iawn. Does dim byd wedi dechrau eto. Pan fyddwch chi'n barod, anfonwch /start.",
        "which_one": "Pa un oeddech chi'n ei feddwl?",
        "resuming": "Gadewch i ni barhau gyda {title}. Dyma lle roeddech chi:",
        "finished": "Dyna ddiwedd {title}. Mae eich atebion wedi'u cadw.",
        "help": (
            "Dyma beth allwch chi ei wneud:\n"
            "/menu - gweld y pethau y gallwch chi eu gwneud\n"
            "/pause - stopio am nawr a pharhau wedyn (neu teipiwch stop)\n"
            "/back - mynd yn ôl i'r cwestiwn diwethaf\n"
            "/next - pryd mae eich apwyntiad nesaf\n"
            "/stop_reminders - stopio nodiadau atgoffa\n"
            "/start_reminders - troi nodiadau atgoffa ymlaen eto\n"
            "/language - newid iaith (English)\n"
            "/safety - fy nghynllun diogelwch\n"
            "/privacy - pwy sy'n gweld beth rydw i'n ei ysgrifennu\n"
            "/help - y neges hon\n\n"
            "Dim ond os ydych chi'n eu rhannu mae eich swyddog prawf yn gweld eich atebion. "
            + PASSED_ON_CY
            + " Does neb yn gwylio'r sgwrs hon drwy'r amser.\n\n"
            + CRISIS_CY
        ),
        "privacy": (
            "Pwy sy'n gweld beth rydych chi'n ei ysgrifennu yma, a beth sy'n cael ei gadw.\n\n"
            "Beth sy'n cael ei gadw:\n"
            "Mae popeth rydych chi'n ei ysgrifennu yma yn cael ei gadw. Mae hynny'n cynnwys "
            "atebion rydych chi'n eu cadw i chi'ch hun.\n\n"
            "Pwy sy'n ei ddarllen:\n"
            "Dim ond os ydych chi'n dewis eu rhannu mae eich swyddog prawf yn darllen eich "
            "atebion. Gall eu rheolwr eu gweld hefyd. Gallwch chi rannu atebion a gadwoch chi "
            "i chi'ch hun wedyn, o /menu.\n\n"
            "Beth sydd bob amser yn cael ei rannu:\n"
            + PASSED_ON_CY
            + " Os ydych chi'n gofyn am alwad, maen nhw'n gweld hynny, a'r amser a roesoch "
            "chi.\n\n"
            "Eich gorchymyn neu'ch trwydded:\n"
            "{order}\n\n"
            "Am ba hyd mae'n cael ei gadw:\n"
            "Mae beth rydych chi'n ei ysgrifennu yn cael ei gadw tra byddwch chi'n defnyddio "
            "Tandem. Dydy e ddim yn cael ei ddileu pan fyddwch chi'n stopio. Os ydych chi eisiau "
            "iddo gael ei ddileu, gofynnwch i'ch swyddog prawf.\n\n"
            "Sut i stopio neu adael:\n"
            "Anfonwch /pause i stopio am nawr, a /stop_reminders i stopio nodiadau atgoffa. I "
            "adael, stopiwch ysgrifennu, neu rhwystrwch Tandem yn Telegram.\n\n"
            "Does neb yn gwylio'r sgwrs hon drwy'r amser. " + CRISIS_CY
        ),
        "privacy_order": (
            "Mae eich swyddog prawf yn darllen beth rydych chi'n ei rannu. Rhaid iddyn nhw "
            "weithredu ar risgiau i chi neu i bobl eraill. Rhaid iddyn nhw hefyd weithredu ar "
            "unrhyw beth sy'n torri eich gorchymyn neu'ch trwydded."
        ),
        "kept_button": "Pethau a gadwoch chi i chi'ch hun",
        "kept_list": (
            "Dyma'r pethau a gadwoch chi i chi'ch hun. Dewiswch un i weld eich atebion. "
            "Gallwch chi eu rhannu gyda'ch swyddog prawf, neu eu cadw i chi'ch hun."
        ),
        "kept_none": "Dydych chi ddim wedi cadw dim byd i chi'ch hun.",
        "kept_question": ("Hoffech chi rannu'r atebion hyn gyda'ch swyddog prawf nawr?"),
        "kept_share": "Rhannu gyda fy swyddog prawf",
        "kept_keep": "Ei gadw i mi fy hun",
        "kept_shared": (
            "Diolch. Rydych chi wedi rhannu {title}. Bydd eich swyddog prawf yn darllen eich "
            "atebion cyn eich apwyntiad nesaf."
        ),
        "kept_still": (
            "Iawn. Fydd eich swyddog prawf ddim yn gweld yr atebion hyn. Gallwch chi eu rhannu "
            "nhw wedyn o /menu o hyd."
        ),
        "kept_gone": "Mae hwnnw wedi'i rannu'n barod, neu dydy e ddim yno mwyach.",
        "unknown_command": (
            "Dydw i ddim yn gwybod y gorchymyn hwnnw. Anfonwch /help i weld beth allwch chi ei wneud."
        ),
        "not_text": (
            "Diolch. Dim ond geiriau wedi'u teipio y galla i eu cadw ar gyfer y cwestiwn hwn. "
            "Teipiwch eich ateb, neu defnyddiwch y botymau."
        ),
        "need_choice": "Dewiswch un o'r botymau isod.",
        "too_long": (
            "Mae hynny'n llawer i'w ddweud, diolch. Dim ond {limit} nod y galla i eu cadw ar "
            "gyfer un ateb. Allech chi ei wneud ychydig yn fyrrach?"
        ),
        "too_short": "Allech chi ddweud ychydig mwy wrtha i?",
        "empty": "Ches i ddim geiriau yno. Teipiwch eich ateb.",
        "stale_button": "Mae'r cwestiwn hwnnw wedi mynd heibio.",
        "invalid_button": "Dydy'r botwm hwnnw ddim yn gweithio mwyach.",
        "stale_intro": "Roedd y botwm hwnnw ar gyfer cwestiwn cynharach. Dyma lle rydyn ni nawr:",
        "edited": (
            "Alla i ddim codi newidiadau i neges rydych chi wedi'i hanfon yn barod, felly "
            "cadwais i'r fersiwn gyntaf. Os ydych chi eisiau ychwanegu rhywbeth, anfonwch neges "
            "newydd."
        ),
        "tool_missing": "Mae'n ddrwg gen i, dydy hwnnw ddim ar gael mwyach. Dyma beth allwch chi ei wneud nawr.",
        "error": (
            "Mae'n ddrwg gen i, aeth rhywbeth o'i le ar ein hochr ni. Mae'r hyn a anfonoch "
            "chi wedi'i gadw, a bydd y tîm yn edrych arno. Rhowch gynnig arall arni yn nes ymlaen."
        ),
        "chosen": "✔ {label}",
        "skipped": "Wedi'i hepgor",
        "language_prompt": "Which language would you like? / Pa iaith hoffech chi?",
        "language_set": "Iawn, bydda i'n defnyddio Cymraeg o hyn ymlaen.",
        "crisis_choice": (
            "Bydd eich swyddog prawf yn gweld y neges hon, ond nid ar unwaith. Does neb yn "
            "gwylio'r sgwrs hon drwy'r amser.\n\n"
            "Beth hoffech chi ei wneud nawr?"
        ),
        "crisis_choice_safe": (
            "Bydd eich swyddog prawf yn gweld y neges hon, ond nid ar unwaith. Does neb yn "
            "gwylio'r sgwrs hon drwy'r amser.\n\n"
            "Ydy hi'n ddiogel i'ch swyddog prawf eich ffonio chi?"
        ),
        "crisis_stranger": (
            "Dydy'r sgwrs hon ddim wedi'i chysylltu â swyddog prawf, felly fydd neb arall yn "
            "gweld y neges hon. Ffoniwch un o'r rhifau uchod."
        ),
        "crisis_repeat": (
            "Diolch am ddweud wrtha i. Rydw i wedi ychwanegu hyn at y neges y bydd eich swyddog "
            "prawf yn ei gweld.\n\n"
            "Os ydych chi mewn perygl nawr, ffoniwch 999. Mae'r Samariaid yno unrhyw bryd: "
            "116 123, am ddim."
        ),
        "crisis_after": (
            "Diolch. Rydw i wedi ychwanegu hyn at y neges y bydd eich swyddog prawf yn ei gweld."
        ),
        "choice_later": "Parhau gyda {title} wedyn",
        "choice_call": "Hoffwn i gael galwad",
        "choice_ok": "Rydw i'n iawn",
        "choice_plan": "Gweld fy nghynllun diogelwch",
        "crisis_later": (
            "Iawn. Mae popeth a ddywedoch chi wedi'i gadw. Pan fyddwch chi'n barod, anfonwch "
            "/menu a dewis “Parhau: {title}”."
        ),
        "crisis_later_gone": "Iawn. Pan fyddwch chi'n barod, anfonwch /menu.",
        "crisis_ok": (
            "Diolch am roi gwybod i mi. Bydd eich swyddog prawf yn dal i weld beth ysgrifennoch "
            "chi, felly efallai y byddan nhw'n cysylltu.\n\n"
            "Mae'r rhifau uchod yno unrhyw bryd."
        ),
        "crisis_call": (
            "Iawn. Rydw i wedi gofyn i'ch swyddog prawf eich ffonio chi. Byddan nhw'n ffonio "
            "pan fyddan nhw'n gallu. Efallai na fydd hynny heddiw.\n\n"
            "Os oes angen help arnoch chi cyn hynny, ffoniwch y Samariaid ar 116 123, neu 999 "
            "mewn argyfwng."
        ),
        "safe_yes": "Ydy, mae'n ddiogel",
        "safe_no": "Na, dydy e ddim yn ddiogel",
        "safe_times": "Dim ond ar adegau penodol",
        "safe_yes_kept": (
            "Diolch. Bydd eich swyddog prawf yn gweld eich neges ac efallai y bydd yn eich "
            "ffonio chi. Byddan nhw'n ffonio pan fyddan nhw'n gallu. Efallai na fydd hynny heddiw."
        ),
        "safe_no_kept": (
            "Iawn. Bydda i'n dweud wrth eich swyddog prawf am beidio â'ch ffonio chi. Gallwch "
            "chi siarad yn eich apwyntiad nesaf. Os daw hi'n ddiogel, anfonwch /help i ofyn am "
            "alwad.\n\n"
            "Os ydych chi mewn perygl, ffoniwch 999."
        ),
        "safe_when": (
            "Pryd mae'n ddiogel i ffonio? Teipiwch e yn eich geiriau eich hun, fel “boreau yn "
            "ystod yr wythnos”."
        ),
        "safe_times_kept": (
            "Diolch. Rydw i wedi dweud wrth eich swyddog prawf am ffonio bryd hynny yn unig."
        ),
        "safe_type_words": "Teipiwch pryd mae'n ddiogel i ffonio, mewn ychydig eiriau.",
        "safety_none": (
            "Does gennych chi ddim cynllun diogelwch eto. Mae'n ychydig o gwestiynau am beth "
            "sy'n helpu pan fydd pethau'n anodd, a phwy y gallwch chi droi atyn nhw.\n\n"
            "Chi biau fe: dim ond os ydych chi'n dewis ei rannu mae eich swyddog prawf yn ei weld."
        ),
        "safety_make": "Gwneud fy nghynllun diogelwch",
        "safety_change": "Newid fy nghynllun diogelwch",
        "safety_yours": "Eich cynllun diogelwch:",
        "safety_missing": (
            "Mae'n ddrwg gen i, dydy'r cynllun diogelwch ddim ar gael nawr. " + CRISIS_CY
        ),
        "callback_offer": (
            "Hoffech chi i'ch swyddog prawf eich ffonio chi? Byddan nhw'n ffonio pan fyddan "
            "nhw'n gallu. Efallai na fydd hynny heddiw."
        ),
        "callback_yes": "Iawn, ffoniwch fi",
        "callback_no": "Dim diolch",
        "callback_ask": "Gofyn i fy swyddog prawf fy ffonio i",
        "callback_requested": (
            "Iawn. Rydw i wedi gofyn i'ch swyddog prawf eich ffonio chi. Os oes angen help "
            "arnoch chi cyn hynny, ffoniwch y Samariaid ar 116 123, neu 999 mewn argyfwng."
        ),
        "callback_declined": "Iawn. Os byddwch chi'n newid eich meddwl, anfonwch /help.",
        "not_a_number": "Teipiwch rif, fel 3.",
        "out_of_range": "Dewiswch rif o {min} i {max}.",
        "not_a_date": "Mae'n ddrwg gen i, allwn i ddim darllen y dyddiad yna. Rhowch gynnig ar 3/4/2025 neu 3 Ebrill, neu tapiwch Heddiw.",
        "date_in_future": "Dydy'r dyddiad yna ddim wedi digwydd eto. Rhowch ddyddiad heddiw neu un cynharach.",
        "date_in_past": "Mae'r dyddiad yna wedi mynd heibio. Rhowch ddyddiad heddiw neu un hwyrach.",
        "need_media": "Anfonwch neges llais neu lun. Gallwch chi bwyso recordio yn Telegram.",
        "need_words_or_voice": (
            "Diolch. Ar gyfer y cwestiwn hwn, galla i gadw geiriau wedi'u teipio neu neges llais."
        ),
        "need_words_or_media": (
            "Diolch. Ar gyfer y cwestiwn hwn, galla i gadw geiriau wedi'u teipio, neges llais "
            "neu lun."
        ),
        "nothing_chosen": "Ticiwch o leiaf un, yna tapiwch Gorffen.",
        "no_back": "Dyma'r cwestiwn cyntaf, felly does dim byd i fynd yn ôl ato.",
        "nothing_to_go_back_to": "Dydych chi ddim yng nghanol unrhyw beth, felly does dim byd i fynd yn ôl ato.",
        "plan_intro": (
            "Dyma'r cynllun a wnaethoch chi gyda {name}. Bydda i'n ei anfon un cam ar y "
            "tro.\n\n"
            "Ar gyfer pob cam, dywedwch wrtha i os ydych chi'n cytuno, os hoffech chi newid "
            "rhywbeth, neu os hoffech chi siarad amdano y tro nesaf."
        ),
        "plan_who": "Pwy: {who}",
        "plan_by": "Erbyn: {date}",
        "plan_agree": "Ydw, rydw i'n cytuno",
        "plan_change": "Hoffwn i newid rhywbeth",
        "plan_talk": "Gadewch i ni siarad amdano y tro nesaf",
        "plan_talk_instead": "Siarad amdano y tro nesaf yn lle hynny",
        "plan_agreed": "Diolch. Bydd eich swyddog prawf yn gweld eich bod chi'n cytuno.",
        "plan_talk_later": "Iawn. Gallwch chi siarad amdano yn eich apwyntiad nesaf.",
        "plan_ask_words": "Beth fyddech chi'n ei newid? Teipiwch e yn eich geiriau eich hun.",
        "plan_words_kept": (
            "Diolch. Bydd eich swyddog prawf yn darllen hyn cyn eich apwyntiad nesaf."
        ),
        "plan_type_words": "Teipiwch e mewn geiriau, neu pwyswch “{skip}” uchod.",
        "plan_changed": "Mae'r cam hwn yn eich cynllun wedi newid. Mae'r un newydd yn is i lawr.",
        "plan_changed_coming": (
            "Mae eich swyddog prawf wedi newid y cam hwn yn eich cynllun. "
            "Byddan nhw'n anfon yr un newydd atoch chi."
        ),
        "plan_dropped": (
            "Dydy'r cam hwn ddim yn rhan o'ch cynllun mwyach, felly does dim byd i'w wneud."
        ),
        "plan_old_mark": "Mae'r cam hwn wedi newid.",
        "plan_dropped_mark": "Dydy'r cam hwn ddim yn rhan o'ch cynllun mwyach.",
        # Drafts for review by a Welsh speaker. In Welsh the person comes after the verb
        # ("Hoffai eich swyddog prawf..."), so both forms of "your probation officer" are lower
        # case.
        "new_in_tandem": "Mae gennych chi rywbeth newydd yn Tandem.",
        "someone_start": "eich swyddog prawf",
        "someone": "eich swyddog prawf",
        "invite_one": "Hoffai {who} i chi roi cynnig ar: {tool} — cyn {day}.",
        "invite_many": "Hoffai {who} i chi roi cynnig ar y rhain cyn {day}:",
        "invite_note": "Mae {who} yn dweud: “{note}”",
        "invite_start": "Dechrau: {tool}",
        "nudge_one": (
            "Nodyn i'ch atgoffa: hoffai {who} i chi roi cynnig ar {tool} cyn {day}. "
            "Gallwch chi ddechrau pryd bynnag sy'n gyfleus i chi."
        ),
        "nudge_many": "Nodyn i'ch atgoffa: hoffai {who} i chi roi cynnig ar y rhain cyn {day}:",
        "nudge_stop": (
            "Os byddai'n well gennych chi beidio â chael nodiadau atgoffa, anfonwch "
            "/stop_reminders."
        ),
        "menu_set": "Wedi'i osod gan {who} cyn {day}:",
        "appointment_tomorrow": "Mae eich apwyntiad nesaf yfory, {day}, am {time}{where}.",
        "appointment_today": "Mae eich apwyntiad heddiw am {time}{where}.",
        "appointment_where_place": ", yn {place}",
        "appointment_where_phone": ", dros y ffôn",
        "appointment_where_phone_on": ", dros y ffôn ar {place}",
        "appointment_where_video": ", ar alwad fideo",
        "appointment_cant_come": "Os na allwch chi ddod, pwyswch y botwm isod.",
        "cant_make_it": "Alla i ddim dod",
        "cant_make_it_told": (
            "Diolch am ddweud wrtha i. Rydw i wedi rhoi gwybod i'ch swyddog prawf.\n\n"
            "Cysylltwch â'ch swyddfa prawf hefyd cyn gynted ag y gallwch chi, i ddweud pam ac i "
            "gytuno ar amser newydd. Dydy'r neges hon ar ei phen ei hun ddim yn newid eich "
            "apwyntiad."
        ),
        "cant_make_it_again": (
            "Rydych chi wedi dweud wrtha i yn barod, ac mae eich swyddog prawf yn gwybod. "
            "Cysylltwch â'ch swyddfa prawf cyn gynted ag y gallwch chi i gytuno ar amser newydd."
        ),
        "cant_make_it_cancelled": (
            "Mae'r apwyntiad hwn wedi'i ganslo, felly does dim angen i chi wneud dim byd. "
            "Anfonwch /next i weld pryd mae'r un nesaf."
        ),
        "show_me": "Dangos i mi",
        "next_appointment": "Mae eich apwyntiad nesaf {day} am {time}{where}.",
        "next_none": (
            "Dydw i ddim yn gwybod am apwyntiad i chi eto. Bydd eich swyddog prawf yn dweud "
            "wrthoch chi pryd mae'r un nesaf."
        ),
        "reminders_stopped": (
            "Iawn, rydw i wedi stopio nodiadau atgoffa. Fydda i ddim yn eich atgoffa chi am "
            "bethau i roi cynnig arnyn nhw, nac am eich apwyntiadau.\n\n"
            "Byddwch chi'n dal i gael fy atebion pan fyddwch chi'n ysgrifennu ata i, a neges pan "
            "fydd eich swyddog prawf yn gosod rhywbeth newydd i chi. I'w troi nhw ymlaen eto, "
            "anfonwch /start_reminders."
        ),
        "reminders_already_stopped": (
            "Mae nodiadau atgoffa wedi'u diffodd yn barod. I'w troi nhw ymlaen eto, anfonwch "
            "/start_reminders."
        ),
        "reminders_started": (
            "Iawn, mae nodiadau atgoffa ymlaen eto. Bydda i'n eich atgoffa chi am bethau i roi "
            "cynnig arnyn nhw ac am eich apwyntiadau, ond byth rhwng 9yh a 9yb."
        ),
        "reminders_already_on": (
            "Mae nodiadau atgoffa ymlaen yn barod. I'w stopio nhw, anfonwch /stop_reminders."
        ),
    },
}


def say(key: str, lang: str = "en", **values: object) -> str:
    table = TEXTS.get(lang) or TEXTS["en"]
    text = table.get(key) or TEXTS["en"][key]
    return text.format(**values) if values else text
