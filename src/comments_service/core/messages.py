"""What the service says to a commenter, in each language the site has: one catalogue.

A message is an entry of CATALOGUE, by key, with its text in every language of
LANGUAGES (a test checks that each entry has them all, with the same {placeholders}).
Adding a message means adding one entry here with one text per language; code names
the key (`Text("too-fast", seconds=30)`) and the web layer says it in the page's language.

The language is always the page's, never guessed from the browser: a Spanish page's
thread key starts with "es/" (the site's build gives every Spanish page such a thread),
and the widget names its page's language (`lang`, validated by `language`).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Literal

Language = Literal["en", "es"]
LANGUAGES: tuple[Language, ...] = ("en", "es")
REFERENCE: Language = "en"  # the language every message is written in first

CATALOGUE: dict[str, dict[Language, str]] = {
    # -- Posting ------------------------------------------------------------------------
    "trap-filled": {
        "en": "This field must stay empty; it catches automated posts.",
        "es": "Este campo debe quedar vacío; sirve para detectar envíos automáticos.",
    },
    "form-missing": {
        "en": "The form token is missing; reload the page and try again.",
        "es": "Falta el código del formulario; vuelva a cargar la página e inténtelo de nuevo.",
    },
    "form-expired": {
        "en": "The form has expired; reload the page and try again.",
        "es": "El formulario ha caducado; vuelva a cargar la página e inténtelo de nuevo.",
    },
    "form-invalid": {
        "en": "The form is not valid; reload the page and try again.",
        "es": "El formulario no es válido; vuelva a cargar la página e inténtelo de nuevo.",
    },
    "form-other-page": {
        "en": "This form was made for another page. Please reload this page and post again.",
        "es": "Este formulario es de otra página. Vuelva a cargar esta página y publique de nuevo.",
    },
    "form-too-quick": {
        "en": "That was quick! Please wait {seconds} seconds and post again.",
        "es": "¡Qué rápido! Espere {seconds} segundos y publique de nuevo.",
    },
    "form-used-up": {
        "en": "This form has already posted {allowed} comments. Please reload the page to post again.",
        "es": "Este formulario ya publicó {allowed} comentarios. "
        "Vuelva a cargar la página para publicar otro.",
    },
    "too-fast": {
        "en": "You are posting too fast. Please try again in {seconds} seconds.",
        "es": "Está publicando demasiado rápido. Inténtelo de nuevo en {seconds} segundos.",
    },
    "blocked": {
        "en": "Sorry, this comment cannot be posted.",
        "es": "Lo sentimos, este comentario no se puede publicar.",
    },
    "feedback-page-unknown": {
        "en": "This page does not take feedback. Please answer on one of the site's pages.",
        "es": "Esta página no recibe opiniones. Responda en una de las páginas del sitio.",
    },
    "feedback-cross-site": {
        "en": "Nothing was sent: feedback must come from this site's own pages.",
        "es": "No se envió nada: las opiniones deben llegar desde las páginas de este sitio.",
    },
    "feedback-choose": {
        "en": "Please choose Yes or No.",
        "es": "Elija Sí o No.",
    },
    "feedback-too-long": {
        "en": "Your text is {length} characters long. Please shorten it to {limit} characters or fewer "
        "and send it again.",
        "es": "Su texto tiene {length} caracteres. Acórtelo a {limit} caracteres o menos y envíelo de nuevo.",
    },
    "page-closed": {
        "en": "This page does not accept comments.",
        "es": "Esta página no acepta comentarios.",
    },
    "too-many-links": {
        "en": "Please use at most {max_links} links in a comment.",
        "es": "Use como máximo {max_links} enlaces en un comentario.",
    },
    "too-nested": {
        "en": "Lists, quotes, links or emphasis nest more than {levels} levels deep here. "
        "Please simplify the formatting.",
        "es": "Las listas, citas, enlaces o énfasis se anidan aquí más de {levels} niveles. "
        "Simplifique el formato.",
    },
    "unreadable": {
        "en": "This comment's formatting could not be read. Please simplify it.",
        "es": "No pudimos leer el formato de este comentario. Simplifíquelo.",
    },
    "parent-elsewhere": {
        "en": "The comment you are replying to is not on this page.",
        "es": "El comentario al que responde no está en esta página.",
    },
    "too-deep": {
        "en": "Replies can only nest {levels} levels deep.",
        "es": "Las respuestas solo pueden anidarse {levels} niveles.",
    },
    "duplicate": {
        "en": "This comment is already on this page.",
        "es": "Este comentario ya está en esta página.",
    },
    "page-changed": {
        "en": "The page changed while you were posting; please reload.",
        "es": "La página cambió mientras publicaba; vuelva a cargarla.",
    },
    # -- Changing one's own comment -------------------------------------------------------
    "no-such-comment": {"en": "There is no such comment.", "es": "Ese comentario no existe."},
    "not-yours": {
        "en": "You can only change comments posted from this browser.",
        "es": "Solo puede cambiar los comentarios publicados desde este navegador.",
    },
    "edit-window-over": {
        "en": "Comments can only be changed for {minutes} minutes after posting.",
        "es": "Los comentarios solo se pueden cambiar durante {minutes} minutos después de publicarlos.",
    },
    "has-replies": {
        "en": "A comment with replies can no longer be edited; you can still delete it.",
        "es": "Un comentario con respuestas ya no se puede editar; aún puede borrarlo.",
    },
    # -- What a request got wrong (the API's field checks) --------------------------------
    "field-required": {"en": "{field}: is required", "es": "{field}: es obligatorio"},
    "field-unknown": {"en": "{field}: is not an accepted field", "es": "{field}: no es un campo aceptado"},
    "field-too-long": {
        "en": "{field}: is too long (at most {max_length} characters)",
        "es": "{field}: es demasiado largo (como máximo {max_length} caracteres)",
    },
    "field-empty": {"en": "{field}: cannot be empty", "es": "{field}: no puede estar vacío"},
    "field-invalid": {"en": "{field}: is not valid", "es": "{field}: no es válido"},
    # What the field checks of core/comment_input.py say (after the field's name).
    "blank": {"en": "cannot be blank", "es": "no puede estar en blanco"},
    "bad-characters": {
        "en": "contains characters that cannot be stored (control characters or noncharacters)",
        "es": "contiene caracteres que no se pueden guardar (caracteres de control o no caracteres)",
    },
    "not-an-email": {"en": "is not an email address", "es": "no es una dirección de correo electrónico"},
    "needs-email": {"en": "needs an email address", "es": "necesita una dirección de correo electrónico"},
    # What a person's own fields say (core/field_messages.py): whole sentences, no field names.
    "name-missing": {"en": "Please enter your name.", "es": "Escriba su nombre."},
    "name-too-long": {
        "en": "Please shorten your name to {max} characters or fewer.",
        "es": "Acorte su nombre a {max} caracteres o menos.",
    },
    "name-bad-characters": {
        "en": "Your name contains characters we cannot store. Please retype it.",
        "es": "Su nombre tiene caracteres que no podemos guardar. Escríbalo de nuevo.",
    },
    "email-too-long": {
        "en": "Please use an email address of {max} characters or fewer.",
        "es": "Use una dirección de correo electrónico de {max} caracteres o menos.",
    },
    "email-not-email": {
        "en": "Please check your email address: it should look like name@example.org.",
        "es": "Revise su correo electrónico: debe tener la forma nombre@example.org.",
    },
    "email-bad-characters": {
        "en": "Your email address contains characters we cannot store. Please retype it.",
        "es": "Su correo electrónico tiene caracteres que no podemos guardar. Escríbalo de nuevo.",
    },
    "text-missing": {"en": "Please write a comment.", "es": "Escriba un comentario."},
    "text-too-long": {
        "en": "Please shorten your comment to {max} characters or fewer (it has {length}).",
        "es": "Acorte su comentario a {max} caracteres o menos (ahora tiene {length}).",
    },
    "text-bad-characters": {
        "en": "Your comment contains characters we cannot store (control characters or noncharacters). "
        "Please retype the part you pasted.",
        "es": "Su comentario tiene caracteres que no podemos guardar (caracteres de control o no "
        "caracteres). Escriba de nuevo la parte que pegó.",
    },
    "notify-needs-email": {
        "en": "To get emails about your comment, please enter your email address.",
        "es": "Para recibir correos sobre su comentario, escriba su dirección de correo electrónico.",
    },
    "field-check": {"en": "Please check this part of the form.", "es": "Revise esta parte del formulario."},
    "form-changed": {
        "en": "This form has expired or was changed. Please copy your comment, reload the page and "
        "try again.",
        "es": "Este formulario caducó o cambió. Copie su comentario, vuelva a cargar la página e inténtelo "
        "de nuevo.",
    },
    "not-json": {
        "en": "The request body is not valid JSON.",
        "es": "El cuerpo de la solicitud no es JSON válido.",
    },
    "failed": {
        "en": "Something went wrong on our side; your comment was not saved.",
        "es": "Algo falló de nuestro lado; su comentario no se guardó.",
    },
    # -- The page without JavaScript ------------------------------------------------------
    "posted-pending": {
        "en": "Thanks! Your comment is awaiting moderation.",
        "es": "¡Gracias! Su comentario está esperando moderación.",
    },
    "posted-approved": {"en": "Your comment is posted.", "es": "Su comentario está publicado."},
    "confirm-emails": {
        "en": "To get emails about your comment, open the link in the email we sent you "
        "(if you confirmed your address before, there is nothing to do).",
        "es": "Para recibir correos sobre su comentario, abra el enlace del correo que le enviamos "
        "(si ya confirmó su dirección antes, no tiene que hacer nada).",
    },
    "cross-site": {
        "en": "Nothing was posted: comments must be sent from this site's own form. You can write one below.",
        "es": "No se publicó nada: los comentarios deben enviarse desde el formulario de este sitio. "
        "Puede escribir uno abajo.",
    },
    # -- Emails to commenters (infra/commenter_email.py): each text whole --------------------
    "email-confirm-subject": {
        "en": "Please confirm: emails about your comment",
        "es": "Confirme, por favor: correos sobre su comentario",
    },
    "email-confirm-body": {
        "en": "Someone, probably you, asked to be emailed when a comment they posted on {site} is approved "
        "or answered.\n\n"
        "To confirm, open this link within {hours} hours and press the Confirm button:\n{confirm}\n\n"
        "If you did not ask for this, ignore this email. We will send nothing else, and we delete\n"
        "the request, with your address, after {hours} hours.\n",
        "es": "Alguien, probablemente usted, pidió recibir un correo cuando se apruebe o se responda un "
        "comentario que publicó en {site}.\n\n"
        "Para confirmarlo, abra este enlace antes de {hours} horas y pulse el botón Confirmar:\n{confirm}\n\n"
        "Si usted no lo pidió, no haga caso de este correo. No le enviaremos nada más, y borraremos\n"
        "la solicitud, con su dirección, después de {hours} horas.\n",
    },
    "email-digest-subject": {
        "en": "News about your comment on “{title}”",
        "es": "Novedades sobre su comentario en «{title}»",
    },
    "email-digest-intro": {
        "en": "News about your comments on “{title}”:\n",
        "es": "Novedades sobre sus comentarios en «{title}»:\n",
    },
    "email-approved-item": {
        "en": "Your comment was approved and is now on the page:\n{link}\n",
        "es": "Su comentario fue aprobado y ya está en la página:\n{link}\n",
    },
    "email-reply-item": {
        "en": "Someone replied to your comment (their words, quoted below):\n{link}\n",
        "es": "Alguien respondió a su comentario (sus palabras, citadas abajo):\n{link}\n",
    },
    "email-footer": {
        "en": "\n---\nStop all emails from us (one click): {unsubscribe}\n"
        "See, download or delete your comments and your email address: {my_data}\n",
        "es": "\n---\nDejar de recibir todos nuestros correos (un clic): {unsubscribe}\n"
        "Ver, descargar o borrar sus comentarios y su dirección de correo: {my_data}\n",
    },
    # -- Commenters' own pages (web/routers/commenter.py): a title, then what it says -------
    "link-bad-title": {"en": "This link does not work", "es": "Este enlace no funciona"},
    "link-bad": {
        "en": "This link is not valid. Please open the link from our email exactly as it was sent.",
        "es": "Este enlace no es válido. Abra el enlace de nuestro correo tal como se lo enviamos.",
    },
    "link-expired-title": {"en": "This link has expired", "es": "Este enlace ha caducado"},
    "link-expired": {
        "en": "This link is too old to use. Links to confirm work for {hours} hours; links to your data "
        "for {days} days. The newest email from us has a fresh link.",
        "es": "Este enlace es demasiado antiguo. Los enlaces para confirmar funcionan durante {hours} horas; "
        "los enlaces a sus datos, durante {days} días. Nuestro correo más reciente tiene un enlace nuevo.",
    },
    "confirm-title": {
        "en": "Confirm emails about your comments?",
        "es": "¿Confirmar los correos sobre sus comentarios?",
    },
    "confirm": {
        "en": "Press Confirm and we will email you when your comment is approved or someone replies, at "
        "most one email per page every {minutes} minutes.",
        "es": "Pulse Confirmar y le enviaremos un correo cuando se apruebe su comentario o alguien responda, "
        "como máximo un correo por página cada {minutes} minutos.",
    },
    "confirmed-title": {"en": "Emails confirmed", "es": "Correos confirmados"},
    "confirmed": {
        "en": "Thank you. We will email you when your comment is approved or someone replies. Every email "
        "has a link to stop them.",
        "es": "Gracias. Le enviaremos un correo cuando se apruebe su comentario o alguien responda. Cada "
        "correo tiene un enlace para dejar de recibirlos.",
    },
    "nothing-to-confirm-title": {"en": "Nothing to confirm", "es": "No hay nada que confirmar"},
    "nothing-to-confirm": {
        "en": "We have no request for emails to this address any more: it was withdrawn or has expired.",
        "es": "Ya no tenemos ninguna solicitud de correos para esta dirección: se retiró o caducó.",
    },
    "unsubscribe-title": {
        "en": "Stop all emails from us?",
        "es": "¿Dejar de recibir todos nuestros correos?",
    },
    "unsubscribe": {
        "en": "Press the button and we will send you no more emails about your comments, and delete your "
        "address from our list of people to email.",
        "es": "Pulse el botón y no le enviaremos más correos sobre sus comentarios, y borraremos su "
        "dirección de nuestra lista de personas a las que escribimos.",
    },
    "unsubscribed-title": {"en": "No more emails", "es": "No más correos"},
    "unsubscribed": {
        "en": "You will get no more emails from us about your comments. Your comments stay on the site.",
        "es": "No recibirá más correos nuestros sobre sus comentarios. Sus comentarios siguen en el sitio.",
    },
    "my-data-title": {"en": "Your comments and data", "es": "Sus comentarios y datos"},
    "my-data": {
        "en": "These are the comments we have with your email address or from this browser. You can "
        "download them, or delete them and your email address for good.",
        "es": "Estos son los comentarios que tenemos con su dirección de correo o de este navegador. Puede "
        "descargarlos, o borrarlos para siempre junto con su dirección de correo.",
    },
    "my-data-empty": {
        "en": "We have no comments with your email address or from this browser.",
        "es": "No tenemos comentarios con su dirección de correo ni de este navegador.",
    },
    "erased-title": {"en": "Deleted", "es": "Borrado"},
    "erased": {
        "en": "Your comments and your email address are deleted. A deleted comment that had replies stays "
        "as a “Comment deleted” line, with nothing of yours in it.",
        "es": "Sus comentarios y su dirección de correo están borrados. Un comentario borrado que tenía "
        "respuestas queda como una línea «Comentario borrado», sin nada suyo.",
    },
    "who-title": {
        "en": "We cannot tell whose data to show",
        "es": "No sabemos de quién son los datos que debemos mostrar",
    },
    "who": {
        "en": "Open the link from one of our emails, or use the browser you posted from. Or email us and "
        "we will help.",
        "es": "Abra el enlace de uno de nuestros correos, o use el navegador desde el que publicó. O "
        "escríbanos y le ayudaremos.",
    },
    "not-here-title": {"en": "Nothing was done", "es": "No se hizo nada"},
    "not-here": {
        "en": "This request did not come from our own page. Please use the button on it.",
        "es": "Esta solicitud no vino de nuestra propia página. Use el botón de la página.",
    },
    "not-this-browser": {
        "en": "Only the browser you posted from can see or delete its comments; the link in our emails "
        "works too.",
        "es": "Solo el navegador desde el que publicó puede ver o borrar sus comentarios; el enlace de "
        "nuestros correos también sirve.",
    },
    # What the download of one's own comments says (core/commenter_data.py).
    "export-note": {
        "en": "Everything this site stores with your comments. It never stores your IP address.",
        "es": "Todo lo que este sitio guarda con sus comentarios. Nunca guarda su dirección IP.",
    },
    "export-deleted": {
        "en": "A moderator deleted this comment: it is hidden from the site, and erased for good "
        "{days} days after that decision.",
        "es": "Un moderador borró este comentario: no se muestra en el sitio, y se borra para siempre "
        "{days} días después de esa decisión.",
    },
    "export-rejected": {
        "en": "A moderator rejected this comment: it is not shown on the site, and is erased for good "
        "{days} days after that decision.",
        "es": "Un moderador rechazó este comentario: no se muestra en el sitio, y se borra para siempre "
        "{days} días después de esa decisión.",
    },
    "export-pending": {
        "en": "This comment is waiting for a moderator: it is not shown on the site yet.",
        "es": "Este comentario espera a un moderador: todavía no se muestra en el sitio.",
    },
    # -- Signing in (moderators) ----------------------------------------------------------
    "login-locked": {
        "en": "Too many wrong passwords. Try again in {minutes} minutes.",
        "es": "Demasiadas contraseñas incorrectas. Inténtelo de nuevo en {minutes} minutos.",
    },
    "login-paused": {
        "en": "Sign-in is paused: too many wrong passwords from everyone. Moderators can still use "
        "the comments command and the links in moderation emails. Try again in {minutes} minutes.",
        "es": "El inicio de sesión está en pausa: demasiadas contraseñas incorrectas de todos. Los "
        "moderadores aún pueden usar el comando comments y los enlaces de los correos de moderación. "
        "Inténtelo de nuevo en {minutes} minutos.",
    },
}

# The no-JavaScript discussion page's own words (labels, links, headings).
PAGE_WORDS: dict[Language, dict[str, str]] = {
    "en": {
        "heading": "Comments on “{title}”",
        "back": "Back to the page",
        "policy": "Comments policy",
        "empty": "No comments yet. Be the first to add one.",
        "reply_to": "Reply to",
        "leave": "Leave a comment",
        "name": "Name",
        "email": "Email",
        "comment": "Comment",
        "required": "(required)",
        "optional": "(optional)",
        "email_help": "Never shown or shared. Only moderators see it.",
        "text_help": "You can use *italic*, **bold**, [links](https://example.org), lists and > quotes. "
        "At most {max_links} links and {max_length} characters.",
        "notify": "Email me when my comment is approved or someone replies",
        "notify_help": "Needs your email. We first send a link to confirm it; every email has a link to "
        "stop them.",
        "pending_badge": "Awaiting moderation (only you can see it)",
        "own_data": "Your comments and data",
        "own_data_rest": ": download them, or delete them and your email address.",
        "trap": "Leave this empty",
        "post": "Post comment",
        "deleted": "Comment deleted",
        "edited": "edited",
        "title": "Comments",
        "none_here": "No comments here",
        "home": "Home page",
        "feedback_title": "Feedback not sent",
        "feedback_heading": "Your feedback was not sent",
        "feedback_label": "Your feedback on “{title}”",
        "feedback_help": "Please don't include personal health details or contact information, such as your "
        "email address or phone number. We can't reply to feedback. At most {max_length} characters.",
        "send": "Send",
        "back_to": "Back to “{title}”",
        "confirm_button": "Confirm",
        "unsubscribe_button": "Stop all emails",
        "erase_button": "Delete my comments and email address",
        "download": "Download my comments as a file (JSON)",
        "privacy": "Privacy: what we store and send",
    },
    "es": {
        "heading": "Comentarios sobre «{title}»",
        "back": "Volver a la página",
        "policy": "Política de comentarios",
        "empty": "Todavía no hay comentarios. Sea la primera persona en escribir uno.",
        "reply_to": "Responder a",
        "leave": "Deje un comentario",
        "name": "Nombre",
        "email": "Correo electrónico",
        "comment": "Comentario",
        "required": "(obligatorio)",
        "optional": "(opcional)",
        "email_help": "Nunca se muestra ni se comparte. Solo lo ven los moderadores.",
        "text_help": "Puede usar *cursiva*, **negrita**, [enlaces](https://example.org), listas y > citas. "
        "Como máximo {max_links} enlaces y {max_length} caracteres.",
        "notify": "Enviarme un correo cuando aprueben mi comentario o alguien responda",
        "notify_help": "Necesita su correo electrónico. Primero le enviamos un enlace para confirmarlo; "
        "cada correo tiene un enlace para dejar de recibirlos.",
        "pending_badge": "Esperando moderación (solo usted lo ve)",
        "own_data": "Sus comentarios y datos",
        "own_data_rest": ": descárguelos, o bórrelos junto con su correo electrónico.",
        "trap": "Deje esto vacío",
        "post": "Publicar comentario",
        "deleted": "Comentario borrado",
        "edited": "editado",
        "title": "Comentarios",
        "none_here": "No hay comentarios aquí",
        "home": "Página de inicio",
        "feedback_title": "Opinión no enviada",
        "feedback_heading": "Su opinión no se envió",
        "feedback_label": "Su opinión sobre «{title}»",
        "feedback_help": "No incluya datos personales de salud ni datos de contacto, como su correo "
        "electrónico o su número de teléfono. No podemos responder a las opiniones. "
        "Como máximo {max_length} caracteres.",
        "send": "Enviar",
        "back_to": "Volver a «{title}»",
        "confirm_button": "Confirmar",
        "unsubscribe_button": "Dejar de recibir correos",
        "erase_button": "Borrar mis comentarios y mi dirección de correo",
        "download": "Descargar mis comentarios en un archivo (JSON)",
        "privacy": "Privacidad: qué guardamos y enviamos",
    },
}


@dataclass(frozen=True)
class Text:
    """A message of the catalogue, with the values of its placeholders."""

    key: str
    params: dict[str, object] = field(default_factory=dict)

    def __init__(self, key: str, **params: object) -> None:
        if key not in CATALOGUE:
            raise KeyError(f"no message '{key}' in the catalogue (core/messages.py)")
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", params)

    def in_language(self, language: Language) -> str:
        return CATALOGUE[self.key][language].format(**self.params)

    def __str__(self) -> str:
        return self.in_language(REFERENCE)


# Each language by its name in English, for moderators (the queue and the command line).
LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "es": "Spanish"}


def language(value: str | None, thread: str | None = None) -> Language:
    """The page's language: the one it names (`lang`, en or es), else its thread's, else English."""
    for option in LANGUAGES:
        if value == option:
            return option
    return language_of_thread(thread)


def language_of_thread(thread: str | None) -> Language:
    """A Spanish page's comments are under a thread key that starts with "es/"."""
    for other in LANGUAGES:
        if other != REFERENCE and thread and thread.startswith(f"{other}/"):
            return other
    return REFERENCE


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
