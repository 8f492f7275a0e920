"""Published extension points of the deadline engine.

`deadline_moved` is sent when a calendar change (a State Council notice
entered, a day corrected, a package re-seed) moves the due date of an open
clock. The application workflow connects to it to tell the applicant:

    from django.dispatch import receiver
    from approvals.signals import deadline_moved

    @receiver(deadline_moved)
    def tell_applicant(sender, *, clock, old_due_on, new_due_on, provisional, at, **kwargs):
        application = clock.application  # the workflow's OneToOneField to Clock
        ...

Arguments: `sender` is the `Clock` class; `clock` the clock (already saved
with its new due date); `old_due_on` and `new_due_on` dates; `provisional`
whether the new date is still provisional; `at` the time of the
recomputation.

It is sent inside the transaction that saves the move, one clock per
transaction: a receiver's own writes (a message row, an event) commit or roll
back with the move. A receiver that sends email or SMS should defer that with
`transaction.on_commit`.
"""

from django.dispatch import Signal

deadline_moved = Signal()
