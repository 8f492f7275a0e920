import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('services', '0003_list_guards'),
        ('supervision', '0002_accountability'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='MetricSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='day')),
                ('metric', models.CharField(choices=[('online', 'Online availability'), ('full_online', 'Full-online rate'), ('one_visit', 'At-most-one-visit rate'), ('on_time', 'On-time rate'), ('satisfaction', 'Satisfaction'), ('callback', 'Real-name bad-rating callback rate')], max_length=20, verbose_name='metric')),
                ('value', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, verbose_name='value (%)')),
                ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='services.department', verbose_name='department')),
            ],
            options={
                'verbose_name': 'metric snapshot',
                'verbose_name_plural': 'metric snapshots',
                'indexes': [models.Index(fields=['metric', 'day'], name='snapshot_metric_day')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('department__isnull', False)), fields=('day', 'metric', 'department'), name='snapshot_one_per_department_day'), models.UniqueConstraint(condition=models.Q(('department__isnull', True)), fields=('day', 'metric'), name='snapshot_one_per_city_day')],
            },
        ),
        migrations.CreateModel(
            name='Target',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('metric', models.CharField(choices=[('online', 'Online availability'), ('full_online', 'Full-online rate'), ('one_visit', 'At-most-one-visit rate'), ('on_time', 'On-time rate'), ('satisfaction', 'Satisfaction'), ('callback', 'Real-name bad-rating callback rate')], max_length=20, verbose_name='metric')),
                ('value', models.DecimalField(decimal_places=1, max_digits=5, verbose_name='target value (%)')),
                ('start_on', models.DateField(verbose_name='start date')),
                ('due_on', models.DateField(verbose_name='due date')),
                ('created_at', models.DateTimeField(verbose_name='set at')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='set by')),
                ('department', models.ForeignKey(blank=True, help_text='Leave empty for a city-wide target.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='services.department', verbose_name='department')),
            ],
            options={
                'verbose_name': 'countdown target',
                'verbose_name_plural': 'countdown targets',
                'ordering': ['due_on', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('due_on__gt', models.F('start_on'))), name='target_due_after_start'), models.CheckConstraint(condition=models.Q(('value__gte', 0), ('value__lte', 100)), name='target_value_is_a_percentage')],
            },
        ),
    ]
