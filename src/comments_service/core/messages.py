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
    "cross-site": {
        "en": "Nothing was posted: comments must be sent from this site's own form. You can write one below.",
        "es": "No se publicó nada: los comentarios deben enviarse desde el formulario de este sitio. "
        "Puede escribir uno abajo.",
    },
    "required": {"en": "This is required.", "es": "Este campo es obligatorio."},
    "too-long": {
        "en": "This is too long (at most {max_length} characters).",
        "es": "Es demasiado largo (como máximo {max_length} caracteres).",
    },
    "invalid-because": {"en": "This {why}.", "es": "Este campo {why}."},
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
        "At most {max_links} links.",
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
        "Como máximo {max_links} enlaces.",
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
