from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LoginThrottle',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=120)),
                ('failures', fields.IntField(default=0)),
                ('window_start', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'login_throttle', 'app': 'models', 'pk_attr': 'key', 'table_description': 'Failed sign-ins counted per key in a fixed window: a client address, or an address and an'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Branch',
            name='name',
            field=fields.CharField(description='The French name, and the fallback of the other locales.', max_length=200),
        ),
        ops.AddField(
            model_name='Branch',
            name='name_en',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Branch',
            name='name_nl',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AlterField(
            model_name='OutboxMail',
            name='attempts',
            field=fields.IntField(default=0, description='Delivery attempts begun (counted when claimed, so a crash mid-send counts too).'),
        ),
        ops.AddField(
            model_name='OutboxMail',
            name='failed_at',
            field=fields.DatetimeField(null=True, db_index=True, description='Set when the worker gave up (a permanent 5xx, or the last attempt failed): FAILED.', auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='OutboxMail',
            name='secret',
            field=fields.CharField(null=True, max_length=200),
        ),
    ]
