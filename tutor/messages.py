"""Every sentence the assistant (the bot) says that is not course material, in French and English.

The bot calls itself the CAIRE assistant; "tutor" always means a human tutor of the teaching team.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "welcome": {
        "fr": "Bonjour et bienvenue ! Je suis l'assistant CAIRE, une IA et non une personne : je réponds à vos "
        "questions à partir du cours, en citant mes sources. Vous êtes au niveau {level}. Choisissez votre langue "
        "et votre niveau, ou posez directement une question.",
        "en": "Hello and welcome! I am the CAIRE assistant, an AI, not a person: I answer your questions from the "
        "course material and cite my sources. You are at level {level}. Pick your language and level, ask a "
        "question, or type /quiz to review.",
    },
    "help": {
        "fr": "Posez une question sur le cours en une phrase, je réponds avec les passages qui la justifient.\n"
        "Commandes :\n{commands}",
        "en": "Ask a question about the course in one sentence; I answer with the passages that support it.\n"
        "Commands:\n{commands}",
    },
    "lang_set": {
        "fr": "D'accord, je vous réponds désormais en français.",
        "en": "OK, I will answer in English from now on.",
    },
    "lang_usage": {"fr": "Utilisation : /lang fr ou /lang en.", "en": "Usage: /lang fr or /lang en."},
    "level_set": {"fr": "C'est noté : niveau {level} — {name}.", "en": "Noted: level {level} — {name}."},
    "level_usage": {
        "fr": "Utilisation : /level 1, /level 2 ou /level 3.",
        "en": "Usage: /level 1, /level 2 or /level 3.",
    },
    "level_1": {"fr": "les fondamentaux", "en": "fundamentals"},
    "level_2": {"fr": "l'IA au travail", "en": "AI at work"},
    "level_3": {
        "fr": "usage responsable, droit, innovation et management",
        "en": "responsible use, law, innovation and management",
    },
    "empty": {
        "fr": "Votre message est vide. Posez-moi une question sur le cours, ou tapez /help.",
        "en": "Your message is empty. Ask me a question about the course, or type /help.",
    },
    "too_long": {
        "fr": "Votre message est trop long ({length} caractères, {limit} au plus). "
        "Posez votre question en quelques phrases.",
        "en": "Your message is too long ({length} characters, {limit} at most). "
        "Please ask your question in a few sentences.",
    },
    "no_words": {
        "fr": "Je ne trouve pas de question dans ce message. Écrivez-la avec des mots, ou tapez /help.",
        "en": "I can't find a question in this message. Please write it in words, or type /help.",
    },
    "unknown_command": {
        "fr": "Je ne connais pas la commande {command}. Tapez /help pour voir la liste.",
        "en": "I don't know the command {command}. Type /help to see the list.",
    },
    "unknown_button": {
        "fr": "Ce bouton n'est plus valable. Tapez /help pour continuer.",
        "en": "This button is no longer valid. Type /help to carry on.",
    },
    "answer_intro": {"fr": "D'après le cours :", "en": "According to the course:"},
    "abstain": {
        "fr": "Je ne trouve pas la réponse à cette question dans le cours, et je préfère ne pas inventer. "
        "J'ai noté votre question pour l'équipe pédagogique. Vous pouvez la reformuler, ou la poser "
        "à votre tuteur.",
        "en": "I can't find the answer to this question in the course, and I'd rather not make one up. "
        "I've noted your question for the teaching team. You can rephrase it, or ask your tutor.",
    },
    "sources": {"fr": "Sources", "en": "Sources"},
    "internal_error": {
        "fr": "Désolé, un problème technique m'empêche de répondre. Réessayez dans un instant.",
        "en": "Sorry, a technical problem stops me from answering. Please try again in a moment.",
    },
    "export": {
        "fr": "Voici toutes les données que je garde sur vous :",
        "en": "Here is all the data I keep about you:",
    },
    "delete_confirm": {
        "fr": "Voulez-vous vraiment effacer votre profil et tout votre historique ? C'est définitif.",
        "en": "Do you really want to delete your profile and your whole history? This cannot be undone.",
    },
    "delete_done": {
        "fr": "C'est fait : tout ce que je savais de vous est effacé. Tapez /start pour recommencer.",
        "en": "Done: everything I knew about you is deleted. Type /start to begin again.",
    },
    "delete_cancelled": {"fr": "Rien n'a été effacé.", "en": "Nothing was deleted."},
    "delete_stale": {
        "fr": "Ce bouton a expiré : rien n'a été effacé. Tapez /delete pour recommencer.",
        "en": "This button has expired: nothing was deleted. Type /delete to start again.",
    },
    "yes_delete": {"fr": "Oui, tout effacer", "en": "Yes, delete everything"},
    "cancel": {"fr": "Annuler", "en": "Cancel"},
    "cmd_start": {"fr": "accueil, langue et niveau", "en": "welcome, language and level"},
    "cmd_help": {"fr": "cette aide", "en": "this help"},
    "cmd_lang": {"fr": "langue des réponses (fr ou en)", "en": "language of answers (fr or en)"},
    "cmd_level": {"fr": "votre niveau (1, 2 ou 3)", "en": "your level (1, 2 or 3)"},
    "cmd_export": {"fr": "voir toutes vos données", "en": "see all your data"},
    "cmd_delete": {"fr": "effacer toutes vos données", "en": "delete all your data"},
    "quiz_header": {"fr": "Question {n}/{total} — {module}", "en": "Question {n}/{total} — {module}"},
    "quiz_type_answer": {"fr": "Tapez votre réponse en quelques mots.", "en": "Type your answer in a few words."},
    "quiz_correct": {"fr": "✅ Bonne réponse !", "en": "✅ Correct!"},
    "quiz_wrong": {"fr": "❌ Pas tout à fait. La bonne réponse : {answer}", "en": "❌ Not quite. The answer: {answer}"},
    "quiz_from": {"fr": "Pour revoir : {source}", "en": "To review: {source}"},
    "quiz_next": {"fr": "Question suivante", "en": "Next question"},
    "quiz_explain": {"fr": "M'expliquer", "en": "Explain it to me"},
    "quiz_stop": {"fr": "Arrêter le quiz", "en": "Stop the quiz"},
    "quiz_stopped": {
        "fr": "Quiz arrêté. Vos réponses sont enregistrées ; /quiz pour reprendre.",
        "en": "Quiz stopped. Your answers are saved; /quiz to start again.",
    },
    "quiz_still_open": {
        "fr": "La question du quiz attend toujours votre réponse (ou /cancel pour arrêter le quiz).",
        "en": "The quiz question is still waiting for your answer (or /cancel to stop the quiz).",
    },
    "nothing_to_cancel": {
        "fr": "Rien à annuler : posez une question, ou /quiz pour réviser.",
        "en": "Nothing to cancel: ask a question, or /quiz to review.",
    },
    "cmd_cancel": {"fr": "arrêter l'activité en cours (quiz)", "en": "stop the current activity (quiz)"},
    "level_button": {"fr": "Niveau {level}", "en": "Level {level}"},
    "quiz_start_button": {"fr": "Commencer le quiz", "en": "Start the quiz"},
    "quiz_done": {
        "fr": "Session terminée : {correct}/{asked} bonnes réponses. À demain pour la suite !",
        "en": "Session over: {correct}/{asked} right. See you tomorrow for more!",
    },
    "quiz_nothing": {
        "fr": "Rien à réviser pour l'instant : vous êtes à jour. Revenez demain !",
        "en": "Nothing to review right now: you are up to date. Come back tomorrow!",
    },
    "quiz_unknown_module": {
        "fr": "Je ne connais pas le module « {module} ». Modules : {modules}",
        "en": "I don't know the module '{module}'. Modules: {modules}",
    },
    "quiz_stale": {
        "fr": "Cette question n'est plus valable. Tapez /quiz pour en avoir une nouvelle.",
        "en": "This question is no longer valid. Type /quiz to get a new one.",
    },
    "quiz_not_yours": {
        "fr": "Ce bouton appartient à quelqu'un d'autre. Tapez /quiz pour votre propre quiz.",
        "en": "This button belongs to someone else. Type /quiz for your own quiz.",
    },
    "sent_in_private": {
        "fr": "Je vous réponds en message privé.",
        "en": "I'm answering you in a private message.",
    },
    "open_private_chat": {
        "fr": "Écrivez-moi d'abord en privé ({link}), puis recommencez : je ne peux pas vous écrire le premier.",
        "en": "Message me privately first ({link}), then try again: I cannot write to you first.",
    },
    "quiz_already": {"fr": "Vous avez déjà répondu à cette question.", "en": "You already answered this question."},
    "quiz_removed": {
        "fr": "Cette question a été retirée du cours. Tapez /quiz pour continuer.",
        "en": "This question was removed from the course. Type /quiz to carry on.",
    },
    "quiz_no_open": {
        "fr": "Aucune question n'attend de réponse. Tapez /quiz pour commencer un quiz.",
        "en": "No question is waiting for an answer. Type /quiz to start a quiz.",
    },
    "leech": {
        "fr": "Cette question vous résiste ({lapses} oublis) : relisez la section « {section} » avant d'y revenir.",
        "en": "This question keeps slipping away ({lapses} lapses): reread the section '{section}' first.",
    },
    "progress_header": {"fr": "Votre progression", "en": "Your progress"},
    "progress_line": {
        "fr": "{module} : {seen} questions vues, rétention estimée {retention} %, {due} à revoir aujourd'hui",
        "en": "{module}: {seen} questions seen, estimated retention {retention}%, {due} due today",
    },
    "progress_streak": {"fr": "Série : {days} jour(s) d'affilée.", "en": "Streak: {days} day(s) in a row."},
    "progress_none": {
        "fr": "Vous n'avez pas encore répondu à un quiz. Tapez /quiz pour commencer.",
        "en": "You have not answered any quiz yet. Type /quiz to start.",
    },
    "progress_leeches": {"fr": "À relire : {sections}", "en": "To reread: {sections}"},
    "reminder_set": {
        "fr": "Rappel quotidien à {time} ({tz}), quand des questions vous attendent.",
        "en": "Daily reminder at {time} ({tz}), when questions are waiting for you.",
    },
    "reminder_off": {"fr": "Rappels désactivés.", "en": "Reminders turned off."},
    "reminder_paused": {
        "fr": "Rappels en pause jusqu'au {date} inclus.",
        "en": "Reminders paused until {date} included.",
    },
    "reminder_usage": {
        "fr": "Utilisation : /reminder 08:30, /reminder off ou /reminder pause 3 (jours).",
        "en": "Usage: /reminder 08:30, /reminder off or /reminder pause 3 (days).",
    },
    "reminder_quiet": {
        "fr": "Pas de rappel entre {start} et {end} : choisissez une heure en dehors.",
        "en": "No reminders between {start} and {end}: pick a time outside those hours.",
    },
    "reminder_text": {
        "fr": "📚 {count} question(s) vous attendent aujourd'hui. Quelques minutes suffisent !",
        "en": "📚 {count} question(s) are waiting for you today. A few minutes is enough!",
    },
    "timezone_set": {"fr": "Fuseau horaire : {tz}.", "en": "Time zone: {tz}."},
    "timezone_usage": {
        "fr": "Fuseau inconnu. Exemple : /timezone Europe/Paris",
        "en": "Unknown time zone. Example: /timezone Europe/Paris",
    },
    "cmd_quiz": {"fr": "un quiz (ou /quiz <module>)", "en": "a quiz (or /quiz <module>)"},
    "cmd_progress": {"fr": "votre progression", "en": "your progress"},
    "cmd_reminder": {
        "fr": "rappel quotidien : /reminder 08:30, off, pause 3",
        "en": "daily reminder: /reminder 08:30, off, pause 3",
    },
    "cmd_timezone": {"fr": "votre fuseau horaire", "en": "your time zone"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (French if the language is unknown), with values filled in."""
    texts = MESSAGES[key]
    return texts.get(lang, texts["fr"]).format(**values)
