"""Tables, engine and session factory, migrations."""
