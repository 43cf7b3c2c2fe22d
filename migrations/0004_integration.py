from tortoise import migrations
from tortoise.migrations import operations as ops
from models.membership import Role
from models.order import OrderStatus
from models.webhook import WebhookDeliveryStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_events')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ApiClient',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('name', fields.CharField(max_length=100)),
                ('key_hash', fields.CharField(unique=True, description='sha256 of the key (resolvers.core.context.token_hash), as for sessions: the key itself is never stored.', max_length=64)),
                ('key_prefix', fields.CharField(max_length=12)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('membership', fields.ForeignKeyField('models.Membership', source_field='membership_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('role', fields.CharEnumField(null=True, description='ADMINISTRATOR: ADMINISTRATOR\nVIEW_PRICES: VIEW_PRICES\nVIEW_PRICES_AND_ORDER: VIEW_PRICES_AND_ORDER\nORDER_WITHOUT_PRICES: ORDER_WITHOUT_PRICES\nQUICK_LISTS_ONLY: QUICK_LISTS_ONLY', enum_type=Role, max_length=21)),
                ('scopes', fields.JSONField(default=list, description='IntegrationScope values, sorted ([] for a company client).', encoder=JSON_DUMPS, decoder=loads)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_client', 'app': 'models', 'indexes': [Index(fields=['company_id'])], 'pk_attr': 'id', 'table_description': 'A key-holding caller. It acts through its own backing User (`User.is_api_client`: no'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Invoice',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('customer_number', fields.ForeignKeyField('models.CustomerNumber', source_field='customer_number_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('number', fields.CharField(unique=True, description="The ERP's invoice number.", max_length=40)),
                ('issued_at', fields.DateField()),
                ('due_date', fields.DateField()),
                ('total', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('open_amount', fields.DecimalField(max_digits=14, decimal_places=2)),
            ],
            options={'table': 'invoice', 'app': 'models', 'indexes': [Index(fields=['company_id', 'created_at']), Index(fields=['company_id', 'open_amount'])], 'pk_attr': 'id', 'table_description': 'An invoice of one customer number. `open_amount` is the total less its payments, kept in'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='InvoiceOrder',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('invoice', fields.ForeignKeyField('models.Invoice', source_field='invoice_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('order', fields.ForeignKeyField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'invoice_order', 'app': 'models', 'unique_together': (('invoice_id', 'order_id'),), 'indexes': [Index(fields=['order_id'])], 'pk_attr': 'id', 'table_description': 'Which orders an invoice bills (an order may be billed over several invoices).'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Payment',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('invoice', fields.ForeignKeyField('models.Invoice', source_field='invoice_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('amount', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('paid_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reference', fields.CharField(description="The ERP's payment reference, unique per invoice.", max_length=100)),
            ],
            options={'table': 'payment', 'app': 'models', 'unique_together': (('invoice_id', 'reference'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Shipment',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('order', fields.ForeignKeyField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('number', fields.CharField(unique=True, description='The delivery-note number of the ERP: unique across orders, so that a number sent again for', max_length=60)),
                ('shipped_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('signed_by', fields.CharField(null=True, max_length=200)),
                ('tracking_url', fields.CharField(null=True, max_length=2000)),
            ],
            options={'table': 'shipment', 'app': 'models', 'indexes': [Index(fields=['order_id', 'shipped_at'])], 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='ShipmentLine',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('order_line', fields.ForeignKeyField('models.OrderLine', source_field='order_line_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('quantity', fields.DecimalField(max_digits=12, decimal_places=3)),
                ('position', fields.IntField(description='The place of the line in the delivery note, as the ERP sent it.')),
            ],
            options={'table': 'shipment_line', 'app': 'models', 'unique_together': (('shipment', 'order_line'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='WebhookSubscription',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('url', fields.CharField(max_length=2000)),
                ('events', fields.JSONField(default=list, description='EventType values.', encoder=JSON_DUMPS, decoder=loads)),
                ('secret', fields.CharField(max_length=100)),
                ('active', fields.BooleanField(default=True)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, description="Who made it: for a company's subscription, whether Money is sent is this user's right to", db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('from_sequence', fields.BigIntField(default=0, description='It receives the events whose sequence is above this one: those after it was created (or')),
            ],
            options={'table': 'webhook_subscription', 'app': 'models', 'pk_attr': 'id', 'table_description': "A URL that receives the events of the listed types: a company's own events, or (company"},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('subscription', fields.ForeignKeyField('models.WebhookSubscription', source_field='subscription_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('sequence', fields.BigIntField(description='The event\'s sequence: "newest first" is the feed\'s order.')),
                ('status', fields.CharEnumField(default=WebhookDeliveryStatus.PENDING, description='PENDING: PENDING\nDELIVERED: DELIVERED\nRETRYING: RETRYING\nFAILED: FAILED', enum_type=WebhookDeliveryStatus, max_length=20)),
                ('attempts', fields.IntField(default=0, description='Attempts begun (counted when claimed, so a crash mid-send counts too).')),
                ('first_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_response_status', fields.IntField(null=True)),
                ('last_error', fields.TextField(null=True, unique=False)),
                ('next_attempt_at', fields.DatetimeField(null=True, description='Null once DELIVERED or FAILED.', auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_delivery', 'app': 'models', 'unique_together': (('subscription_id', 'event_id'),), 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['subscription_id', 'sequence'])], 'pk_attr': 'id', 'table_description': 'One event for one subscription, claimed by a worker as OutboxMail is (`claimed_until`).'},
            bases=['Entity'],
        ),
        ops.AddField(
            model_name='Company',
            name='credit_limit',
            field=fields.DecimalField(null=True, description='Set by the distributor (creditLimitSet), None for no limit.', max_digits=14, decimal_places=2),
        ),
        ops.AlterField(
            model_name='Order',
            name='status',
            field=fields.CharEnumField(default=OrderStatus.CONFIRMED, description='CONFIRMED: CONFIRMED\nPROCESSING: PROCESSING\nREADY_FOR_PICKUP: READY_FOR_PICKUP\nPARTIALLY_SHIPPED: PARTIALLY_SHIPPED\nSHIPPED: SHIPPED\nDELIVERED: DELIVERED\nCANCELLED: CANCELLED', enum_type=OrderStatus, max_length=17),
        ),
        ops.AddField(
            model_name='Order',
            name='erp_reference',
            field=fields.CharField(null=True, unique=True, description='The order number in the ERP, recorded once (orderStatusSet).', max_length=60),
        ),
        ops.AddField(
            model_name='Order',
            name='version',
            field=fields.IntField(default=1, description='Raised by every change, through a conditional UPDATE: what settles races (STYLE.md Transactions).'),
        ),
        ops.AddField(
            model_name='OrderLine',
            name='quantity_shipped',
            field=fields.DecimalField(default=0, description='The sum of the shipment lines of this line, kept in the transaction of each shipment.', max_digits=12, decimal_places=3),
        ),
        ops.AddField(
            model_name='User',
            name='is_api_client',
            field=fields.BooleanField(default=False, description='The backing user of an API client (models.api_client): never a person, never listed as one.'),
        ),
    ]
