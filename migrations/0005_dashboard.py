from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_integration')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='OrderLine',
            index=Index(fields=['product_id', 'order_id']),
        ),
    ]
