"""A new SQLite file's schema: what migrating an empty file to REVISION leaves in
`sqlite_master` (its statements in their order) and in its tables (storage/schema.py,
`create_if_new`). Written by `python -m ddcase.storage.shape --write` (then `ruff format`);
do not edit by hand.
"""

from typing import Any

REVISION = "0015"

STATEMENTS: tuple[str, ...] = (
    "CREATE TABLE alembic_version (\n"
    "\tversion_num VARCHAR(32) NOT NULL, \n"
    "\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n"
    ")",
    "CREATE TABLE annotation (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tmonth VARCHAR(7) NOT NULL, \n"
    "\tteam VARCHAR(80) NOT NULL, \n"
    "\ttext VARCHAR(500) NOT NULL, \n"
    "\tnew_part BOOLEAN NOT NULL, \n"
    "\tversion INTEGER DEFAULT '1' NOT NULL, \n"
    "\tupdated_at DATETIME, \n"
    "\tupdated_by VARCHAR(80), \n"
    "\tCONSTRAINT pk_annotation PRIMARY KEY (id)\n"
    ")",
    "CREATE INDEX ix_annotation_month ON annotation (month)",
    "CREATE TABLE audit_event (\n"
    "\tseq INTEGER NOT NULL, \n"
    "\tat_utc VARCHAR(40) NOT NULL, \n"
    "\tos_user VARCHAR(80) NOT NULL, \n"
    "\tapp_user VARCHAR(80), \n"
    "\taction VARCHAR(20) NOT NULL, \n"
    "\tentity VARCHAR(40) NOT NULL, \n"
    "\tentity_key VARCHAR(120), \n"
    "\tbefore_json VARCHAR, \n"
    "\tafter_json VARCHAR, \n"
    "\tprev_hash VARCHAR(64) NOT NULL, \n"
    "\thash VARCHAR(64) NOT NULL, values_sha256 VARCHAR(64), chain VARCHAR(40), signature "
    "VARCHAR(64), \n"
    "\tCONSTRAINT pk_audit_event PRIMARY KEY (seq)\n"
    ")",
    "CREATE INDEX ix_audit_event_entity ON audit_event (entity)",
    "CREATE INDEX ix_audit_event_entity_key ON audit_event (entity_key)",
    "CREATE TABLE client (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tclient_ref VARCHAR(20) NOT NULL, \n"
    "\tinitials VARCHAR(6) NOT NULL, \n"
    "\tnhs_number VARCHAR(10), \n"
    "\tdate_of_birth DATE, \n"
    "\tethnicity VARCHAR(1), \n"
    "\treferral_route VARCHAR(20), \n"
    "\tconsent_to_share_on DATE, \n"
    "\tis_demo BOOLEAN NOT NULL, \n"
    "\tpurged_on DATE, \n"
    "\tversion INTEGER DEFAULT '1' NOT NULL, \n"
    "\tupdated_at DATETIME, \n"
    "\tupdated_by VARCHAR(80), \n"
    "\tCONSTRAINT pk_client PRIMARY KEY (id), \n"
    "\tCONSTRAINT uq_client_client_ref UNIQUE (client_ref)\n"
    ")",
    "CREATE TABLE definition_version (\n"
    "\tnumber INTEGER NOT NULL, \n"
    "\tfirst_month VARCHAR(7), \n"
    "\tnamed_workers BOOLEAN NOT NULL, \n"
    "\tconsent BOOLEAN NOT NULL, \n"
    "\tjoint_contact BOOLEAN NOT NULL, \n"
    "\tliaison BOOLEAN NOT NULL, \n"
    "\tjoint_contacts_min INTEGER NOT NULL, \n"
    "\tjoint_contact_window_days INTEGER NOT NULL, \n"
    "\tliaison_contacts_min INTEGER NOT NULL, \n"
    "\tmin_overlap_days INTEGER NOT NULL, \n"
    "\twritten_contacts_count BOOLEAN NOT NULL, \n"
    "\tagreed_on DATE, \n"
    "\tnote VARCHAR(500), \n"
    "\tversion INTEGER DEFAULT '1' NOT NULL, \n"
    "\tupdated_at DATETIME, \n"
    "\tupdated_by VARCHAR(80), agreed_in VARCHAR(200), \n"
    "\tCONSTRAINT pk_definition_version PRIMARY KEY (number), \n"
    "\tCONSTRAINT uq_definition_version_first_month UNIQUE (first_month)\n"
    ")",
    "CREATE TABLE measure_settings (\n"
    "\tteam VARCHAR(80) NOT NULL, \n"
    "\taim_percentage FLOAT, \n"
    "\taim_by VARCHAR(7), \n"
    "\taim_text VARCHAR(500), \n"
    "\tbaseline_months INTEGER, \n"
    "\tversion INTEGER DEFAULT '1' NOT NULL, \n"
    "\tupdated_at DATETIME, \n"
    "\tupdated_by VARCHAR(80), \n"
    "\tCONSTRAINT pk_measure_settings PRIMARY KEY (team)\n"
    ")",
    "CREATE TABLE organisation (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tname VARCHAR(80) NOT NULL, \n"
    "\tservice VARCHAR(20) NOT NULL, \n"
    "\tCONSTRAINT pk_organisation PRIMARY KEY (id), \n"
    "\tCONSTRAINT uq_organisation_name UNIQUE (name)\n"
    ")",
    "CREATE TABLE report_snapshot (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tmonth VARCHAR(7) NOT NULL, \n"
    "\tteam VARCHAR(80) NOT NULL, \n"
    "\tdefinition_version INTEGER NOT NULL, \n"
    "\tmutual_clients INTEGER NOT NULL, \n"
    "\tjointly_worked INTEGER NOT NULL, \n"
    "\tproduced_at DATETIME NOT NULL, \n"
    "\tproduced_by VARCHAR(80), \n"
    "\tCONSTRAINT pk_report_snapshot PRIMARY KEY (id)\n"
    ")",
    "CREATE INDEX ix_report_snapshot_month ON report_snapshot (month)",
    "CREATE TABLE setting (\n"
    '\t"key" VARCHAR(80) NOT NULL, \n'
    "\tvalue VARCHAR(2000) NOT NULL, \n"
    '\tCONSTRAINT pk_setting PRIMARY KEY ("key")\n'
    ")",
    "CREATE TABLE worker (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tname VARCHAR(80) NOT NULL, \n"
    "\torganisation_id INTEGER NOT NULL, \n"
    "\tservice VARCHAR(20) NOT NULL, \n"
    "\trole VARCHAR(20), \n"
    "\temail VARCHAR(254), \n"
    "\tphone VARCHAR(30), \n"
    "\tversion INTEGER DEFAULT '1' NOT NULL, \n"
    "\tupdated_at DATETIME, \n"
    "\tupdated_by VARCHAR(80), left_on DATE, \n"
    "\tCONSTRAINT pk_worker PRIMARY KEY (id), \n"
    "\tCONSTRAINT fk_worker_organisation_id_organisation FOREIGN KEY(organisation_id) REFERENCES "
    "organisation (id), \n"
    "\tCONSTRAINT uq_worker_service_name UNIQUE (service, name)\n"
    ")",
    "CREATE INDEX ix_worker_organisation_id ON worker (organisation_id)",
    "CREATE TABLE episode (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tclient_id INTEGER NOT NULL, \n"
    "\tservice VARCHAR(20) NOT NULL, \n"
    "\torganisation_id INTEGER NOT NULL, \n"
    "\tteam VARCHAR(80), \n"
    "\tworker_id INTEGER, \n"
    "\tstart_date DATE NOT NULL, \n"
    "\tend_date DATE, \n"
    "\tversion INTEGER DEFAULT '1' NOT NULL, \n"
    "\tupdated_at DATETIME, \n"
    "\tupdated_by VARCHAR(80), \n"
    "\tCONSTRAINT pk_episode PRIMARY KEY (id), \n"
    "\tCONSTRAINT fk_episode_client_id_client FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE "
    "CASCADE, \n"
    "\tCONSTRAINT fk_episode_organisation_id_organisation FOREIGN KEY(organisation_id) REFERENCES "
    "organisation (id), \n"
    "\tCONSTRAINT fk_episode_worker_id_worker FOREIGN KEY(worker_id) REFERENCES worker (id), \n"
    "\tCONSTRAINT uq_episode_client_id UNIQUE (client_id, service, organisation_id, start_date)\n"
    ")",
    "CREATE INDEX ix_episode_organisation_id ON episode (organisation_id)",
    "CREATE INDEX ix_episode_worker_id ON episode (worker_id)",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN SELECT RAISE(ABORT, 'the "
    "audit trail is append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN SELECT RAISE(ABORT, 'the "
    "audit trail is append-only'); END",
    "CREATE TABLE audit_value (\n"
    "\tseq INTEGER NOT NULL, \n"
    "\tsalt VARCHAR(32) NOT NULL, \n"
    "\tbefore_json VARCHAR, \n"
    "\tafter_json VARCHAR, \n"
    "\tCONSTRAINT pk_audit_value PRIMARY KEY (seq)\n"
    ")",
    "CREATE INDEX ix_episode_overlap ON episode (end_date, start_date, client_id, id, service, "
    "organisation_id, team, worker_id, version)",
    'CREATE TABLE "contact" (\n'
    "\tid INTEGER NOT NULL, \n"
    "\tclient_id INTEGER NOT NULL, \n"
    "\tdate DATE NOT NULL, \n"
    "\tkind VARCHAR(20) NOT NULL, \n"
    "\tmode VARCHAR(20) NOT NULL, \n"
    "\toutcome VARCHAR(20) NOT NULL, \n"
    "\tmh_worker_id INTEGER, \n"
    "\tsm_worker_id INTEGER, \n"
    "\tclient_present BOOLEAN, \n"
    "\tduration_minutes INTEGER, \n"
    "\tnote VARCHAR(500), \n"
    "\tfingerprint VARCHAR(64) NOT NULL, \n"
    "\tversion INTEGER DEFAULT '1' NOT NULL, \n"
    "\tupdated_at DATETIME, \n"
    "\tupdated_by VARCHAR(80), \n"
    "\tCONSTRAINT pk_contact PRIMARY KEY (id), \n"
    "\tCONSTRAINT fk_contact_mh_worker_id_worker FOREIGN KEY(mh_worker_id) REFERENCES worker (id), \n"
    "\tCONSTRAINT fk_contact_sm_worker_id_worker FOREIGN KEY(sm_worker_id) REFERENCES worker (id), \n"
    "\tCONSTRAINT fk_contact_client_id_client FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE "
    "CASCADE\n"
    ")",
    "CREATE INDEX ix_contact_figures ON contact (date, client_id, outcome, kind, mode)",
    "CREATE UNIQUE INDEX uq_contact_fingerprint ON contact (fingerprint)",
    "CREATE TRIGGER client_through_ddcase_insert BEFORE INSERT ON client WHEN ddcase_session() IS NOT "
    "1 BEGIN SELECT RAISE(ABORT, 'changes to the log are made through ddcase'); END",
    "CREATE TRIGGER client_through_ddcase_update BEFORE UPDATE ON client WHEN ddcase_session() IS NOT "
    "1 BEGIN SELECT RAISE(ABORT, 'changes to the log are made through ddcase'); END",
    "CREATE TRIGGER client_through_ddcase_delete BEFORE DELETE ON client WHEN ddcase_session() IS NOT "
    "1 BEGIN SELECT RAISE(ABORT, 'changes to the log are made through ddcase'); END",
    "CREATE TRIGGER episode_through_ddcase_insert BEFORE INSERT ON episode WHEN ddcase_session() IS "
    "NOT 1 BEGIN SELECT RAISE(ABORT, 'changes to the log are made through ddcase'); END",
    "CREATE TRIGGER episode_through_ddcase_update BEFORE UPDATE ON episode WHEN ddcase_session() IS "
    "NOT 1 BEGIN SELECT RAISE(ABORT, 'changes to the log are made through ddcase'); END",
    "CREATE TRIGGER episode_through_ddcase_delete BEFORE DELETE ON episode WHEN ddcase_session() IS "
    "NOT 1 BEGIN SELECT RAISE(ABORT, 'changes to the log are made through ddcase'); END",
    "CREATE TRIGGER contact_through_ddcase_insert BEFORE INSERT ON contact WHEN ddcase_session() IS "
    "NOT 1 BEGIN SELECT RAISE(ABORT, 'changes to the log are made through ddcase'); END",
    "CREATE TRIGGER contact_through_ddcase_update BEFORE UPDATE ON contact WHEN ddcase_session() IS "
    "NOT 1 BEGIN SELECT RAISE(ABORT, 'changes to the log are made through ddcase'); END",
    "CREATE TRIGGER contact_through_ddcase_delete BEFORE DELETE ON contact WHEN ddcase_session() IS "
    "NOT 1 BEGIN SELECT RAISE(ABORT, 'changes to the log are made through ddcase'); END",
    "CREATE TRIGGER definition_version_through_ddcase_insert BEFORE INSERT ON definition_version WHEN "
    "ddcase_session() IS NOT 1 BEGIN SELECT RAISE(ABORT, 'changes to the log are made through "
    "ddcase'); END",
    "CREATE TRIGGER definition_version_through_ddcase_delete BEFORE DELETE ON definition_version WHEN "
    "ddcase_session() IS NOT 1 BEGIN SELECT RAISE(ABORT, 'changes to the log are made through "
    "ddcase'); END",
    "CREATE TRIGGER definition_version_never_changed BEFORE UPDATE ON definition_version BEGIN SELECT "
    "RAISE(ABORT, 'a definition version is never changed in place'); END",
    "CREATE TRIGGER definition_version_in_force_kept BEFORE DELETE ON definition_version WHEN "
    "OLD.first_month IS NULL OR EXISTS (SELECT 1 FROM report_snapshot WHERE definition_version = "
    "OLD.number) BEGIN SELECT RAISE(ABORT, 'a definition version in force is never withdrawn'); END",
    "CREATE TABLE manual_measure (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tslug VARCHAR(40) NOT NULL, \n"
    "\tname VARCHAR(120) NOT NULL, \n"
    "\ttype VARCHAR(20) NOT NULL, \n"
    "\tunit VARCHAR(20) NOT NULL, \n"
    "\tbetter VARCHAR(10) NOT NULL, \n"
    "\taim FLOAT, \n"
    "\taim_by VARCHAR(7), \n"
    "\towner VARCHAR(80), \n"
    "\tdata_source VARCHAR(200), \n"
    "\tteam VARCHAR(80) NOT NULL, \n"
    "\tversion INTEGER DEFAULT '1' NOT NULL, \n"
    "\tupdated_at DATETIME, \n"
    "\tupdated_by VARCHAR(80), \n"
    "\tCONSTRAINT pk_manual_measure PRIMARY KEY (id), \n"
    "\tCONSTRAINT uq_manual_measure_slug UNIQUE (slug)\n"
    ")",
    "CREATE TABLE manual_measure_value (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tmeasure_id INTEGER NOT NULL, \n"
    "\tmonth VARCHAR(7) NOT NULL, \n"
    "\tnumerator INTEGER, \n"
    "\tdenominator INTEGER, \n"
    "\tvalue FLOAT, \n"
    "\tupdated_at DATETIME, \n"
    "\tupdated_by VARCHAR(80), \n"
    "\tCONSTRAINT pk_manual_measure_value PRIMARY KEY (id), \n"
    "\tCONSTRAINT fk_manual_measure_value_measure_id_manual_measure FOREIGN KEY(measure_id) "
    "REFERENCES manual_measure (id), \n"
    "\tCONSTRAINT uq_manual_measure_value_month UNIQUE (measure_id, month)\n"
    ")",
    "CREATE INDEX ix_manual_measure_value_measure_id ON manual_measure_value (measure_id)",
    "CREATE TABLE caseload_audit (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tslug VARCHAR(40) NOT NULL, \n"
    "\tname VARCHAR(200) NOT NULL, \n"
    "\tteam VARCHAR(80), \n"
    "\tversion INTEGER DEFAULT '1' NOT NULL, \n"
    "\tupdated_at DATETIME, \n"
    "\tupdated_by VARCHAR(80), \n"
    "\tCONSTRAINT pk_caseload_audit PRIMARY KEY (id), \n"
    "\tCONSTRAINT uq_caseload_audit_slug UNIQUE (slug)\n"
    ")",
    "CREATE TABLE caseload_audit_question (\n"
    "\tid INTEGER NOT NULL, \n"
    "\taudit_id INTEGER NOT NULL, \n"
    '\t"key" VARCHAR(40) NOT NULL, \n'
    "\ttext VARCHAR(300) NOT NULL, \n"
    "\tposition INTEGER NOT NULL, \n"
    "\tCONSTRAINT pk_caseload_audit_question PRIMARY KEY (id), \n"
    "\tCONSTRAINT fk_caseload_audit_question_audit_id_caseload_audit FOREIGN KEY(audit_id) REFERENCES "
    "caseload_audit (id) ON DELETE CASCADE, \n"
    '\tCONSTRAINT uq_caseload_audit_question_audit_id UNIQUE (audit_id, "key")\n'
    ")",
    "CREATE TABLE caseload_audit_round (\n"
    "\tid INTEGER NOT NULL, \n"
    "\taudit_id INTEGER NOT NULL, \n"
    "\tmonth VARCHAR(7) NOT NULL, \n"
    "\tseed INTEGER NOT NULL, \n"
    "\tsample_size INTEGER NOT NULL, \n"
    "\tversion INTEGER DEFAULT '1' NOT NULL, \n"
    "\tupdated_at DATETIME, \n"
    "\tupdated_by VARCHAR(80), \n"
    "\tCONSTRAINT pk_caseload_audit_round PRIMARY KEY (id), \n"
    "\tCONSTRAINT fk_caseload_audit_round_audit_id_caseload_audit FOREIGN KEY(audit_id) REFERENCES "
    "caseload_audit (id) ON DELETE CASCADE, \n"
    "\tCONSTRAINT uq_caseload_audit_round_audit_id UNIQUE (audit_id, month)\n"
    ")",
    "CREATE TABLE caseload_audit_case (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tround_id INTEGER NOT NULL, \n"
    "\tclient_ref VARCHAR(20) NOT NULL, \n"
    "\tinitials VARCHAR(6) NOT NULL, \n"
    "\tsample_position INTEGER, \n"
    "\tCONSTRAINT pk_caseload_audit_case PRIMARY KEY (id), \n"
    "\tCONSTRAINT fk_caseload_audit_case_round_id_caseload_audit_round FOREIGN KEY(round_id) "
    "REFERENCES caseload_audit_round (id) ON DELETE CASCADE, \n"
    "\tCONSTRAINT uq_caseload_audit_case_round_id UNIQUE (round_id, client_ref)\n"
    ")",
    "CREATE INDEX ix_caseload_audit_case_client_ref ON caseload_audit_case (client_ref)",
    "CREATE TABLE caseload_audit_answer (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tcase_id INTEGER NOT NULL, \n"
    "\tquestion_id INTEGER NOT NULL, \n"
    "\tanswer VARCHAR(20) NOT NULL, \n"
    "\tversion INTEGER DEFAULT '1' NOT NULL, \n"
    "\tupdated_at DATETIME, \n"
    "\tupdated_by VARCHAR(80), \n"
    "\tCONSTRAINT pk_caseload_audit_answer PRIMARY KEY (id), \n"
    "\tCONSTRAINT fk_caseload_audit_answer_case_id_caseload_audit_case FOREIGN KEY(case_id) "
    "REFERENCES caseload_audit_case (id) ON DELETE CASCADE, \n"
    "\tCONSTRAINT fk_caseload_audit_answer_question_id_caseload_audit_question FOREIGN "
    "KEY(question_id) REFERENCES caseload_audit_question (id) ON DELETE CASCADE, \n"
    "\tCONSTRAINT uq_caseload_audit_answer_case_id UNIQUE (case_id, question_id)\n"
    ")",
    "CREATE TABLE discharge_note (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tepisode_id INTEGER NOT NULL, \n"
    "\treason VARCHAR(500), \n"
    "\tversion INTEGER DEFAULT '1' NOT NULL, \n"
    "\tupdated_at DATETIME, \n"
    "\tupdated_by VARCHAR(80), \n"
    "\tCONSTRAINT pk_discharge_note PRIMARY KEY (id), \n"
    "\tCONSTRAINT fk_discharge_note_episode_id_episode FOREIGN KEY(episode_id) REFERENCES episode "
    "(id) ON DELETE CASCADE, \n"
    "\tCONSTRAINT uq_discharge_note_episode_id UNIQUE (episode_id)\n"
    ")",
    "CREATE TABLE pdsa_cycle (\n"
    "\tid INTEGER NOT NULL, \n"
    "\tteam VARCHAR(80) NOT NULL, \n"
    "\ttitle VARCHAR(120) NOT NULL, \n"
    '\t"plan" VARCHAR(1000), \n'
    "\tprediction VARCHAR(1000), \n"
    "\towner VARCHAR(80), \n"
    "\tstart_on DATE NOT NULL, \n"
    "\tend_on DATE, \n"
    "\tmeasure_keys VARCHAR(1000) NOT NULL, \n"
    "\tstudy VARCHAR(1000), \n"
    "\tact VARCHAR(1000), \n"
    "\tclosed_on DATE, \n"
    "\tversion INTEGER DEFAULT '1' NOT NULL, \n"
    "\tupdated_at DATETIME, \n"
    "\tupdated_by VARCHAR(80), \n"
    "\tCONSTRAINT pk_pdsa_cycle PRIMARY KEY (id)\n"
    ")",
    "CREATE INDEX ix_pdsa_cycle_start_on ON pdsa_cycle (start_on)",
    "CREATE INDEX ix_episode_team ON episode (team, end_date, start_date, client_id)",
    "CREATE INDEX ix_contact_client ON contact (client_id, date, outcome, kind, mode)",
    "CREATE INDEX ix_episode_client ON episode (client_id, service, start_date, end_date)",
)

ROWS: tuple[tuple[str, tuple[str, ...], tuple[tuple[Any, ...], ...]], ...] = (
    ("alembic_version", ("version_num",), (("0015",),)),
    (
        "definition_version",
        (
            "number",
            "first_month",
            "named_workers",
            "consent",
            "joint_contact",
            "liaison",
            "joint_contacts_min",
            "joint_contact_window_days",
            "liaison_contacts_min",
            "min_overlap_days",
            "written_contacts_count",
            "agreed_on",
            "note",
            "version",
            "updated_at",
            "updated_by",
            "agreed_in",
        ),
        (
            (
                1,
                None,
                1,
                1,
                1,
                1,
                1,
                90,
                1,
                14,
                0,
                None,
                "The default definition (SPEC section 2).",
                1,
                None,
                None,
                None,
            ),
        ),
    ),
)
