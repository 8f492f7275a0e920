"""Check constraints validated in one query.

`Model.full_clean()` asks the database about each `CheckConstraint` on its own:
a savepoint, a `SELECT`, a release, for every constraint of every row validated.
A model with several constraints (an item version has five) pays that several
times on each save of a draft. `OneQueryChecks` asks once, with every
condition in one `SELECT`, and decides exactly as Django does: a condition that
is false fails, one that is true or unknown (NULL) passes, one that names a
field left out of the validation is skipped, and the error carries the
constraint's own message and code. Should the database refuse the combined
query, each constraint is asked on its own, as Django would.
"""

from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, ExpressionWrapper, Q, Value
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


def checks_passed(model, instance, constraints, *, exclude=None, using="default") -> dict | None:
    """{id(constraint): passed} for the check constraints the instance's values can be judged on.

    Constraints naming an excluded field are left out (Django skips them too).
    None when the database refused the combined query.
    """
    against = instance._get_field_expression_map(meta=model._meta, exclude=exclude)
    query = Query(None)
    for name, value in against.items():
        query.add_annotation(value if hasattr(value, "resolve_expression") else Value(value), name, select=False)
    judged = []
    for constraint in constraints:
        alias = f"_check_{len(judged)}"
        try:
            query.add_annotation(ExpressionWrapper(Q(constraint.condition), output_field=BooleanField()), alias)
        except FieldError:
            continue
        judged.append(constraint)
    if not judged:
        return {}
    connection = connections[using]
    savepoint = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    try:
        with savepoint:
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError:
        return None
    return {id(constraint): value is None or bool(value) for constraint, value in zip(judged, row)}


class OneQueryChecks(models.Model):
    """A model whose check constraints `full_clean()` validates in one query (see the module)."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        errors = {}
        for model_class, model_constraints in self.get_constraints():
            checks = [c for c in model_constraints if isinstance(c, CheckConstraint)]
            passed = checks_passed(model_class, self, checks, exclude=exclude, using=using) if len(checks) > 1 else None
            for constraint in model_constraints:
                try:
                    if passed is not None and isinstance(constraint, CheckConstraint):
                        if not passed.get(id(constraint), True):
                            raise ValidationError(
                                constraint.get_violation_error_message(), code=constraint.violation_error_code
                            )
                    else:
                        constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
