-- Who touched a record, across every host: `kiosk audit show --patient` on the shared record.
CREATE INDEX audit_events_patient ON audit_events (patient_id, at) WHERE patient_id IS NOT NULL;
