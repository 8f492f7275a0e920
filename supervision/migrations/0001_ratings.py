import django.db.models.deletion
import django.utils.timezone
import supervision.ratings.models
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("approvals", "0001_initial"),
        ("portal", "0003_oidc_sign_in_policy"),
        ("services", "0003_list_guards"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Case',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('open', 'waiting for the callback'), ('called_back', 'called back, fix pending'), ('fixed', 'fixed, feedback given')], db_index=True, default='open', max_length=12, verbose_name='state')),
                ('opened_on', models.DateField(verbose_name='opened on')),
                ('callback_due', models.DateField(verbose_name='callback due')),
                ('fix_due', models.DateField(verbose_name='fix due')),
                ('callback_at', models.DateTimeField(blank=True, null=True, verbose_name='called back')),
                ('callback_result', models.TextField(blank=True, verbose_name='result of the callback')),
                ('fix_at', models.DateTimeField(blank=True, null=True, verbose_name='fixed')),
                ('fix_text', models.TextField(blank=True, verbose_name='what was changed')),
                ('fix_level', models.PositiveSmallIntegerField(blank=True, choices=[(5, 'very satisfied'), (4, 'satisfied'), (3, 'fairly satisfied'), (2, 'dissatisfied'), (1, 'very dissatisfied')], null=True, verbose_name='rating of the fix')),
                ('fix_rated_at', models.DateTimeField(blank=True, null=True)),
                ('callback_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rating_cases', to='services.department', verbose_name='department')),
                ('fix_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'rectification case',
                'verbose_name_plural': 'rectification cases',
                'ordering': ['callback_due', 'id'],
            },
        ),
        migrations.CreateModel(
            name='CaseEscalation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('limit', models.CharField(max_length=12)),
                ('due_on', models.DateField()),
                ('at', models.DateTimeField()),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='escalations', to='supervision.case')),
            ],
        ),
        migrations.CreateModel(
            name='Complaint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('tracking_number', models.CharField(max_length=24, unique=True, verbose_name='complaint number')),
                ('query_code', models.CharField(default=supervision.ratings.models._complaint_query_code, editable=False, max_length=8, verbose_name='query code')),
                ('about', models.CharField(choices=[('application', 'an application'), ('visit', 'a visit to the window'), ('department', 'a department'), ('item', 'a service item')], max_length=12, verbose_name='about')),
                ('text', models.TextField(max_length=4000, verbose_name='what happened')),
                ('name', models.CharField(blank=True, max_length=60, verbose_name='your name')),
                ('contact', models.CharField(blank=True, max_length=120, verbose_name='phone or email')),
                ('attachment', models.FileField(blank=True, upload_to=supervision.ratings.models.complaint_upload_to)),
                ('attachment_name', models.CharField(blank=True, max_length=200, verbose_name='file name')),
                ('attachment_kind', models.CharField(blank=True, max_length=10)),
                ('filed_on', models.DateField(verbose_name='filed on')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='time')),
                ('application', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='approvals.application')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='services.department', verbose_name='department')),
                ('filer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to=settings.AUTH_USER_MODEL)),
                ('item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='services.serviceitem')),
                ('visit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='approvals.visit')),
            ],
            options={
                'verbose_name': 'complaint',
                'verbose_name_plural': 'complaints',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='case',
            name='complaint',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='case', to='supervision.complaint'),
        ),
        migrations.CreateModel(
            name='Rating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.PositiveSmallIntegerField(choices=[(5, 'very satisfied'), (4, 'satisfied'), (3, 'fairly satisfied'), (2, 'dissatisfied'), (1, 'very dissatisfied')], verbose_name='rating')),
                ('tags', models.JSONField(blank=True, default=list, verbose_name='tags')),
                ('comment', models.TextField(blank=True, max_length=1000, verbose_name='comment')),
                ('real_name', models.BooleanField(default=True, verbose_name='real name')),
                ('channel', models.CharField(choices=[('online', 'online'), ('window', 'window')], max_length=10, verbose_name='channel')),
                ('rated_on', models.DateField(db_index=True, verbose_name='rated on')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='time')),
                ('appeal', models.CharField(blank=True, choices=[('', 'no appeal'), ('pending', 'appeal pending'), ('upheld', 'appeal upheld'), ('rejected', 'appeal rejected')], default='', max_length=10, verbose_name='appeal')),
                ('appeal_reason', models.TextField(blank=True, verbose_name='reason for the appeal')),
                ('appeal_decision', models.TextField(blank=True, verbose_name='decision on the appeal')),
                ('appeal_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('appeal_decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('application', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rating', to='approvals.application')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ratings', to='services.department', verbose_name='department')),
                ('item_version', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ratings', to='services.itemversion', verbose_name='item')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ratings', to='portal.person')),
                ('rater', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ratings', to=settings.AUTH_USER_MODEL)),
                ('staff', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ratings_received', to=settings.AUTH_USER_MODEL, verbose_name='staff who acted')),
                ('visit', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rating', to='approvals.visit')),
            ],
            options={
                'verbose_name': 'rating',
                'verbose_name_plural': 'ratings',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='case',
            name='rating',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='case', to='supervision.rating'),
        ),
        migrations.CreateModel(
            name='WindowRatingToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('used_at', models.DateTimeField(blank=True, null=True)),
                ('visit', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='rating_token', to='approvals.visit')),
            ],
        ),
        migrations.AddConstraint(
            model_name='caseescalation',
            constraint=models.UniqueConstraint(fields=('case', 'limit'), name='one_case_escalation_per_limit'),
        ),
        migrations.AddIndex(
            model_name='rating',
            index=models.Index(fields=['department', 'rated_on'], name='rating_department_day_idx'),
        ),
        migrations.AddConstraint(
            model_name='rating',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('application__isnull', False), ('visit__isnull', True)), models.Q(('application__isnull', True), ('visit__isnull', False)), _connector='OR'), name='rating_of_one_application_or_one_visit'),
        ),
        migrations.AddConstraint(
            model_name='rating',
            constraint=models.CheckConstraint(condition=models.Q(('level__gte', 1), ('level__lte', 5)), name='rating_level_1_to_5'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('complaint__isnull', True), ('rating__isnull', False)), models.Q(('complaint__isnull', False), ('rating__isnull', True)), _connector='OR'), name='case_of_one_rating_or_one_complaint'),
        ),
    ]
