import django.db.models.deletion
import portal.i18n
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('services', '0003_list_guards'),
        ('supervision', '0001_ratings'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AccountabilityCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=20, unique=True, verbose_name='case number')),
                ('source', models.CharField(choices=[('evidence', "a supervisor's evidence"), ('overdue', 'overdue application'), ('visit', 'run at most once violation'), ('rating', 'bad rating case past its limit'), ('countdown', 'missed countdown node')], max_length=12, verbose_name='source')),
                ('source_key', models.CharField(blank=True, max_length=200)),
                ('facts_zh', models.TextField(verbose_name='facts (Chinese)')),
                ('facts_en', models.TextField(blank=True, verbose_name='facts (English)')),
                ('evidence', models.JSONField(blank=True, default=list, verbose_name='evidence links')),
                ('state', models.CharField(choices=[('proposed', 'proposed'), ('opened', 'opened'), ('findings', 'findings recorded'), ('decided', 'decided'), ('closed', 'closed')], default='proposed', max_length=10, verbose_name='state')),
                ('decision', models.CharField(blank=True, choices=[('no_fault', 'no fault'), ('reminder', 'reminder'), ('criticism', 'criticism in a public notice'), ('referral', 'referral')], max_length=10, verbose_name='decision')),
                ('created_at', models.DateTimeField(verbose_name='created')),
                ('opened_at', models.DateTimeField(blank=True, null=True, verbose_name='opened')),
                ('updated_at', models.DateTimeField(verbose_name='updated')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='accountability_cases', to='services.department')),
            ],
            options={
                'verbose_name': 'accountability case',
                'verbose_name_plural': 'accountability cases',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='AccountabilityEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('propose', 'proposed'), ('open', 'opened'), ('dismiss', 'dismissed'), ('findings', 'findings recorded'), ('decide', 'decided'), ('close', 'closed')], max_length=10, verbose_name='step')),
                ('from_state', models.CharField(blank=True, choices=[('proposed', 'proposed'), ('opened', 'opened'), ('findings', 'findings recorded'), ('decided', 'decided'), ('closed', 'closed')], max_length=10)),
                ('to_state', models.CharField(choices=[('proposed', 'proposed'), ('opened', 'opened'), ('findings', 'findings recorded'), ('decided', 'decided'), ('closed', 'closed')], max_length=10)),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('evidence', models.JSONField(blank=True, default=list, verbose_name='evidence links')),
                ('at', models.DateTimeField(verbose_name='time')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='supervision.accountabilitycase')),
            ],
            options={
                'verbose_name': 'case event',
                'verbose_name_plural': 'case events',
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='AccountabilityNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=20, unique=True, verbose_name='notice number')),
                ('name_zh', models.CharField(max_length=200, verbose_name='title (Chinese)')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='title (English)')),
                ('text_zh', models.TextField(verbose_name='public text (Chinese)')),
                ('text_en', models.TextField(blank=True, verbose_name='public text (English)')),
                ('published_at', models.DateTimeField(verbose_name='published')),
                ('case', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='notice', to='supervision.accountabilitycase')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='services.department')),
            ],
            options={
                'verbose_name': 'notice',
                'verbose_name_plural': 'notices',
                'ordering': ['-published_at', '-id'],
            },
            bases=(portal.i18n.BilingualNameMixin, models.Model),
        ),
        migrations.CreateModel(
            name='FeedbackMeeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('held_on', models.DateField(verbose_name='date')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('attendees', models.TextField(verbose_name='attendees')),
                ('reports', models.TextField(blank=True, verbose_name='reports discussed')),
                ('created_at', models.DateTimeField(verbose_name='recorded')),
                ('cases', models.ManyToManyField(blank=True, related_name='meetings', to='supervision.accountabilitycase', verbose_name='cases discussed')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'feedback meeting',
                'verbose_name_plural': 'feedback meetings',
                'ordering': ['-held_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='FeedbackAction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('description', models.TextField(verbose_name='decision')),
                ('due_on', models.DateField(verbose_name='due date')),
                ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='done')),
                ('done_note', models.TextField(blank=True, verbose_name='what was done')),
                ('late_notified_at', models.DateTimeField(blank=True, null=True)),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meeting_actions', to=settings.AUTH_USER_MODEL)),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='supervision.feedbackmeeting')),
            ],
            options={
                'verbose_name': 'meeting action',
                'verbose_name_plural': 'meeting actions',
                'ordering': ['due_on', 'id'],
            },
        ),
        migrations.AddConstraint(
            model_name='accountabilitycase',
            constraint=models.UniqueConstraint(condition=models.Q(('source_key', ''), _negated=True), fields=('source_key',), name='accountability_one_case_per_fact'),
        ),
        migrations.AddConstraint(
            model_name='accountabilitycase',
            constraint=models.CheckConstraint(condition=models.Q(('decision', ''), ('state__in', ['decided', 'closed']), _connector='OR'), name='accountability_decision_only_when_decided'),
        ),
    ]
