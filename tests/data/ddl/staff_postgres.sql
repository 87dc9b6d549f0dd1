-- Staff and skills, PostgreSQL dialect (hand-written for the import tests): an ENUM type,
-- a self-reference, a composite primary key of an integer and a text reference, a composite
-- foreign key, UNIQUEs, CHECKs (comparisons, IN lists, two columns), DEFAULTs, comments.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE team (
  team_id serial PRIMARY KEY,
  name varchar(40) NOT NULL UNIQUE,
  parent_team_id int REFERENCES team (team_id)
);
COMMENT ON TABLE team IS 'teams of people';
CREATE TABLE person (
  person_id bigserial PRIMARY KEY,
  team_id int NOT NULL REFERENCES team,
  email text NOT NULL UNIQUE,
  mood mood NOT NULL DEFAULT 'ok',
  salary numeric(9,2) CHECK (salary > 1000 AND salary < 250000),
  grade char(1) NOT NULL CHECK (grade IN ('A', 'B', 'C')),
  joined_at timestamptz NOT NULL DEFAULT now(),
  left_at timestamptz,
  CONSTRAINT left_after_joined CHECK (left_at > joined_at)
);
COMMENT ON COLUMN person.salary IS 'yearly, EUR';
CREATE TABLE skill (code varchar(8) PRIMARY KEY, label text NOT NULL);
CREATE TABLE person_skill (
  person_id bigint NOT NULL REFERENCES person ON DELETE CASCADE,
  skill_code varchar(8) NOT NULL REFERENCES skill (code),
  level smallint NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 5),
  PRIMARY KEY (person_id, skill_code)
);
CREATE TABLE endorsement (
  id serial PRIMARY KEY,
  person_id bigint NOT NULL,
  skill_code varchar(8) NOT NULL,
  by_person_id bigint NOT NULL REFERENCES person (person_id),
  FOREIGN KEY (person_id, skill_code) REFERENCES person_skill (person_id, skill_code),
  CHECK (by_person_id > 0)
);
