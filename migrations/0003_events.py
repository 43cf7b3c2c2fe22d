from tortoise import migrations
from tortoise.migrations import operations as ops
from models.event import EventType
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_hardening')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('sequence', fields.BigIntField(unique=True)),
                ('type', fields.CharEnumField(description='COMPANY_REGISTERED: COMPANY_REGISTERED\nCOMPANY_APPROVED: COMPANY_APPROVED\nMEMBERSHIP_CHANGED: MEMBERSHIP_CHANGED\nCUSTOMER_NUMBER_REQUESTED: CUSTOMER_NUMBER_REQUESTED\nADDRESS_CHANGE_REQUESTED: ADDRESS_CHANGE_REQUESTED\nQUOTE_REQUESTED: QUOTE_REQUESTED\nQUOTE_ISSUED: QUOTE_ISSUED\nQUOTE_ACCEPTED: QUOTE_ACCEPTED\nVALIDATION_LIST_SUBMITTED: VALIDATION_LIST_SUBMITTED\nVALIDATION_LIST_APPROVED: VALIDATION_LIST_APPROVED\nVALIDATION_LIST_REJECTED: VALIDATION_LIST_REJECTED\nVALIDATION_LIST_CANCELLED: VALIDATION_LIST_CANCELLED\nORDER_CREATED: ORDER_CREATED\nORDER_STATUS_CHANGED: ORDER_STATUS_CHANGED\nSHIPMENT_RECORDED: SHIPMENT_RECORDED\nINVOICE_RECORDED: INVOICE_RECORDED\nPAYMENT_RECORDED: PAYMENT_RECORDED', enum_type=EventType, max_length=40)),
                ('company', fields.ForeignKeyField('models.Company', source_field='company_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('subject_id', fields.CharField(description='Global id of the object the event is about.', max_length=200)),
                ('data', fields.JSONField(default=dict, description='JSON snapshot of the subject, each Money value an object of amount and currency.', encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'event', 'app': 'models', 'indexes': [Index(fields=['company_id', 'sequence']), Index(fields=['type', 'sequence'])], 'pk_attr': 'id', 'table_description': 'One change, in the order of the feed: sequence, then when it happened (created_at).'},
            bases=['Entity'],
        ),
    ]
