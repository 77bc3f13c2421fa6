"""Every sentence the assistant (the bot) says that is not course material, in French and English.

The bot calls itself the CAIRE assistant; "tutor" always means a human tutor of the teaching team.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- scenarios ---------------------------------------------------------------------------------------------
    "cmd_scenario": {
        "fr": "des histoires à choix sur les biais (/scenario <id> pour en jouer une)",
        "en": "branching stories about biases (/scenario <id> to play one)",
    },
    "scenario_list_head": {"fr": "Scénarios du niveau {level} :", "en": "Level {level} scenarios:"},
    "scenario_list_all": {"fr": "Tous les scénarios :", "en": "All scenarios:"},
    "scenario_list_more": {
        "fr": "✓ terminé, ▶ en cours. /scenario all montre ceux des autres niveaux.",
        "en": "✓ finished, ▶ in progress. /scenario all shows the other levels' too.",
    },
    "scenario_none": {"fr": "Aucun scénario n'est disponible pour l'instant.", "en": "No scenario is available yet."},
    "scenario_unknown": {
        "fr": "Je ne connais pas le scénario « {id} ». Voici la liste :",
        "en": "I do not know the scenario “{id}”. Here is the list:",
    },
    "scenario_resumed": {
        "fr": "On reprend « {title} » là où vous l'aviez laissé.",
        "en": "Picking up “{title}” where you left it.",
    },
    "scenario_paused": {
        "fr": "Scénario en pause. Tapez /scenario {id} pour le reprendre.",
        "en": "Scenario paused. Type /scenario {id} to pick it up again.",
    },
    "scenario_pick": {
        "fr": "Choisissez une option avec les boutons ou tapez son numéro (/cancel pour mettre en pause).",
        "en": "Pick an option with the buttons or type its number (/cancel to pause).",
    },
    "scenario_old_button": {
        "fr": "Ce bouton correspond à une étape déjà passée. Voici où vous en êtes :",
        "en": "That button belongs to a step you have passed. Here is where you are:",
    },
    "scenario_already": {"fr": "Ce choix est déjà enregistré.", "en": "That choice is already recorded."},
    "scenario_not_yours": {
        "fr": "Ce bouton appartient à une autre partie que la vôtre.",
        "en": "That button belongs to someone else's run.",
    },
    "scenario_removed": {
        "fr": "Ce scénario n'est plus disponible. /scenario pour la liste.",
        "en": "That scenario is no longer available. /scenario for the list.",
    },
    "scenario_over": {
        "fr": "Cette partie est terminée (fin : {ending}). Vous pouvez la rejouer.",
        "en": "That run is over (ending: {ending}). You can play it again.",
    },
    "scenario_replaced": {
        "fr": "Cette partie a été remplacée par une plus récente. Vous pouvez recommencer.",
        "en": "That run was replaced by a newer one. You can start again.",
    },
    "scenario_again": {"fr": "Recommencer", "en": "Start again"},
    "scenario_stop": {"fr": "Pause", "en": "Pause"},
    "scenario_ending": {"fr": "Fin : {title} ({outcome})", "en": "Ending: {title} ({outcome})"},
    "scenario_outcome_best": {"fr": "la meilleure issue", "en": "the best outcome"},
    "scenario_outcome_mixed": {"fr": "une issue mitigée", "en": "a mixed outcome"},
    "scenario_outcome_poor": {"fr": "une issue à éviter", "en": "an outcome to avoid"},
    "scenario_debrief_learner": {"fr": "Vos biais : {text}", "en": "Your biases: {text}"},
    "scenario_debrief_system": {"fr": "Les biais du système : {text}", "en": "The system's biases: {text}"},
    "scenario_debrief_case": {"fr": "Le cas réel : {text}", "en": "The real case: {text}"},
    "scenario_debrief_rule": {
        "fr": "Ce que disent le droit et les bonnes pratiques : {text}",
        "en": "What the law and good practice say: {text}",
    },
    "scenario_other_paths": {
        "fr": "Les autres chemins vous auraient appris :",
        "en": "The other paths would have taught you:",
    },
    "scenario_progress": {
        "fr": "Scénarios : {done} terminé(s) sur {total} au niveau {level} ({all} en tout).",
        "en": "Scenarios: {done} of {total} finished at level {level} ({all} in all).",
    },
    "scenario_progress_going": {
        "fr": "En cours : {id} (/scenario {id} pour reprendre).",
        "en": "In progress: {id} (/scenario {id} to resume).",
    },
    # --- end of scenarios --------------------------------------------------------------------------------------
    "cmd_privacy": {
        "fr": "ce que je garde sur vous, pourquoi, combien de temps",
        "en": "what I keep about you, why, how long",
    },
    "privacy": {
        "fr": "Je suis une IA, pas une personne. Pour vous répondre, je garde : votre identifiant sur la plateforme, "
        "votre langue, votre niveau et vos réglages de rappel ; vos messages et mes réponses ; vos réponses aux "
        "quiz, vos parcours de scénarios et votre labo ; les questions signalées à l'équipe pédagogique. Pourquoi : "
        "répondre à partir du cours, espacer les révisions, et permettre à un tuteur humain de vous aider. Combien de "
        "temps : tout est effacé après {days} jours sans message de votre part, et les anciens échanges au-delà de "
        "{days} jours. Vos droits (RGPD, art. 13 à 17) : /export vous envoie tout ce que je garde, /delete efface "
        "tout, définitivement. Pour le reste, adressez-vous à votre établissement.",
        "en": "I am an AI, not a person. To answer you I keep: your platform id, your language, level and reminder "
        "settings; your messages and my answers; your quiz answers, scenario runs and lab work; questions flagged to "
        "the teaching team. Why: to answer from the course, space your reviews, and let a human tutor help you. How "
        "long: everything is erased after {days} days without a message from you, and older exchanges after "
        "{days} days. Your rights (GDPR Art. 13 to 17): /export sends you everything I keep, /delete erases "
        "everything, for good. For anything else, contact your institution.",
    },
    "quiz_answer_first": {
        "fr": "Je ne donne pas la réponse d'une question de quiz en cours : essayez d'abord, même au hasard. Juste "
        "après, le bouton « M'expliquer » vous montre le passage du cours qui l'explique.",
        "en": "I do not give the answer to a quiz question you have yet to answer: have a go first, even a guess. "
        "Right after, the “Explain it to me” button shows you the course passage that explains it.",
    },
    "index_unavailable": {
        "fr": "Je ne peux pas consulter le cours pour l'instant (son index est indisponible) ; l'équipe technique est "
        "prévenue. Les quiz, scénarios et le labo restent accessibles.",
        "en": "I cannot read the course right now (its index is unavailable); the technical team has been told. "
        "Quizzes, scenarios and the lab still work.",
    },
    "slow_down": {
        "fr": "Vous m'écrivez très vite : je traite au plus {limit} messages par minute. Attendez un instant, puis "
        "réessayez.",
        "en": "You are writing very fast: I handle at most {limit} messages a minute. Wait a moment, then try again.",
    },
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
    # --- glossary, not covered, the question's language (issue 13) ----------------------------------------------
    "glossary_definition": {
        "fr": "Définition du glossaire du cours — {term} :",
        "en": "The course glossary's definition — {term}:",
    },
    "not_covered": {"fr": "Le cours ne traite pas de {things}.", "en": "The course does not cover {things}."},
    "covered_nearby": {
        "fr": "Ce qu'il traite de plus proche : {section} ({module})",
        "en": "The closest it covers: {section} ({module})",
    },
    "not_covered_noted": {
        "fr": "Je ne réponds pas à la place du cours. J'ai noté votre question pour l'équipe pédagogique ; "
        "vous pouvez aussi la poser à votre tuteur.",
        "en": "I won't answer beyond the course. I've noted your question for the teaching team; you can also ask "
        "your tutor.",
    },
    "and": {"fr": "et", "en": "and"},
    "lang_offer": {
        "fr": "Vous avez écrit en français, alors j'ai répondu en français. Pour recevoir toutes les réponses en "
        "français : /lang fr",
        "en": "You wrote in English, so I answered in English. To get every answer in English: /lang en",
    },
    "lang_offer_button": {"fr": "Toujours en français", "en": "Always in English"},
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
    # --- tutors' review: flags, thumbs, cohorts, tutors' replies -------------------------------------------------
    "cmd_flag": {
        "fr": "demander l'aide d'un tuteur humain (/flag [pourquoi])",
        "en": "ask a human tutor for help (/flag [why])",
    },
    "cmd_join": {"fr": "rejoindre une cohorte (/join CODE)", "en": "join a cohort (/join CODE)"},
    "thumb_up": {"fr": "👍 Utile", "en": "👍 Helpful"},
    "thumb_down": {"fr": "👎 Pas utile", "en": "👎 Not helpful"},
    "ask_tutor": {"fr": "Demander à un tuteur", "en": "Ask a human tutor"},
    "thumb_thanks": {"fr": "Merci pour votre retour !", "en": "Thanks for your feedback!"},
    "thumb_flagged": {
        "fr": "Merci. J'ai signalé cette réponse à l'équipe pédagogique : un tuteur ou une tutrice la relira.",
        "en": "Thank you. I have passed this answer on to the teaching team: a tutor will look at it.",
    },
    "flag_raised": {
        "fr": "C'est transmis à l'équipe pédagogique : un tuteur ou une tutrice vous répondra ici même.",
        "en": "Passed on to the teaching team: a tutor will answer you right here.",
    },
    "flag_stale": {
        "fr": "Je ne retrouve pas cette réponse. Tapez /flag suivi de votre question pour joindre un tuteur.",
        "en": "I can't find that answer any more. Type /flag followed by your question to reach a tutor.",
    },
    "tutor_reply": {
        "fr": "💬 Réponse de votre tuteur·rice, {name} :\n\n{text}",
        "en": "💬 Your tutor {name} answers:\n\n{text}",
    },
    "distress_help": {
        "fr": "Ce que vous vivez compte, et vous n'avez pas à rester seul·e avec ça. Si vous pensez au suicide ou "
        "êtes en grande détresse, appelez le 3114, le numéro national de prévention du suicide (gratuit, 24 h/24, "
        "7 j/7). Si un enfant ou un adolescent est en danger, vous compris, appelez le 119, Allô Enfance en Danger "
        "(gratuit, 24 h/24). En cas de danger immédiat, appelez le 112. Je ne suis qu'un assistant automatique, "
        "mais j'ai prévenu l'équipe pédagogique : une personne vous répondra ici.",
        "en": "What you are going through matters, and you don't have to face it alone. If you are thinking about "
        "suicide or are in deep distress, in France call 3114, the national suicide prevention line (free, 24/7). "
        "If a child or teenager is in danger, you included, call 119, Allô Enfance en Danger (free, 24/7). In "
        "immediate danger, call 112. I am only an automated assistant, but I have told the teaching team: a person "
        "will answer you here.",
    },
    "abuse_reply": {
        "fr": "Restons courtois, s'il vous plaît : je suis là pour vous aider à comprendre le cours. "
        "Ce message a été transmis à l'équipe pédagogique.",
        "en": "Let's keep it civil, please: I am here to help you with the course. "
        "This message has been passed on to the teaching team.",
    },
    "rules_reply": {
        "fr": "Je ne donne pas les réponses des quiz et je reste dans mon rôle : vous aider à comprendre le cours. "
        "Posez-moi une question sur le cours, ou tapez /quiz pour vous entraîner.",
        "en": "I don't give out quiz answers and I stay in my role: helping you understand the course. "
        "Ask me a question about the course, or type /quiz to practise.",
    },
    "join_usage": {
        "fr": "Utilisation : /join CODE (le code donné par votre tuteur).",
        "en": "Usage: /join CODE (the code your tutor gave you).",
    },
    "join_unknown": {
        "fr": "Je ne connais pas ce code de cohorte. Vérifiez-le auprès de votre tuteur.",
        "en": "I don't know this cohort code. Please check it with your tutor.",
    },
    "join_done": {
        "fr": "Bienvenue dans la cohorte « {name} » : vous êtes au niveau {level}, et vos tuteurs suivent vos "
        "questions.",
        "en": "Welcome to the cohort '{name}': you are at level {level}, and your tutors follow your questions.",
    },
    # Discord adapter (adapters/discord): refusals, closed direct messages, and the slash commands' localised names
    # (a command without a name here keeps its registry name in every language).
    "discord_not_yours": {
        "fr": "Ce bouton a été envoyé à quelqu'un d'autre : il ne répond qu'à cette personne. "
        "Utilisez les commandes (/quiz, /ask…) pour obtenir les vôtres.",
        "en": "This button was sent to someone else and only works for them. "
        "Use the commands (/quiz, /ask…) to get your own.",
    },
    "discord_dm_closed": {
        "fr": "Je ne peux pas vous écrire en message privé : autorisez les messages privés des membres de ce serveur "
        "(paramètres de confidentialité du serveur), ou écrivez-moi d'abord, puis recommencez.",
        "en": "I can't send you a direct message: allow direct messages from this server's members (the server's "
        "privacy settings), or write to me first, then try again.",
    },
    "discord_cmd_ask": {"fr": "poser une question sur le cours", "en": "ask a question about the course"},
    "discord_option_question": {"fr": "votre question", "en": "your question"},
    "discord_name_option_question": {"fr": "question", "en": "question"},
    "discord_name_option_value": {"fr": "valeur", "en": "value"},
    "discord_name_ask": {"fr": "question", "en": "ask"},
    "discord_name_start": {"fr": "accueil", "en": "start"},
    "discord_name_help": {"fr": "aide", "en": "help"},
    "discord_name_lang": {"fr": "langue", "en": "lang"},
    "discord_name_level": {"fr": "niveau", "en": "level"},
    "discord_name_quiz": {"fr": "quiz", "en": "quiz"},
    "discord_name_scenario": {"fr": "scénario", "en": "scenario"},
    "discord_name_lab": {"fr": "labo", "en": "lab"},
    "discord_name_progress": {"fr": "progression", "en": "progress"},
    "discord_name_reminder": {"fr": "rappel", "en": "reminder"},
    "discord_name_timezone": {"fr": "fuseau", "en": "timezone"},
    "discord_name_cancel": {"fr": "annuler", "en": "cancel"},
    "discord_name_privacy": {"fr": "confidentialité", "en": "privacy"},
    "discord_name_export": {"fr": "mes-données", "en": "export"},
    "discord_name_delete": {"fr": "effacer", "en": "delete"},
    "discord_name_flag": {"fr": "signaler", "en": "flag"},
    "discord_name_join": {"fr": "rejoindre", "en": "join"},
    # --- the lab (/lab): create your own AI ---------------------------------------------------------------------
    "cmd_lab": {"fr": "créer votre propre IA (le labo)", "en": "create your own AI (the lab)"},
    "lab_menu": {
        "fr": "Créez votre propre IA ! Choisissez une tâche : vous étiquetez quelques exemples, entraînez un modèle, "
        "le testez, puis cherchez ses biais.",
        "en": "Create your own AI! Pick a task: you label a few examples, train a model, test it, then look for its "
        "biases.",
    },
    "lab_none": {
        "fr": "Aucune tâche de labo n'est installée ici. Demandez à l'équipe pédagogique.",
        "en": "No lab task is installed here. Ask the teaching team.",
    },
    "lab_unknown_task": {
        "fr": "Je ne connais pas la tâche « {task} ».",
        "en": "I do not know the task “{task}”.",
    },
    "lab_task_intro": {
        "fr": "{title}\n{intro}\nDonnées : {train} décisions passées pour apprendre, {test} mises de côté pour tester.",
        "en": "{title}\n{intro}\nData: {train} past decisions to learn from, {test} kept aside for testing.",
    },
    "lab_example": {
        "fr": "Étiquetez vous-même l'exemple {n}/{total} :\n« {text} »",
        "en": "Label example {n}/{total} yourself:\n“{text}”",
    },
    "lab_train_button": {"fr": "Entraîner maintenant", "en": "Train now"},
    "lab_noted": {"fr": "Noté : {label}.", "en": "Noted: {label}."},
    "lab_already_labelled": {
        "fr": "Cet exemple est déjà étiqueté « {label} » : rien n'est enregistré deux fois.",
        "en": "This example is already labelled “{label}”: nothing is recorded twice.",
    },
    "lab_all_labelled": {
        "fr": "Vous avez étiqueté les {total} exemples. Entraînez votre modèle !",
        "en": "You labelled all {total} examples. Now train your model!",
    },
    "lab_no_labels": {
        "fr": "Vous n'avez rien étiqueté : le modèle apprend seulement des {n} exemples fournis.",
        "en": "You labelled nothing: the model learns from the {n} shipped examples only.",
    },
    "lab_trained": {
        "fr": "Modèle entraîné sur {examples} exemples, dont {yours} de vous. Sur {tested} exemples jamais vus, il "
        "retrouve la décision enregistrée {correct} fois : {pct}.\n"
        "Tapez une phrase pour l'essayer (/cancel pour sortir).",
        "en": "Model trained on {examples} examples, {yours} of them yours. On {tested} examples it never saw, it "
        "matches the recorded decision {correct} times: {pct}.\nType a sentence to try it (/cancel to leave).",
    },
    "lab_resume": {
        "fr": "Votre modèle est entraîné : {pct} sur les exemples de test. Tapez une phrase pour l'essayer "
        "(/cancel pour sortir).",
        "en": "Your model is trained: {pct} on the test examples. Type a sentence to try it (/cancel to leave).",
    },
    "lab_resume_fixed": {
        "fr": "Après « {fix} » : {pct}.",
        "en": "After “{fix}”: {pct}.",
    },
    "lab_pct": {"fr": "{pct}\u00a0%", "en": "{pct}%"},
    "lab_prediction": {"fr": "Votre modèle : {label} ({pct}).", "en": "Your model: {label} ({pct})."},
    "lab_prediction_fixed": {
        "fr": "Votre modèle corrigé : {label} ({pct}).",
        "en": "Your fixed model: {label} ({pct}).",
    },
    "lab_too_long": {
        "fr": "Cette phrase est trop longue ({length} caractères) : essayez-en une de {limit} au plus.",
        "en": "That sentence is too long ({length} characters): try one of {limit} at most.",
    },
    "lab_use_buttons": {
        "fr": "Étiquetez d'abord l'exemple avec les boutons, ou entraînez le modèle.",
        "en": "Label the example with the buttons first, or train the model.",
    },
    "lab_train_first": {"fr": "Entraînez d'abord votre modèle.", "en": "Train your model first."},
    "lab_labelling_over": {
        "fr": "L'étiquetage est fini pour ce modèle. Tapez une phrase pour l'essayer.",
        "en": "Labelling is over for this model. Type a sentence to try it.",
    },
    "lab_stale": {
        "fr": "Ce bouton vient d'une partie précédente du labo. Tapez /lab pour reprendre.",
        "en": "This button comes from an earlier run of the lab. Type /lab to carry on.",
    },
    "lab_other_task": {
        "fr": "Ce bouton appartient à la tâche « {title} », qui n'est pas ouverte. Tapez /lab pour y revenir.",
        "en": "This button belongs to the task “{title}”, which is not open. Type /lab to go back to it.",
    },
    "lab_pair_button": {"fr": "Chercher un biais", "en": "Look for a bias"},
    "lab_pair": {
        "fr": "Même texte, un mot changé :\nA « {a} » → {label_a} ({p_a})\nB « {b} » → {label_b} ({p_b})\n{verdict}",
        "en": "Same text, one word changed:\nA “{a}” → {label_a} ({p_a})\nB “{b}” → {label_b} ({p_b})\n{verdict}",
    },
    "lab_pair_flips": {"fr": "Un seul mot fait basculer la décision.", "en": "One word flips the decision."},
    "lab_pair_moves": {
        "fr": "Même décision, mais ce mot déplace la probabilité de {gap} points.",
        "en": "Same decision, but that word moves the probability by {gap} points.",
    },
    "lab_fix_choice": {
        "fr": "Corrigez : rééquilibrez les données, ou retirez le mot ({words}).",
        "en": "Fix it: rebalance the data, or remove the word ({words}).",
    },
    "lab_fix_rebalance": {"fr": "Rééquilibrer", "en": "Rebalance"},
    "lab_fix_remove": {"fr": "Retirer le mot", "en": "Remove the word"},
    "lab_fixed_rebalance": {
        "fr": "Données rééquilibrées : chaque groupe pèse autant dans chaque décision.",
        "en": "Data rebalanced: each group now weighs the same in each decision.",
    },
    "lab_fixed_remove": {"fr": "Mots retirés : {words}.", "en": "Words removed: {words}."},
    "lab_compare": {
        "fr": "Exactitude : {before} → {after}.\nA → {label_a} ({p_a}), B → {label_b} ({p_b}).\n{verdict} "
        "Écart : {gap_before} → {gap_after} points.",
        "en": "Accuracy: {before} → {after}.\nA → {label_a} ({p_a}), B → {label_b} ({p_b}).\n{verdict} "
        "Gap: {gap_before} → {gap_after} points.",
    },
    "lab_still_flips": {"fr": "La paire bascule encore.", "en": "The pair still flips."},
    "lab_no_flip": {"fr": "La paire ne bascule plus.", "en": "The pair no longer flips."},
    "lab_accuracy_fell": {
        "fr": "L'exactitude baisse : les décisions de test portent le même biais, et le copier rapportait des points.",
        "en": "Accuracy fell: the test decisions carry the same bias, and copying it scored points.",
    },
    "lab_end_button": {"fr": "Conclure", "en": "Wrap up"},
    "lab_reflection": {
        "fr": "Pour conclure, à méditer :\n{questions}\nTapez /lab pour une autre tâche.",
        "en": "To wrap up, think about:\n{questions}\nType /lab for another task.",
    },
    "lab_question": {"fr": "{n}. {question} (à relire : {section})", "en": "{n}. {question} (reread: {section})"},
    "lab_done_already": {
        "fr": "Vous avez déjà conclu cette tâche. Tapez /lab pour en choisir une autre ou la recommencer.",
        "en": "You already wrapped up this task. Type /lab to pick another or start it over.",
    },
    "lab_again_button": {"fr": "Recommencer", "en": "Start over"},
    "lab_left": {
        "fr": "Labo fermé. Vos étiquettes sont gardées : /lab pour y revenir.",
        "en": "Lab closed. Your labels are kept: /lab to come back.",
    },
    "lab_progress": {"fr": "Labo :\n{lines}", "en": "Lab:\n{lines}"},
    "lab_progress_line": {"fr": "• {title} : {state}", "en": "• {title}: {state}"},
    "lab_state_labelling": {"fr": "{n}/{total} exemples étiquetés", "en": "{n}/{total} examples labelled"},
    "lab_state_trained": {"fr": "modèle entraîné, exactitude {pct}", "en": "model trained, accuracy {pct}"},
    "lab_state_fixed": {
        "fr": "exactitude {pct}, puis {fixed} après « {fix} »",
        "en": "accuracy {pct}, then {fixed} after “{fix}”",
    },
    "lab_state_done": {"fr": "{state}, terminé", "en": "{state}, done"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (French if the language is unknown), with values filled in."""
    texts = MESSAGES[key]
    return texts.get(lang, texts["fr"]).format(**values)
