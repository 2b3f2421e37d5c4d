"""Issue 19.5: a keyed audit chain.

1. AuditAnchor: signed (chain, seq, hash) statements, append-only.
2. Every chain that holds events is sealed with one keyed (v2, HMAC) event "audit.chain_keyed":
   its hash covers the unkeyed (v1, plain SHA-256) history through its previous hash, so that
   history can no longer be rewritten without the key. No existing row is changed.
3. On PostgreSQL, triggers: a chain head can only move forward onto an event of its chain
   with that hash and can never be deleted; the anchors are append-only; TRUNCATE of the
   events, heads and anchors is refused unless the session says `SET ikc.audit_maintenance =
   'on'` (the test suite's connections and the scale seeder do; the app never does).
"""

from django.db import migrations, models
from django.utils import timezone

TABLES = ("ikc_share_auditevent", "ikc_share_auditchainhead", "ikc_share_auditanchor")

CREATE = """
CREATE OR REPLACE FUNCTION ikc_audit_no_truncate() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('ikc.audit_maintenance', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION '% is append-only (TRUNCATE refused)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION ikc_audit_row_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION ikc_audit_head_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'an audit chain head cannot be deleted';
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF NEW.chain <> OLD.chain THEN
      RAISE EXCEPTION 'an audit chain head cannot change its chain';
    END IF;
    IF NEW.seq < OLD.seq THEN
      RAISE EXCEPTION 'an audit chain head cannot move back (% to %)', OLD.seq, NEW.seq;
    END IF;
  END IF;
  IF NEW.seq = 0 AND NEW.hash = '' THEN
    RETURN NEW;
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM ikc_share_auditevent e WHERE e.chain = NEW.chain AND e.seq = NEW.seq AND e.hash = NEW.hash
  ) THEN
    RAISE EXCEPTION 'an audit chain head must point at an event of its chain with that hash';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS ikc_audit_head_guard ON ikc_share_auditchainhead;
CREATE TRIGGER ikc_audit_head_guard BEFORE INSERT OR UPDATE OR DELETE ON ikc_share_auditchainhead
  FOR EACH ROW EXECUTE FUNCTION ikc_audit_head_guard();
DROP TRIGGER IF EXISTS ikc_audit_anchor_append_only ON ikc_share_auditanchor;
CREATE TRIGGER ikc_audit_anchor_append_only BEFORE UPDATE OR DELETE ON ikc_share_auditanchor
  FOR EACH ROW EXECUTE FUNCTION ikc_audit_row_append_only();
"""
TRUNCATE_TRIGGER = """
DROP TRIGGER IF EXISTS ikc_audit_no_truncate ON {table};
CREATE TRIGGER ikc_audit_no_truncate BEFORE TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION ikc_audit_no_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS ikc_audit_head_guard ON ikc_share_auditchainhead;
DROP TRIGGER IF EXISTS ikc_audit_anchor_append_only ON ikc_share_auditanchor;
{truncates}
DROP FUNCTION IF EXISTS ikc_audit_head_guard();
DROP FUNCTION IF EXISTS ikc_audit_row_append_only();
DROP FUNCTION IF EXISTS ikc_audit_no_truncate();
"""


def seal_unkeyed_chains(apps, schema_editor):
    """One keyed event at the end of every chain whose last event is unkeyed."""
    from ikc_share.audit import FORMAT_VERSION, canonical_payload, chain_link

    AuditChainHead = apps.get_model("ikc_share", "AuditChainHead")
    AuditEvent = apps.get_model("ikc_share", "AuditEvent")
    now = timezone.now()
    for head in AuditChainHead.objects.filter(seq__gt=0).order_by("chain"):
        last = AuditEvent.objects.filter(chain=head.chain, seq=head.seq).first()
        if last is None or last.canonical.startswith(FORMAT_VERSION + "|"):
            continue  # a broken chain stays for the verifier to report; a keyed one needs no seal
        organisation_id = int(head.chain.removeprefix("org-")) if head.chain.startswith("org-") else None
        link = chain_link(
            chain=head.chain,
            seq=head.seq + 1,
            at=max(now, last.at),
            actor_id=None,
            action="audit.chain_keyed",
            target_type="",
            target_id="",
            payload=canonical_payload({"unkeyed_events": head.seq}),
            prev_hash=head.hash,
        )
        AuditEvent.objects.create(organisation_id=organisation_id, **link)
        AuditChainHead.objects.filter(pk=head.pk).update(seq=link["seq"], hash=link["hash"])


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)
        for table in TABLES:
            schema_editor.execute(TRUNCATE_TRIGGER.format(table=table), params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        truncates = "\n".join(f"DROP TRIGGER IF EXISTS ikc_audit_no_truncate ON {t};" for t in TABLES)
        schema_editor.execute(DROP.format(truncates=truncates), params=None)


class Migration(migrations.Migration):
    dependencies = [("ikc_share", "0006_outbox")]

    operations = [
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("chain", models.CharField(max_length=40)),
                ("seq", models.BigIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("at", models.DateTimeField(default=timezone.now)),
                ("signature", models.CharField(max_length=64)),
                ("sent_to", models.PositiveIntegerField(default=0)),
            ],
            options={
                "ordering": ["chain", "-seq"],
                "constraints": [models.UniqueConstraint(fields=("chain", "seq"), name="audit_anchor_chain_seq_unique")],
            },
        ),
        migrations.RunPython(seal_unkeyed_chains, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
