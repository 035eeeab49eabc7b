-- 0001: catalog of SQL statements used by the Orleans ADO.NET providers.
--
-- Orleans does not embed SQL for PostgreSQL. Each provider (clustering,
-- gateway list, grain storage, reminders) loads its statements at start-up
-- by key from this table and runs them with named parameters (@Name).
-- Scripts 0002-0004 fill it.
--
-- The provider's lookup is hard-coded and unquoted:
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- so the table and column names must stay unquoted here: PostgreSQL folds
-- them to lower case (orleansquery / querykey / querytext). A quoted
-- "OrleansQuery" would not be found. Npgsql resolves the result columns
-- "QueryKey"/"QueryText" case-insensitively.
--
-- The lookup has no schema qualifier, so this table and the tables the
-- statements reference must be on the search_path of the Orleans
-- connection's role (normally "public").
--
-- Re-runnable: migrations apply each script once, but IF NOT EXISTS keeps a
-- manual re-run harmless.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,

    CONSTRAINT orleansquery_pk PRIMARY KEY (QueryKey)
);
