"""`datagen import`: bring your own schema (SQL DDL or a live database) into the DSL."""
