"""Every sentence the tutor says that is not course material, in French and English."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "welcome": {
        "fr": "Bonjour et bienvenue dans le tuteur CAIRE ! Je réponds à vos questions à partir du cours, "
        "en citant mes sources. Vous êtes au niveau {level}. Choisissez votre langue et votre niveau, "
        "ou posez directement une question.",
        "en": "Hello and welcome to the CAIRE tutor! I answer your questions from the course material and cite my "
        "sources. You are at level {level}. Pick your language and level, or just ask a question.",
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
    "yes_delete": {"fr": "Oui, tout effacer", "en": "Yes, delete everything"},
    "cancel": {"fr": "Annuler", "en": "Cancel"},
    "cmd_start": {"fr": "accueil, langue et niveau", "en": "welcome, language and level"},
    "cmd_help": {"fr": "cette aide", "en": "this help"},
    "cmd_lang": {"fr": "langue des réponses (fr ou en)", "en": "language of answers (fr or en)"},
    "cmd_level": {"fr": "votre niveau (1, 2 ou 3)", "en": "your level (1, 2 or 3)"},
    "cmd_export": {"fr": "voir toutes vos données", "en": "see all your data"},
    "cmd_delete": {"fr": "effacer toutes vos données", "en": "delete all your data"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (French if the language is unknown), with values filled in."""
    texts = MESSAGES[key]
    return texts.get(lang, texts["fr"]).format(**values)
