-- One database per service, on the same PostgreSQL server.
--
-- The postgres image runs this file once, when its data volume is first
-- initialised, as POSTGRES_USER (who then owns the databases). On an existing
-- volume it is not run again: create a missing database by hand, or start
-- from an empty volume (docker compose down --volumes destroys all data).

CREATE DATABASE cms;          -- cms
CREATE DATABASE subscribers;  -- subscriber_service
CREATE DATABASE newsletters;  -- newsletter_service
