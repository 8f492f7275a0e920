"""Where other apps plug into the application workflow.

The workflow imports nothing from the apps that build on it. An app that
must act on an application's steps, or that can give a material in place of
a file, registers a handler here from its `AppConfig.ready()` (licenses does:
it issues the license of an approved application and lets a valid license
stand in for a material). Registering the same handler twice is harmless.

    on_application_approved(handler)   handler(application), inside the approving transaction
    on_state_changed(handler)          handler(application, event), inside each transition's transaction
    on_terms_changed(handler)          handler(application=..., materials_by_name=...), inside the submission
    on_materials_given(handler)        handler(application) -> ids of materials given without a file
    on_material_references(handler)    handler(application) -> {material id: what stands in for it}
    on_results(handler)                handler(application) -> [{"number", "name_zh", "name_en"}]: what
                                       the application produced (its license), for the decision to grant
    on_known_answers(handler)          handler(person=, enterprise=, keys=) -> {key: answer}: answers the
                                       applicant's records already give (the licenses in their wallet)
    on_material_stand_in(handler)      handler(application=, actor=, material=, reference=, at=): give a
                                       material by what `reference` names (a held license's id), inside
                                       the caller's transaction; raises ValidationError when it cannot

Handlers that run inside a transaction and start slow work (a task, an
email) defer it with `transaction.on_commit`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_approved: list[Callable] = []
_state_changed: list[Callable] = []
_terms_changed: list[Callable] = []
_materials_given: list[Callable] = []
_material_references: list[Callable] = []
_results: list[Callable] = []
_stand_ins: list[Callable] = []
_known_answers: list[Callable] = []


def _register(handlers: list[Callable], handler: Callable) -> Callable:
    if handler not in handlers:
        handlers.append(handler)
    return handler


def on_application_approved(handler: Callable) -> Callable:
    """Call `handler(application)` when an application is approved, inside the approving transaction."""
    return _register(_approved, handler)


def on_state_changed(handler: Callable) -> Callable:
    """Call `handler(application, event)` after each transition, inside its transaction.

    `event` is the ApplicationEvent the transition appended (from and to
    state, action, time). The handler defers slow work with `on_commit`.
    """
    return _register(_state_changed, handler)


def on_terms_changed(handler: Callable) -> Callable:
    """Call `handler(application=, materials_by_name=)` when a draft is submitted under newer terms.

    `materials_by_name` maps each material's Chinese name to the material of
    the new terms; the handler moves what it keeps for the old materials.
    """
    return _register(_terms_changed, handler)


def on_materials_given(handler: Callable) -> Callable:
    """`handler(application)` returns the ids of the materials given without a file, as of now."""
    return _register(_materials_given, handler)


def on_material_references(handler: Callable) -> Callable:
    """`handler(application)` returns {material id: what stands in for its file}, for the desk."""
    return _register(_material_references, handler)


def on_results(handler: Callable) -> Callable:
    """`handler(application)` returns what the application produced: [{"number", "name_zh", "name_en"}]."""
    return _register(_results, handler)


def on_material_stand_in(handler: Callable) -> Callable:
    """`handler(application=, actor=, material=, reference=, at=)` gives the material without a file."""
    return _register(_stand_ins, handler)


def on_known_answers(handler: Callable) -> Callable:
    """`handler(person=, enterprise=, keys=)` returns the answers to `keys` that the applicant's
    records give, to prefill a form (the licenses app: what the licenses in the wallet say)."""
    return _register(_known_answers, handler)


def known_answers(*, person, enterprise, keys: set[str]) -> dict:
    answers: dict = {}
    for handler in _known_answers:
        for key, value in handler(person=person, enterprise=enterprise, keys=keys).items():
            answers.setdefault(key, value)
    return answers


def application_approved(application) -> None:
    for handler in _approved:
        handler(application)


def state_changed(application, event) -> None:
    for handler in _state_changed:
        handler(application, event)


def terms_changed(*, application, materials_by_name: dict) -> None:
    for handler in _terms_changed:
        handler(application=application, materials_by_name=materials_by_name)


def materials_given(application) -> set[int]:
    given: set[int] = set()
    for handler in _materials_given:
        given |= set(handler(application))
    return given


def material_references(application) -> dict[int, object]:
    references: dict[int, object] = {}
    for handler in _material_references:
        references.update(handler(application))
    return references


def results(application) -> list[dict]:
    produced: list[dict] = []
    for handler in _results:
        produced.extend(handler(application))
    return produced


def material_stand_in(*, application, actor, material, reference, at) -> None:
    """Give `material` of a draft by `reference` (a bundle's choice of a held license)."""
    if not _stand_ins:
        raise ValidationError(_("Nothing can stand in for a material here: upload the file."))
    for handler in _stand_ins:
        handler(application=application, actor=actor, material=material, reference=reference, at=at)
