"""RegisterExportJob now belongs to the interchange app (interchange 0001), which keeps using
this app's table ``assessments_registerexportjob``. Here the model only leaves this app's
migration state: dropping the table would lose the exports' rows and files.

The dependency on interchange 0001 makes the model join its new app before it leaves this
one, on a fresh database and on one that already holds exports alike.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_register_export_job"),
        ("interchange", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table stays; interchange.RegisterExportJob reads and writes it.
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="RegisterExportJob")],
        ),
    ]
